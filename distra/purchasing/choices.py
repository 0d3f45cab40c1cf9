"""Status values of primary orders and their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class POStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    RECEIVED = "received", _("Received")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


S = POStatus
# The only status changes a service may make. A shipment or goods receipt that leaves the status
# as it was (a second partial shipment) is a self-transition and still writes an event.
PO_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.CANCELLED},
    S.SUBMITTED: {S.CONFIRMED, S.CANCELLED},
    S.CONFIRMED: {S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED},
    S.PARTIALLY_SHIPPED: {S.PARTIALLY_SHIPPED, S.SHIPPED, S.PARTIALLY_RECEIVED},
    S.SHIPPED: {S.PARTIALLY_RECEIVED, S.RECEIVED},
    S.PARTIALLY_RECEIVED: {S.PARTIALLY_RECEIVED, S.RECEIVED, S.CLOSED},
    S.RECEIVED: {S.CLOSED},
    S.CLOSED: set(),
    S.CANCELLED: set(),
}
EDITABLE = {S.DRAFT}
SHIPPABLE = {S.CONFIRMED, S.PARTIALLY_SHIPPED, S.PARTIALLY_RECEIVED}


class POAction(models.TextChoices):
    CREATED = "created", _("created")
    LINES_CHANGED = "lines_changed", _("lines changed")
    SUBMITTED = "submitted", _("submitted")
    CONFIRMED = "confirmed", _("confirmed")
    SHIPPED = "shipped", _("shipped")
    RECEIVED = "received", _("goods received")
    CANCELLED = "cancelled", _("cancelled")
    CLOSED = "closed", _("closed")


class EventChannel(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")


class ShipmentStatus(models.TextChoices):
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")
