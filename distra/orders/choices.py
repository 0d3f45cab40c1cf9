"""Order status values, the transitions allowed between them, and the other choices of orders."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved")
    ALLOCATED = "allocated", _("Allocated")
    INVOICED = "invoiced", _("Invoiced")
    DISPATCHED = "dispatched", _("Dispatched")
    DELIVERED = "delivered", _("Delivered")
    PARTIALLY_DELIVERED = "partially_delivered", _("Partially delivered")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


S = OrderStatus
# The only status changes there are. Only the order services change a status, and each change
# writes an OrderEvent. Back-orders wait in APPROVED until stock arrives.
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.PENDING_APPROVAL, S.APPROVED, S.CANCELLED}),
    S.PENDING_APPROVAL: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.PENDING_APPROVAL, S.ALLOCATED, S.CANCELLED}),
    S.ALLOCATED: frozenset({S.INVOICED, S.CANCELLED}),
    S.INVOICED: frozenset({S.DISPATCHED, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.DELIVERED, S.PARTIALLY_DELIVERED}),
    S.DELIVERED: frozenset(),
    S.PARTIALLY_DELIVERED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Lines can be edited until the order is allocated.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.PENDING_APPROVAL, S.APPROVED})
# Orders holding reservations (released on cancel).
RESERVING_STATUSES = frozenset({S.ALLOCATED, S.INVOICED, S.DISPATCHED})
OPEN_STATUSES = frozenset(s for s, targets in ORDER_TRANSITIONS.items() if targets)


class OrderChannel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    MOBILE = "mobile", _("Mobile app")
    SYSTEM = "system", _("System")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    LINES_EDITED = "lines_edited", _("Lines edited")
    REPRICED = "repriced", _("Priced again")
    ALLOCATED = "allocated", _("Stock allocated")
    SHORTFALL = "shortfall", _("Shortfall")
    BACKORDER_FILLED = "backorder_filled", _("Back-order filled")
    DISPATCHED = "dispatched", _("Dispatched")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned by the outlet")
    NOTE = "note", _("Note")


class ShortfallPolicy(models.TextChoices):
    """What happens to ordered quantities the stock cannot cover when an order is allocated."""

    BACKORDER = "backorder", _("Back-order the rest")
    CANCEL = "cancel", _("Cancel the rest")


class ShortfallReason(models.TextChoices):
    """Why a line delivered less than was dispatched (proof of delivery)."""

    REFUSED = "refused", _("Refused by the outlet")
    DAMAGED = "damaged", _("Damaged in transit")
    SHORT_SHIPPED = "short_shipped", _("Not on the vehicle")
    OUTLET_CLOSED = "outlet_closed", _("Outlet closed")
    OTHER = "other", _("Other")


class ReturnCondition(models.TextChoices):
    """The state of units an outlet returns after delivery: saleable units go back to available
    stock (return_saleable), damaged ones are received as return_damaged."""

    SALEABLE = "saleable", _("Saleable")
    DAMAGED = "damaged", _("Damaged")
