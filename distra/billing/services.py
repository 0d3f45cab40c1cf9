"""Every write of billing: issue invoices, credit notes and cancellations, record payments.

Each service runs in one transaction, re-checks the acting user's permission and data scope, and
locks before it changes: the order row (issue), then the invoice row (credit, cancel, payment
allocation; several invoices in primary-key order), then the number series row. Numbers are taken
from a locked series row in the document's own transaction, so a rolled-back document leaves no
gap. Nothing is written when a check fails.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from stdnum.in_ import gstin

from distra.billing.choices import (
    MODES_WITH_REFERENCE,
    CreditNoteKind,
    InvoiceStatus,
    PaymentMode,
    SeriesDocument,
    TaxRegimeCode,
)
from distra.billing.domain import (
    Amounts,
    allocate_oldest_first,
    credit_amounts,
    effective_pct,
    financial_year,
    financial_year_label,
    line_amounts,
    total_of,
)
from distra.billing.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    Payment,
    PaymentAllocation,
)
from distra.billing.tax import IndiaGST, Party, SingleVAT, TaxRegime, regime_for
from distra.core.errors import Conflict, DomainError, FieldProblem, NotFound, ValidationFailed
from distra.core.permissions import require_perm
from distra.orders.choices import OrderStatus
from distra.orders.models import Order
from distra.partners.models import Outlet

PREFIXES = {SeriesDocument.INVOICE: "INV", SeriesDocument.CREDIT_NOTE: "CN"}
REGIMES_BY_CODE: dict[str, TaxRegime] = {TaxRegimeCode.GST_IN: IndiaGST(), TaxRegimeCode.VAT: SingleVAT()}
MAX_AMOUNT = Decimal("1000000000000")


def more_than_invoiced(fields: dict[str, list[FieldProblem]]) -> DomainError:
    return DomainError(message="A credit may not exceed what was invoiced and not yet credited.", code="more_than_invoiced",
                       status=422, fields=fields)


# Numbering -----------------------------------------------------------------------------------------

def _locked_series(distributor_id: int, document: str, year: int) -> InvoiceSeries:
    """The series row, locked; created on the year's first document (a concurrent creator's
    insert fails on the unique key, and then this waits for its lock like everyone else)."""
    rows = InvoiceSeries.objects.select_for_update().filter(distributor_id=distributor_id, document=document, financial_year=year)
    series = rows.first()
    if series is None:
        prefix = f"{PREFIXES[document]}/{financial_year_label(year)}/"
        try:
            with transaction.atomic():
                InvoiceSeries.objects.create(distributor_id=distributor_id, document=document, financial_year=year, prefix=prefix)
        except IntegrityError:
            pass
        series = rows.get()
    return series


def take_number(distributor_id: int, document: str, day: date) -> tuple[int, int, str]:
    """(financial year, sequence, number) for the next document; must run inside the document's
    transaction. Locks the series row until that transaction ends."""
    year = financial_year(day)
    series = _locked_series(distributor_id, document, year)
    InvoiceSeries.objects.filter(pk=series.pk).update(next_number=F("next_number") + 1)
    return year, series.next_number, f"{series.prefix}{series.next_number:05d}"


# Parties -------------------------------------------------------------------------------------------

def _registered_gstin(tax_id: str) -> str:
    return tax_id if tax_id and gstin.is_valid(tax_id) else ""


def _address(*parts: str) -> str:
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _parties(order: Order) -> tuple[Party, Party, dict]:
    """Seller and buyer as the tax rules see them, and the details the invoice keeps."""
    distributor, outlet = order.distributor, order.outlet
    country = distributor.country_code
    seller_tax_id = _registered_gstin(distributor.tax_id) if country == "IN" else distributor.tax_id
    buyer_tax_id = _registered_gstin(outlet.tax_id) if country == "IN" else outlet.tax_id
    seller = Party(name=distributor.legal_name, country_code=country, tax_id=seller_tax_id)
    buyer = Party(name=outlet.name, country_code=country, tax_id=buyer_tax_id)
    if country == "IN" and not seller.state_code:
        raise Conflict(f"Distributor {distributor.code} has no valid GSTIN; a tax invoice needs one.", code="seller_gstin_missing")
    details = {
        "seller_name": distributor.legal_name, "seller_tax_id": seller_tax_id, "seller_state": seller.state_code,
        "seller_address": _address(distributor.address or order.warehouse.address),
        "buyer_name": outlet.name, "buyer_tax_id": buyer_tax_id, "buyer_state": buyer.state_code,
        "buyer_address": _address(outlet.address, outlet.city, outlet.postal_code),
    }
    return seller, buyer, details


def _invoice_parties(invoice: Invoice) -> tuple[TaxRegime, Party, Party]:
    country = "IN" if invoice.regime == TaxRegimeCode.GST_IN else ""
    return (REGIMES_BY_CODE[invoice.regime], Party(invoice.seller_name, country, invoice.seller_tax_id),
            Party(invoice.buyer_name, country, invoice.buyer_tax_id))


def _line_money(row) -> Amounts:
    return Amounts(gross=row.gross, discount=row.discount, taxable=row.taxable, cgst=row.cgst, sgst=row.sgst, igst=row.igst, vat=row.vat)


def _document_totals(totals: Amounts) -> dict:
    return {**totals.as_dict(), "tax": totals.tax, "total": totals.total}


# Invoices ------------------------------------------------------------------------------------------

def _locked_order(by, order: Order) -> Order:
    # FOR NO KEY UPDATE, as the order services lock it: order services still wait for each other,
    # but a row that only references the order (a back-order, an invoice) does not wait on it.
    locked = (Order.objects.for_user(by).select_for_update(of=("self",), no_key=True)
              .select_related("distributor", "outlet", "warehouse").filter(pk=order.pk).first())
    if locked is None:
        raise NotFound(f"No order with id {order.pk}.")
    return locked


@transaction.atomic
def invoice_issue(*, by, order: Order) -> Invoice:
    """The tax invoice of an allocated order, from its allocated quantities at the order's prices
    and discounts, taxed by the distributor's country's regime, numbered in the distributor's
    invoice series for the financial year of today. An order has one invoice: a second call
    returns the first (``invoice.replayed``). 409 ``order_not_invoiceable`` unless the order is
    allocated; 409 ``nothing_to_invoice`` when no line has allocated units. Locks the order row,
    then the series row. Does not change the order's status (the order service does)."""
    require_perm(by, "billing.add_invoice")
    order = _locked_order(by, order)
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        existing.replayed = True
        return existing
    if order.status != OrderStatus.ALLOCATED:
        raise Conflict(f"Order {order.number} is {order.status}; only an allocated order is invoiced.", code="order_not_invoiceable")
    lines = [line for line in order.lines.select_related("sku").order_by("line_no") if line.allocated > 0]
    if not lines:
        raise Conflict(f"Order {order.number} has nothing allocated to invoice.", code="nothing_to_invoice")
    seller, buyer, details = _parties(order)
    regime = regime_for(order.distributor.country_code)
    amounts = [line_amounts(regime=regime, seller=seller, buyer=buyer, quantity=line.allocated, unit_price=line.unit_price,
                            discount_pct=line.discount_pct, tax_rate=line.tax_rate, hsn=line.sku.hsn_code,
                            discount_of=(line.discount, line.quantity)) for line in lines]
    today = timezone.localdate()
    year, sequence, number = take_number(order.distributor_id, SeriesDocument.INVOICE, today)
    invoice = Invoice.objects.create(
        distributor_id=order.distributor_id, order=order, outlet_id=order.outlet_id, number=number, financial_year=year,
        sequence=sequence, issued_on=today, due_on=today + timedelta(days=settings.DISTRA_DEFAULT_CREDIT_DAYS),
        regime=regime.code, place_of_supply=regime.place_of_supply(seller, buyer) if regime.code == TaxRegimeCode.GST_IN else "",
        issued_by=by, **details, **_document_totals(total_of(amounts)),
    )
    InvoiceLine.objects.bulk_create([
        InvoiceLine(invoice=invoice, order_line=line, line_no=i, sku=line.sku, hsn=line.sku.hsn_code, description=_description(line),
                    units_per_case=line.sku.units_per_case, quantity=line.allocated, unit_price=line.unit_price,
                    discount_pct=effective_pct(money), tax_rate=line.tax_rate,
                    total=money.total, **money.as_dict())
        for i, (line, money) in enumerate(zip(lines, amounts, strict=True), start=1)
    ])
    invoice.replayed = False
    return invoice


def _description(line) -> str:
    """The SKU's name; a free line says it is free and of which scheme; a line with scheme
    discounts names the schemes (the invoice and its PDF print this)."""
    pricing = line.pricing or {}
    if line.free_of_id is not None:
        return f"{line.sku.name} - FREE ({pricing.get('free_of', {}).get('code', '')})"[:200]
    codes = [a["code"] for a in pricing.get("applied", []) if not a.get("free_quantity")]
    return f"{line.sku.name} (schemes: {', '.join(codes)})"[:200] if codes else line.sku.name


def invoice_for_order(order: Order) -> Invoice | None:
    """The order's invoice, if it has one (no scope check: for the order services)."""
    return Invoice.objects.filter(order_id=order.pk).first()


def _locked_invoice(by, invoice_id: int) -> Invoice:
    locked = Invoice.objects.for_user(by).select_for_update(of=("self",)).filter(pk=invoice_id).first()
    if locked is None:
        raise NotFound(f"No invoice with id {invoice_id}.")
    return locked


# Credit notes --------------------------------------------------------------------------------------

def _check_credit_request(invoice: Invoice, lines: list[tuple[int, int]], reason: str, kind: str) -> dict[int, InvoiceLine]:
    """The invoice lines named, after checking every line, the kind and the reason (422 with
    every problem at once; ``more_than_invoiced`` when a quantity exceeds what is left)."""
    problems: dict[str, list[FieldProblem]] = {}
    if kind not in CreditNoteKind.values:
        problems["kind"] = [FieldProblem("invalid_choice", f"A credit note is one of: {', '.join(CreditNoteKind.values)}.")]
    if not reason.strip() or len(reason) > 200:
        problems["reason"] = [FieldProblem("required", "Say why, in at most 200 characters.")]
    if not lines:
        problems["lines"] = [FieldProblem("required", "A credit note credits at least one line.")]
    if problems:
        raise ValidationFailed(problems)
    own = {line.pk: line for line in invoice.lines.all()}
    excess, seen = {}, set()
    for i, (line_id, quantity) in enumerate(lines):
        line = own.get(line_id)
        if line is None or line_id in seen:
            problems[f"lines[{i}].invoice_line_id"] = [FieldProblem(
                "not_on_invoice" if line is None else "duplicate_line", f"Line {line_id} is not (again) a line of {invoice.number}.")]
        elif not isinstance(quantity, int) or quantity < 1:
            problems[f"lines[{i}].quantity"] = [FieldProblem("invalid_quantity", "A credited quantity is a whole number above 0.")]
        elif quantity > line.quantity - line.credited_quantity:
            excess[f"lines[{i}].quantity"] = [FieldProblem(
                "more_than_invoiced", f"{line.quantity - line.credited_quantity} units of line {line.line_no} are left to credit.")]
        seen.add(line_id)
    if problems:
        raise ValidationFailed({**problems, **excess})
    if excess:
        raise more_than_invoiced(excess)
    return own


def _release_overpayment(invoice: Invoice, credit: Decimal) -> None:
    """When a credit of ``credit`` will leave less to pay than was paid, the excess goes back to
    the payments' accounts: the newest allocations of this invoice shrink first (before the credit
    is booked, so the invoice never shows a negative outstanding). The invoice row is locked."""
    invoice.refresh_from_db(fields=["total", "credited", "paid"])
    excess = invoice.credited + credit + invoice.paid - invoice.total
    if excess <= 0:
        return
    for allocation in invoice.allocations.select_for_update().order_by("-id"):
        take = min(excess, allocation.amount)
        Payment.objects.filter(pk=allocation.payment_id).update(allocated=F("allocated") - take)
        if take == allocation.amount:
            allocation.delete()
        else:
            PaymentAllocation.objects.filter(pk=allocation.pk).update(amount=F("amount") - take)
        Invoice.objects.filter(pk=invoice.pk).update(paid=F("paid") - take)
        excess -= take
        if excess <= 0:
            break


def _credit(by, invoice: Invoice, lines: list[tuple[int, int]], reason: str, kind: str) -> CreditNote:
    own = _check_credit_request(invoice, lines, reason, kind)
    regime, seller, buyer = _invoice_parties(invoice)
    names = list(Amounts().as_dict())
    sums = (CreditNoteLine.objects.filter(invoice_line__invoice=invoice).values("invoice_line")
            .annotate(**{f"sum_{name}": Sum(name) for name in names}))
    already = {row["invoice_line"]: Amounts(**{name: row[f"sum_{name}"] for name in names}) for row in sums}
    built = []
    for line_id, quantity in lines:
        line = own[line_id]
        credited = already.get(line_id, Amounts())
        proportional = line_amounts(regime=regime, seller=seller, buyer=buyer, quantity=quantity, unit_price=line.unit_price,
                                    discount_pct=line.discount_pct, tax_rate=line.tax_rate, hsn=line.hsn,
                                    discount_of=(line.discount, line.quantity))
        money = credit_amounts(invoiced=_line_money(line), invoiced_quantity=line.quantity, credited=credited,
                               credited_quantity=line.credited_quantity, quantity=quantity, proportional=proportional)
        built.append((line, quantity, money))
    totals = total_of(money for _line, _q, money in built)
    if totals.total <= 0:
        raise ValidationFailed({"lines": [FieldProblem("nothing_to_credit", "These units carry no amount left to credit.")]})
    today = timezone.localdate()
    year, sequence, number = take_number(invoice.distributor_id, SeriesDocument.CREDIT_NOTE, today)
    note = CreditNote.objects.create(
        distributor_id=invoice.distributor_id, invoice=invoice, outlet_id=invoice.outlet_id, number=number, financial_year=year,
        sequence=sequence, issued_on=today, kind=kind, reason=reason.strip(), issued_by=by, **_document_totals(totals))
    CreditNoteLine.objects.bulk_create([
        CreditNoteLine(credit_note=note, invoice_line=line, quantity=quantity, total=money.total, **money.as_dict())
        for line, quantity, money in built
    ])
    for line, quantity, _money in built:
        InvoiceLine.objects.filter(pk=line.pk).update(credited_quantity=F("credited_quantity") + quantity)
    _release_overpayment(invoice, totals.total)
    Invoice.objects.filter(pk=invoice.pk).update(credited=F("credited") + totals.total)
    return note


@transaction.atomic
def credit_note_issue(*, by, invoice: Invoice, lines: list[tuple[int, int]], reason: str, kind: str) -> CreditNote:
    """Credit ``lines`` ((invoice line id, quantity) pairs) of ``invoice``: delivery shortfalls,
    returns, other corrections. Each line's amounts follow domain.credit_amounts. A quantity above
    what is invoiced and not yet credited is a 422 ``more_than_invoiced`` (nothing written); a
    cancelled invoice is a 409. What was paid beyond the new outstanding goes back on account.
    Locks the invoice row, then the credit note series row."""
    require_perm(by, "billing.add_creditnote")
    invoice = _locked_invoice(by, invoice.pk)
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(f"Invoice {invoice.number} is cancelled.", code="invoice_cancelled")
    return _credit(by, invoice, lines, reason, kind)


@transaction.atomic
def invoice_cancel_for_order(*, by, order: Order, reason: str) -> CreditNote:
    """Cancel the invoice of an order cancelled before dispatch: a credit note of everything not
    yet credited (kind cancellation), and the invoice becomes cancelled; its number stays used, so
    numbers stay gap-free. Payments allocated to it go back on account. Locks the invoice row,
    then the credit note series row (the caller holds the order row)."""
    require_perm(by, "billing.add_creditnote")
    invoice = Invoice.objects.for_user(by).filter(order_id=order.pk).first()
    if invoice is None:
        raise NotFound(f"Order {order.number} has no invoice.")
    invoice = _locked_invoice(by, invoice.pk)
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(f"Invoice {invoice.number} is already cancelled.", code="invoice_cancelled")
    left = [(line.pk, line.quantity - line.credited_quantity) for line in invoice.lines.all() if line.credited_quantity < line.quantity]
    if not left:
        raise Conflict(f"Invoice {invoice.number} is fully credited already.", code="nothing_to_credit")
    note = _credit(by, invoice, left, reason or "Order cancelled", CreditNoteKind.CANCELLATION)
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.CANCELLED, updated_at=timezone.now())
    return note


# Payments ------------------------------------------------------------------------------------------

def _money(value, field: str, problems: dict) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        amount = Decimal(-1)
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        problems[field] = [FieldProblem("invalid_amount", "An amount is above 0, with at most 2 decimals.")]
        return Decimal(0)
    return amount


def _check_payment(amount, mode: str, reference: str, received_on: date) -> tuple[Decimal, dict]:
    problems: dict[str, list[FieldProblem]] = {}
    amount = _money(amount, "amount", problems)
    if mode not in PaymentMode.values:
        problems["mode"] = [FieldProblem("invalid_choice", f"A payment mode is one of: {', '.join(PaymentMode.values)}.")]
    if mode in MODES_WITH_REFERENCE and not reference.strip():
        problems["reference"] = [FieldProblem("required", "A cheque, bank transfer or UPI payment needs its reference.")]
    if len(reference) > 64:
        problems["reference"] = [FieldProblem("too_long", "A reference has at most 64 characters.")]
    if received_on > timezone.localdate():
        problems["received_on"] = [FieldProblem("in_future", "A payment cannot be received in the future.")]
    return amount, problems


def _explicit_plan(amount: Decimal, allocations: list, open_invoices: dict[int, Invoice], problems: dict) -> list[tuple[int, Decimal]]:
    plan, seen = [], set()
    for i, (invoice, value) in enumerate(allocations):
        share = _money(value, f"allocations[{i}].amount", problems)
        row = open_invoices.get(invoice.pk)
        if row is None or invoice.pk in seen:
            problems[f"allocations[{i}].invoice_id"] = [FieldProblem(
                "invoice_not_open", f"Invoice {invoice.pk} is not (again) an open invoice of this outlet.")]
        elif share > row.outstanding:
            problems[f"allocations[{i}].amount"] = [FieldProblem(
                "more_than_outstanding", f"{row.number} has {row.outstanding} outstanding.")]
        seen.add(invoice.pk)
        plan.append((invoice.pk, share))
    if amount > 0 and sum(share for _pk, share in plan) > amount:
        problems["allocations"] = [FieldProblem("over_allocated", "The allocations add up to more than the payment.")]
    return plan


@transaction.atomic
def payment_record(*, by, outlet: Outlet, amount, mode: str, reference: str = "", received_on: date | None = None,
                   allocations: list[tuple[Invoice, Decimal]] | None = None, note: str = "") -> Payment:
    """Record money collected from ``outlet`` by its distributor and allocate it: to the given
    (invoice, amount) pairs, or (``allocations=None``) to the outlet's open invoices oldest first.
    What is not allocated stays on the outlet's account. 422 for a bad amount, mode or reference,
    an invoice that is not an open invoice of the outlet, more than an invoice's outstanding, or
    allocations above the payment (``over_allocated``); nothing is written then. Locks the
    outlet's open invoice rows in primary-key order."""
    require_perm(by, "billing.add_payment")
    if not Outlet.objects.for_user(by).filter(pk=outlet.pk).exists():
        raise NotFound(f"No outlet with id {outlet.pk}.")
    received_on = received_on or timezone.localdate()
    amount, problems = _check_payment(amount, mode, reference, received_on)
    open_rows = list(Invoice.objects.select_for_update(of=("self",)).filter(
        outlet_id=outlet.pk, distributor_id=outlet.distributor_id, status=InvoiceStatus.ISSUED,
        total__gt=F("credited") + F("paid")).order_by("pk"))
    open_invoices = {row.pk: row for row in open_rows}
    if allocations is None:
        oldest = sorted(open_rows, key=lambda row: (row.issued_on, row.sequence))
        plan = [] if problems else allocate_oldest_first(amount, [(row.pk, row.outstanding) for row in oldest])
    else:
        plan = _explicit_plan(amount, allocations, open_invoices, problems)
    if problems:
        raise ValidationFailed(problems)
    payment = Payment.objects.create(
        distributor_id=outlet.distributor_id, outlet=outlet, amount=amount, allocated=sum((s for _pk, s in plan), Decimal("0.00")),
        mode=mode, reference=reference.strip(), received_on=received_on, received_by=by, note=note[:200])
    PaymentAllocation.objects.bulk_create([PaymentAllocation(payment=payment, invoice_id=pk, amount=share) for pk, share in plan])
    for pk, share in plan:
        Invoice.objects.filter(pk=pk).update(paid=F("paid") + share)
    return payment
