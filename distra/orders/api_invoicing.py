"""POST /orders/{id}/invoice: issue the tax invoice of an allocated order."""

from ninja import Router, Status

from distra.billing import selectors as billing
from distra.billing.schemas import InvoiceOut
from distra.core.api import ERROR_RESPONSES, Id
from distra.core.permissions import require_perm
from distra.orders.choices import OrderChannel
from distra.orders.services import get_order, order_invoice

router = Router(tags=["orders"])


@router.post("/{order_id}/invoice", response={200: InvoiceOut, 201: InvoiceOut, **ERROR_RESPONSES})
def order_invoice_create(request, order_id: Id):
    """Issue the order's tax invoice from its allocated quantities (201) and move it to invoiced;
    an invoiced order answers 200 with its invoice. 409 unless the order is allocated."""
    require_perm(request.auth, "orders.invoice_order")
    invoice = order_invoice(by=request.auth, order=get_order(request.auth, order_id), channel=OrderChannel.API)
    return Status(200 if invoice.replayed else 201, billing.invoice_get(user=request.auth, pk=invoice.pk))
