"""Billing: tax invoices of secondary orders, credit notes, the number series that number them,
payments collected from outlets and their allocation to invoices.

Only ``distra.billing.services`` writes these rows. Money is Decimal rounded half-up to the paisa
(see domain.py for the one rounding rule). An invoice's outstanding is total - credited - paid and
is never negative (a database check); ``credited`` and ``paid`` are kept in the same transaction
as the credit note or allocation that changes them, under a lock of the invoice row.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from distra.billing.choices import (
    CreditNoteKind,
    InvoiceStatus,
    PaymentMode,
    SeriesDocument,
    TaxRegimeCode,
)
from distra.core.models import ScopedModel, not_below, same_money

MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0.00")}


def _by_distributor_or_outlet(scope, outlet_path: str = "outlet") -> Q:
    """Rows of the scope's distributor (a distributor user) or of the outlets in its territories."""
    if scope.distributor_id is not None:
        return Q(distributor_id=scope.distributor_id)
    return Q(**{f"{outlet_path}__territory_id__in": scope.territory_ids})


def amount_checks(name: str) -> list[models.CheckConstraint]:
    """taxable = gross - discount, and total = taxable + the tax components."""
    return [
        models.CheckConstraint(condition=same_money(F("taxable"), F("gross") - F("discount")), name=f"{name}_taxable"),
        models.CheckConstraint(condition=same_money(F("total"), F("taxable") + F("cgst") + F("sgst") + F("igst") + F("vat")),
                               name=f"{name}_total"),
    ]


class LineMoney(ScopedModel):
    """The amounts of a line or document, rounded by the one rule (domain.py)."""

    gross = models.DecimalField(_("gross"), **MONEY)
    discount = models.DecimalField(_("discount"), **MONEY)
    taxable = models.DecimalField(_("taxable value"), **MONEY)
    cgst = models.DecimalField("CGST", **MONEY)
    sgst = models.DecimalField("SGST", **MONEY)
    igst = models.DecimalField("IGST", **MONEY)
    vat = models.DecimalField("VAT", **MONEY)
    total = models.DecimalField(_("total"), **MONEY)

    class Meta:
        abstract = True


class DocumentMoney(LineMoney):
    """A document's amounts: the sums of its lines, and the tax (sum of the components) stored."""

    tax = models.DecimalField(_("tax"), **MONEY)

    class Meta:
        abstract = True


class TaxedLine(LineMoney):
    @property
    def tax(self) -> Decimal:
        return self.cgst + self.sgst + self.igst + self.vat

    class Meta:
        abstract = True


class InvoiceSeries(ScopedModel):
    """The number series of one kind of document of a distributor in one financial year (April to
    March). Gap-free: a number is taken by locking this row (``select_for_update``) and
    incrementing ``next_number`` in the document's own transaction, so a rolled-back document
    gives its number back."""

    distributor = models.ForeignKey("partners.Distributor", on_delete=models.PROTECT, related_name="+")
    document = models.CharField(_("document"), max_length=12, choices=SeriesDocument.choices)
    financial_year = models.PositiveIntegerField(_("financial year (starting April)"))
    prefix = models.CharField(_("prefix"), max_length=10)
    next_number = models.PositiveIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [
            models.UniqueConstraint(fields=["distributor", "document", "financial_year"], name="series_unique_per_year"),
            models.CheckConstraint(condition=Q(document__in=SeriesDocument.values), name="series_document_valid"),
            models.CheckConstraint(condition=Q(next_number__gte=1), name="series_next_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id} {self.prefix} next {self.next_number}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(distributor_id=scope.distributor_id) if scope.distributor_id is not None else Q(pk__in=[])


class Invoice(DocumentMoney):
    """A tax invoice of one order, from its allocated quantities. Seller and buyer details are
    copied at issue (later edits to the distributor or outlet do not change an issued invoice).

    Invariants: one invoice per order; (distributor, number) unique and numbers gap-free per
    series; taxable/tax/total are the sums of the rounded lines; total = taxable + cgst + sgst +
    igst + vat; 0 <= credited + paid <= total (outstanding never negative)."""

    distributor = models.ForeignKey("partners.Distributor", on_delete=models.PROTECT, related_name="invoices")
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="invoice")
    outlet = models.ForeignKey("partners.Outlet", on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("number"), max_length=16)
    financial_year = models.PositiveIntegerField(_("financial year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issued_on = models.DateField(_("date"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    regime = models.CharField(_("tax regime"), max_length=10, choices=TaxRegimeCode.choices)
    seller_name = models.CharField(_("seller"), max_length=200)
    seller_address = models.TextField(_("seller address"), blank=True)
    seller_tax_id = models.CharField(_("seller GSTIN"), max_length=32, blank=True)
    seller_state = models.CharField(_("seller state code"), max_length=2, blank=True)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_address = models.TextField(_("buyer address"), blank=True)
    buyer_tax_id = models.CharField(_("buyer GSTIN"), max_length=32, blank=True)
    buyer_state = models.CharField(_("buyer state code"), max_length=2, blank=True)
    place_of_supply = models.CharField(_("place of supply"), max_length=2, blank=True)
    credited = models.DecimalField(_("credited"), **MONEY)
    paid = models.DecimalField(_("paid"), **MONEY)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("invoice")
        ordering = ["-issued_on", "-sequence"]
        indexes = [models.Index(fields=["outlet", "status", "issued_on"]), models.Index(fields=["distributor", "issued_on"])]
        constraints = [
            models.UniqueConstraint(fields=["distributor", "number"], name="invoice_number_unique"),
            models.UniqueConstraint(fields=["distributor", "financial_year", "sequence"], name="invoice_sequence_unique"),
            models.CheckConstraint(condition=Q(status__in=InvoiceStatus.values), name="invoice_status_valid"),
            models.CheckConstraint(condition=Q(regime__in=TaxRegimeCode.values), name="invoice_regime_valid"),
            *amount_checks("invoice"),
            models.CheckConstraint(condition=same_money(F("tax"), F("cgst") + F("sgst") + F("igst") + F("vat")), name="invoice_tax"),
            models.CheckConstraint(condition=Q(credited__gte=0, paid__gte=0), name="invoice_settled_not_negative"),
            models.CheckConstraint(condition=not_below(F("total"), F("credited") + F("paid")), name="invoice_outstanding_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.credited - self.paid

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _by_distributor_or_outlet(scope)


class InvoiceLine(TaxedLine):
    """One order line as invoiced: the allocated quantity at the order's price and discount.
    Invariants: taxable = gross - discount, total = taxable + tax components (database checks);
    0 <= credited_quantity <= quantity."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="invoice_line")
    line_no = models.PositiveIntegerField(_("line"))
    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="+")
    hsn = models.CharField("HSN", max_length=8, blank=True)
    description = models.CharField(_("description"), max_length=200)
    units_per_case = models.PositiveIntegerField(_("units per case"), default=1)
    quantity = models.PositiveIntegerField(_("quantity (base units)"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    discount_pct = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2)
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2)
    credited_quantity = models.PositiveIntegerField(_("credited quantity"), default=0)

    class Meta:
        verbose_name = _("invoice line")
        ordering = ["invoice", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "line_no"], name="invoice_line_number_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoice_line_quantity_positive"),
            models.CheckConstraint(condition=Q(credited_quantity__lte=F("quantity")), name="invoice_line_credited_within"),
            *amount_checks("invoice_line"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.line_no}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(invoice__in=Invoice.objects.for_scope(scope).values("id"))


class CreditNote(DocumentMoney):
    """A credit against one invoice (cancellation, delivery shortfall, return, other), numbered in
    the distributor's own gap-free credit note series. Invariants as the invoice's: totals are the
    sums of the rounded lines; (distributor, number) unique."""

    distributor = models.ForeignKey("partners.Distributor", on_delete=models.PROTECT, related_name="credit_notes")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    outlet = models.ForeignKey("partners.Outlet", on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(_("number"), max_length=16)
    financial_year = models.PositiveIntegerField(_("financial year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issued_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=CreditNoteKind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("credit note")
        ordering = ["-issued_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["distributor", "number"], name="credit_note_number_unique"),
            models.UniqueConstraint(fields=["distributor", "financial_year", "sequence"], name="credit_note_sequence_unique"),
            models.CheckConstraint(condition=Q(kind__in=CreditNoteKind.values), name="credit_note_kind_valid"),
            *amount_checks("credit_note"),
            models.CheckConstraint(condition=same_money(F("tax"), F("cgst") + F("sgst") + F("igst") + F("vat")), name="credit_note_tax"),
            models.CheckConstraint(condition=Q(total__gt=0), name="credit_note_total_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _by_distributor_or_outlet(scope)


class CreditNoteLine(TaxedLine):
    """Units of one invoice line credited, with the amounts they reverse (domain.credit_amounts)."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="credit_lines")
    quantity = models.PositiveIntegerField(_("quantity (base units)"))

    class Meta:
        verbose_name = _("credit note line")
        ordering = ["credit_note", "id"]
        constraints = [
            models.UniqueConstraint(fields=["credit_note", "invoice_line"], name="credit_note_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="credit_note_line_quantity_positive"),
            *amount_checks("credit_note_line"),
        ]

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(credit_note__in=CreditNote.objects.for_scope(scope).values("id"))


class Payment(ScopedModel):
    """Money collected from an outlet by its distributor. Invariants (database checks): amount >
    0; a cheque, bank transfer or UPI payment carries its reference; 0 <= allocated <= amount (the
    rest is on the outlet's account)."""

    distributor = models.ForeignKey("partners.Distributor", on_delete=models.PROTECT, related_name="payments")
    outlet = models.ForeignKey("partners.Outlet", on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    allocated = models.DecimalField(_("allocated to invoices"), **MONEY)
    mode = models.CharField(_("mode"), max_length=16, choices=PaymentMode.choices)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["outlet", "received_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=PaymentMode.values), name="payment_mode_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(mode=PaymentMode.CASH) | ~Q(reference=""), name="payment_reference_required"),
            models.CheckConstraint(condition=Q(allocated__gte=0) & not_below(F("amount"), F("allocated")), name="payment_allocated_within"),
        ]

    def __str__(self) -> str:
        return f"{self.outlet_id}: {self.amount} {self.mode}"

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _by_distributor_or_outlet(scope)


class PaymentAllocation(ScopedModel):
    """Part of a payment settling one invoice of the same outlet. Invariant: amount > 0; the
    allocations of a payment add up to its ``allocated``, those of an invoice to its ``paid``."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("payment allocation")
        ordering = ["payment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="payment_allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_allocation_positive"),
        ]

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(payment__in=Payment.objects.for_scope(scope).values("id"))
