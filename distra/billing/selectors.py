"""Every read of billing, through the acting user's data scope: invoices, credit notes, payments,
and an outlet's statement (outstanding, ageing, open invoices)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from distra.billing.choices import InvoiceStatus
from distra.billing.domain import AGEING_BUCKETS, ageing
from distra.billing.models import CreditNote, Invoice, Payment
from distra.core.errors import NotFound
from distra.core.money import round_money
from distra.partners.models import Outlet


def invoice_list(*, user, outlet_id: int | None = None, distributor_id: int | None = None, order_id: int | None = None,
                 status: str | None = None, issued_from: date | None = None, issued_to: date | None = None,
                 open_only: bool = False, number: str | None = None) -> QuerySet[Invoice]:
    qs = Invoice.objects.for_user(user).select_related("outlet", "distributor")
    filters = {"outlet_id": outlet_id, "distributor_id": distributor_id, "order_id": order_id, "status": status,
               "issued_on__gte": issued_from, "issued_on__lte": issued_to, "number__icontains": number}
    qs = qs.filter(**{key: value for key, value in filters.items() if value not in (None, "")})
    if open_only:
        qs = qs.filter(status=InvoiceStatus.ISSUED, total__gt=F("credited") + F("paid"))
    return qs


def invoice_get(*, user, pk: int) -> Invoice:
    invoice = invoice_list(user=user).prefetch_related("lines", "credit_notes", "allocations__payment").filter(pk=pk).first()
    if invoice is None:
        raise NotFound(f"No invoice with id {pk}.")
    return invoice


def credit_note_list(*, user, invoice_id: int | None = None, outlet_id: int | None = None, kind: str | None = None,
                     distributor_id: int | None = None, issued_from: date | None = None, issued_to: date | None = None,
                     number: str | None = None) -> QuerySet[CreditNote]:
    """Credit notes in ``user``'s scope; ``number`` matches a credit note's or its invoice's number."""
    qs = CreditNote.objects.for_user(user).select_related("invoice", "outlet")
    filters = {"invoice_id": invoice_id, "outlet_id": outlet_id, "kind": kind, "distributor_id": distributor_id,
               "issued_on__gte": issued_from, "issued_on__lte": issued_to}
    qs = qs.filter(**{key: value for key, value in filters.items() if value not in (None, "")})
    if number:
        qs = qs.filter(Q(number__icontains=number) | Q(invoice__number__icontains=number))
    return qs


def credit_note_get(*, user, pk: int) -> CreditNote:
    note = credit_note_list(user=user).prefetch_related("lines__invoice_line").filter(pk=pk).first()
    if note is None:
        raise NotFound(f"No credit note with id {pk}.")
    return note


def payment_list(*, user, outlet_id: int | None = None, distributor_id: int | None = None, mode: str | None = None,
                 received_from: date | None = None, received_to: date | None = None) -> QuerySet[Payment]:
    qs = Payment.objects.for_user(user).select_related("outlet").prefetch_related("allocations__invoice")
    filters = {"outlet_id": outlet_id, "distributor_id": distributor_id, "mode": mode,
               "received_on__gte": received_from, "received_on__lte": received_to}
    return qs.filter(**{key: value for key, value in filters.items() if value not in (None, "")})


@dataclass
class Statement:
    """What an outlet owes its distributor on ``as_of``: the outstanding of its open invoices, by
    ageing bucket (days past the due date), and what it has paid on account (not yet allocated)."""

    outlet: Outlet
    as_of: date
    outstanding: Decimal
    on_account: Decimal
    ageing: dict[str, Decimal]
    open_invoices: list[Invoice] = field(default_factory=list)

    @property
    def balance(self) -> Decimal:
        """Outstanding less what is on account: what the outlet would still owe if the money on
        account were allocated."""
        return self.outstanding - self.on_account


def outlet_statement(*, user, outlet_id: int, as_of: date | None = None) -> Statement:
    """The statement of an outlet in ``user``'s scope (404 otherwise)."""
    outlet = Outlet.objects.for_user(user).filter(pk=outlet_id).first()
    if outlet is None:
        raise NotFound(f"No outlet with id {outlet_id}.")
    as_of = as_of or timezone.localdate()
    invoices = list(invoice_list(user=user, outlet_id=outlet.pk, open_only=True).order_by("issued_on", "sequence"))
    for invoice in invoices:
        invoice.days_past_due = max((as_of - invoice.due_on).days, 0)
    on_account = round_money(Payment.objects.for_user(user).filter(outlet_id=outlet.pk).aggregate(
        left=Sum(F("amount") - F("allocated")))["left"] or 0)
    buckets = ageing(((invoice.due_on, invoice.outstanding) for invoice in invoices), as_of=as_of)
    return Statement(outlet=outlet, as_of=as_of, outstanding=sum((i.outstanding for i in invoices), Decimal("0.00")),
                     on_account=on_account, ageing={key: buckets[key] for key in AGEING_BUCKETS}, open_invoices=invoices)
