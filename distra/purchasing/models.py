"""Primary orders (distributor → brand), their shipments from the brand's depots and the goods
receipts (GRN) that record what arrived.

Only ``distra.purchasing.services`` writes these rows. Every row belongs to one distributor's
order, so each model's scope is its order's distributor.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from distra.core.models import ScopedModel, TimeStampedModel
from distra.purchasing.choices import EventChannel, POAction, POStatus, ShipmentStatus


def _orders_visible(scope, prefix: str = "") -> Q:
    """Rows of the orders of the distributors ``scope`` sees (``prefix`` leads to the order)."""
    from distra.partners.models import Distributor

    return Q(**{f"{prefix}distributor__in": Distributor.objects.filter(Distributor.scope_q(scope)).values("id")})


class PurchaseOrder(ScopedModel):
    """A distributor's order to the brand, delivered to one of its warehouses.

    Invariants: ``number`` is unique per distributor; the warehouse is the distributor's (checked
    by the services, the only writers); ``status`` moves only along ``PO_TRANSITIONS`` and every
    change writes a ``PurchaseOrderEvent``; ``total`` is the sum of the lines' rounded amounts. An
    ``idempotency_key`` is unique per creating user, so a retried create returns the first order.
    """

    distributor = models.ForeignKey("partners.Distributor", on_delete=models.PROTECT, related_name="purchase_orders")
    warehouse = models.ForeignKey("partners.Warehouse", on_delete=models.PROTECT, related_name="purchase_orders",
                                  verbose_name=_("deliver to"))
    number = models.CharField(_("number"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=POStatus.choices, default=POStatus.DRAFT, db_index=True)
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["distributor", "number"], name="po_number_unique_per_distributor"),
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="po_idempotency_key_unique"),
            models.CheckConstraint(condition=Q(status__in=POStatus.values), name="po_status_valid"),
            models.CheckConstraint(condition=Q(total__gte=0), name="po_total_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _orders_visible(scope)


class PurchaseOrderLine(ScopedModel):
    """One SKU of an order. Quantities are base units: ``quantity`` ordered (> 0),
    ``confirmed_quantity`` what the brand accepted (null until confirmed; 0..quantity),
    ``shipped_quantity`` what left the depots (never above what was confirmed: a database check).
    ``amount`` = round_money(price × the confirmed quantity, or the ordered one before)."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField(_("ordered (base units)"))
    confirmed_quantity = models.BigIntegerField(_("confirmed (base units)"), null=True, blank=True)
    shipped_quantity = models.BigIntegerField(_("shipped (base units)"), default=0)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("purchase order line")
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="po_line_no_unique"),
            models.UniqueConstraint(fields=["order", "sku"], name="po_line_sku_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="po_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(confirmed_quantity__isnull=True) | Q(confirmed_quantity__gte=0, confirmed_quantity__lte=F("quantity")),
                name="po_line_confirmed_within_ordered",
            ),
            models.CheckConstraint(
                condition=Q(shipped_quantity=0) | Q(shipped_quantity__gt=0, shipped_quantity__lte=F("confirmed_quantity")),
                name="po_line_shipped_within_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no}"

    @property
    def open_quantity(self) -> int:
        """Confirmed but not yet shipped."""
        return (self.confirmed_quantity or 0) - self.shipped_quantity

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _orders_visible(scope, "order__")


class PurchaseOrderEvent(TimeStampedModel):
    """One step of an order's timeline: who did what, when, from which channel, and the status
    before and after (equal when the step did not change it). Append-only."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=POAction.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=POStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=POStatus.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=EventChannel.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("purchase order event")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=POAction.values), name="po_event_action_valid"),
            models.CheckConstraint(condition=Q(channel__in=EventChannel.values), name="po_event_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.action} {self.from_status}→{self.to_status}"


class Shipment(ScopedModel):
    """What the brand sent from one depot against one order; each of its lines is a transfer out
    of the depot, in transit to the order's warehouse until the goods receipt takes it in.
    Invariant: ``number`` unique per order; received at most once (GoodsReceipt.shipment is unique)."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="shipments")
    number = models.PositiveIntegerField(_("number"))
    depot = models.ForeignKey("partners.Warehouse", on_delete=models.PROTECT, related_name="+", verbose_name=_("depot"))
    status = models.CharField(_("status"), max_length=12, choices=ShipmentStatus.choices, default=ShipmentStatus.IN_TRANSIT)
    note = models.CharField(_("note"), max_length=200, blank=True)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("shipment")
        ordering = ["order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="shipment_number_unique_per_order"),
            models.CheckConstraint(condition=Q(status__in=ShipmentStatus.values), name="shipment_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.order.number}/S{self.number}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _orders_visible(scope, "order__")


class ShipmentLine(ScopedModel):
    """A quantity (> 0, base units) of one batch of an order line, sent as the stock move
    ``transfer`` (a transfer_out of the depot)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="shipment_lines")
    batch = models.ForeignKey("inventory.Batch", on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField(_("shipped (base units)"))
    transfer = models.OneToOneField("inventory.StockMove", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("shipment line")
        ordering = ["shipment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "order_line", "batch"], name="shipment_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.quantity} of {self.batch_id}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _orders_visible(scope, "shipment__order__")


class GoodsReceipt(ScopedModel):
    """The goods receipt note (GRN) of one shipment, recorded by the distributor. At most one per
    shipment (a retried post returns the first). ``has_discrepancy`` is set when any line was
    short, damaged or in excess, for the brand to follow up."""

    shipment = models.OneToOneField(Shipment, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(_("number"), max_length=30, unique=True)
    has_discrepancy = models.BooleanField(_("discrepancy"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("goods receipt")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _orders_visible(scope, "shipment__order__")


class GoodsReceiptLine(ScopedModel):
    """What arrived of one shipment line, in base units. Invariant (database check):
    good + damaged + short = shipped; excess (units beyond what was shipped) is separate."""

    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.CASCADE, related_name="lines")
    shipment_line = models.OneToOneField(ShipmentLine, on_delete=models.PROTECT, related_name="receipt_line")
    shipped = models.BigIntegerField(_("shipped"))
    good = models.BigIntegerField(_("received in good condition"))
    damaged = models.BigIntegerField(_("damaged"), default=0)
    short = models.BigIntegerField(_("short"), default=0)
    excess = models.BigIntegerField(_("excess"), default=0)

    class Meta:
        verbose_name = _("goods receipt line")
        ordering = ["receipt", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(good__gte=0, damaged__gte=0, short__gte=0, excess__gte=0), name="grn_line_quantities_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(shipped=F("good") + F("damaged") + F("short")), name="grn_line_adds_up_to_shipped"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}/{self.shipment_line_id}"

    @property
    def is_discrepant(self) -> bool:
        return bool(self.damaged or self.short or self.excess)

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _orders_visible(scope, "receipt__shipment__order__")
