"""Every write of the orders context (the only code that writes its rows).

creating: create (idempotent), on the path every order takes.
ordering: edit lines, submit, approve, reject, cancel.
allocation: FEFO allocation with shortfall policy, back-orders, release.
delivery: dispatch, proof of delivery, returns after delivery.
"""

from distra.orders.services.allocation import backorders_fill, order_allocate, release_allocations
from distra.orders.services.creating import order_create
from distra.orders.services.delivery import (
    DeliveredLine,
    ReturnedLine,
    order_deliver,
    order_dispatch,
    order_return,
    orders_dispatch,
)
from distra.orders.services.invoicing import order_invoice
from distra.orders.services.ordering import (
    LineIn,
    TransitionNotAllowed,
    get_order,
    order_approve,
    order_cancel,
    order_lines_replace,
    order_reject,
    order_reprice,
    order_submit,
)

__all__ = [
    "DeliveredLine", "ReturnedLine", "order_deliver", "order_dispatch", "order_return", "orders_dispatch",
    "LineIn", "TransitionNotAllowed", "backorders_fill", "get_order", "order_allocate", "order_approve", "order_cancel",
    "order_create", "order_invoice", "order_lines_replace", "order_reject", "order_reprice", "order_submit", "release_allocations",
]
