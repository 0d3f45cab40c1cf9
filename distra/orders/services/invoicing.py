"""Invoicing an allocated order: the billing service issues the tax invoice, and the order moves
to invoiced in the same transaction."""

from __future__ import annotations

from django.db import transaction

from distra.core.permissions import require_perm
from distra.orders.choices import OrderChannel, OrderStatus
from distra.orders.models import Order
from distra.orders.services.ordering import get_order, lock_order, move_to


@transaction.atomic
def order_invoice(*, by, order: Order, channel: str = OrderChannel.WEB):
    """Issue the tax invoice of an allocated order (distra.billing.services.invoice_issue) and move
    the order to invoiced. Invoicing an invoiced order again returns its invoice and changes
    nothing; any other status is a 409. Locks the order row, then the invoice series row."""
    from distra.billing.services import invoice_for_order, invoice_issue

    require_perm(by, "orders.invoice_order")
    order = lock_order(get_order(by, order.pk))
    if order.status == OrderStatus.INVOICED:
        existing = invoice_for_order(order)
        if existing is not None:
            existing.replayed = True
            return existing
    invoice = invoice_issue(by=by, order=order)
    move_to(order, OrderStatus.INVOICED, by=by, channel=channel, stamp="invoiced_at", invoice=invoice.number)
    return invoice
