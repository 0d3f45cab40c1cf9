"""Credit notes issued by hand (``POST /api/v1/billing/invoices/{id}/credit-notes`` and the page
``/invoices/{id}/credit-notes/new``): a credit by invoice line and quantity, with a reason, for what
the order flow does not credit itself (a price correction, goods found damaged after delivery, a
late shortfall claim).

Only once the order is delivered (in full or in part): before that, the order flow credits the
invoice itself (the proof of delivery credits what was not delivered, cancelling the order
credits everything), and those credits must find their units not yet credited. A hand credit
lowers what a later return at the door can credit. The amounts follow ``credit_note_issue``.
"""

from __future__ import annotations

from django.db import transaction

from distra.billing.choices import CreditNoteKind
from distra.billing.models import CreditNote, Invoice
from distra.billing.services import credit_note_issue
from distra.core.errors import Conflict, FieldProblem, ValidationFailed
from distra.core.permissions import require_in_scope, require_perm
from distra.orders.choices import OrderStatus
from distra.orders.models import Order

DIRECT_KINDS = (CreditNoteKind.OTHER, CreditNoteKind.RETURN, CreditNoteKind.DELIVERY_SHORTFALL)
CREDITABLE_ORDER_STATUSES = frozenset({OrderStatus.DELIVERED, OrderStatus.PARTIALLY_DELIVERED})


def invoice_creditable_by_hand(invoice: Invoice) -> bool:
    """Whether the invoice's order is delivered (a hand credit note may be issued against it)."""
    status = Order.objects.filter(pk=invoice.order_id).values_list("status", flat=True).first()
    return status in CREDITABLE_ORDER_STATUSES


@transaction.atomic
def credit_note_issue_by_hand(*, by, invoice: Invoice, lines: list[tuple[int, int]], reason: str,
                              kind: str = CreditNoteKind.OTHER) -> CreditNote:
    """Credit ``lines`` ((invoice line id, quantity) pairs) of a delivered order's invoice. 403
    without ``billing.add_creditnote``; 404 for an invoice out of scope; 422 for kind
    ``cancellation`` (``cancel_the_order``), a bad line, quantity or reason, or more than is left to
    credit (``more_than_invoiced``); 409 ``invoice_not_creditable`` before delivery and 409
    ``invoice_cancelled`` for a cancelled invoice. Nothing is written when refused. Locks the
    invoice row, then the credit note series row (as ``credit_note_issue``)."""
    require_perm(by, "billing.add_creditnote")
    require_in_scope(by, invoice, f"No invoice with id {invoice.pk}.")
    if kind not in DIRECT_KINDS:
        message = ("An invoice is cancelled by cancelling its order." if kind == CreditNoteKind.CANCELLATION
                   else f"A credit note issued by hand is one of: {', '.join(DIRECT_KINDS)}.")
        code = "cancel_the_order" if kind == CreditNoteKind.CANCELLATION else "invalid_choice"
        raise ValidationFailed({"kind": [FieldProblem(code, message)]})
    if not invoice_creditable_by_hand(invoice):
        raise Conflict(f"Invoice {invoice.number}: its order is not delivered yet; a credit note is issued by hand after "
                       "delivery (before it, record the delivery or cancel the order).", code="invoice_not_creditable")
    return credit_note_issue(by=by, invoice=invoice, lines=lines, reason=reason, kind=kind)
