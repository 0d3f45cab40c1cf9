"""Every write to primary orders, shipments and goods receipts (the only package that does).

Each service runs in one ``transaction.atomic()``, checks the acting user's permission, then locks
the order row (``select_for_update``) and re-checks that it is in the user's scope (404 if not), so
two actions on one order run one after the other. Stock moves go through
``distra.inventory.services`` with source keys derived from the shipment and GRN lines, so a
retried post never moves stock twice. A refused action raises a DomainError and writes nothing.
"""

from distra.purchasing.services.orders import (
    MANAGE_PERM,
    ORDER_PERM,
    po_cancel,
    po_close,
    po_confirm,
    po_create,
    po_lines_set,
    po_submit,
)
from distra.purchasing.services.shipping import (
    RECEIVE_PERM,
    SHIP_PERM,
    depot_create,
    grn_post,
    po_ship,
)

__all__ = [
    "MANAGE_PERM", "ORDER_PERM", "RECEIVE_PERM", "SHIP_PERM", "depot_create", "grn_post", "po_cancel", "po_close", "po_confirm",
    "po_create", "po_lines_set", "po_ship", "po_submit",
]
