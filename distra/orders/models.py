"""Secondary orders (outlet → distributor): the order, its lines, the stock allocated to them,
the event trail, and the distributor's order policy.

Only ``distra.orders.services`` writes these rows. Stock is reserved through
``distra.inventory.services``; an allocation row points at the reservation it holds.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from distra.core.models import ScopedModel, same_money
from distra.orders.choices import (
    EventKind,
    OrderChannel,
    OrderStatus,
    ReturnCondition,
    ShortfallPolicy,
    ShortfallReason,
)
from distra.partners.choices import Channel

MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0.00")}


def _orders_visible(scope) -> Q:
    """Orders a scope sees: those of the outlets it sees (as partners' outlet scope: a distributor
    user its own distributor's, others the outlets of their territories)."""
    if scope.everything:
        return Q()
    if scope.distributor_id is not None:
        return Q(distributor_id=scope.distributor_id)
    return Q(outlet__territory_id__in=scope.territory_ids)


class OrderPolicy(ScopedModel):
    """How a distributor takes orders: what happens to a shortfall at allocation, when an order
    needs approval, and whether an approved order is allocated at once. A distributor without a
    row gets the defaults (settings ``DISTRA_ORDER_POLICY``)."""

    distributor = models.OneToOneField("partners.Distributor", on_delete=models.CASCADE, related_name="order_policy")
    shortfall_policy = models.CharField(
        _("shortfall policy"), max_length=12, choices=ShortfallPolicy.choices, default=ShortfallPolicy.BACKORDER
    )
    approval_value_above = models.DecimalField(
        _("approval needed above order value"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    approval_discount_above = models.DecimalField(
        _("approval needed above line discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    auto_allocate = models.BooleanField(_("allocate approved orders at once"), default=True)

    class Meta:
        verbose_name = _("order policy")
        verbose_name_plural = _("order policies")
        constraints = [
            models.CheckConstraint(condition=Q(shortfall_policy__in=ShortfallPolicy.values), name="order_policy_shortfall_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id}: {self.shortfall_policy}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        from distra.partners.models import Distributor

        return Q(distributor__in=Distributor.objects.for_scope(scope).values("id"))


class MinShelfLife(ScopedModel):
    """The least remaining shelf life (days to expiry at allocation) a batch must have to be
    allocated to an outlet of ``channel``. Channels without a row take
    ``DISTRA_MIN_SHELF_LIFE_DAYS`` (default 0: any unexpired batch)."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, unique=True)
    days = models.PositiveIntegerField(_("minimum remaining shelf life (days)"), validators=[MaxValueValidator(3650)])

    class Meta:
        verbose_name = _("minimum shelf life")
        constraints = [models.CheckConstraint(condition=Q(channel__in=Channel.values), name="min_shelf_life_channel_valid")]

    def __str__(self) -> str:
        return f"{self.channel}: {self.days} days"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q()


class Order(ScopedModel):
    """A secondary order of one outlet from its serving distributor, shipped from one of that
    distributor's warehouses.

    Invariants: the distributor serves the outlet and owns the warehouse (services check it);
    status changes follow ``ORDER_TRANSITIONS`` and each writes an OrderEvent; totals are the sums
    of the lines' rounded amounts; (created_by, idempotency_key) is unique where a key is given, so
    a retried create returns the first order; a back-order points at the order it came from.
    """

    outlet = models.ForeignKey("partners.Outlet", on_delete=models.PROTECT, related_name="orders", verbose_name=_("outlet"))
    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.PROTECT, related_name="orders", verbose_name=_("distributor")
    )
    warehouse = models.ForeignKey("partners.Warehouse", on_delete=models.PROTECT, related_name="orders", verbose_name=_("warehouse"))
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=OrderChannel.choices, default=OrderChannel.WEB)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    backorder_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="backorders", verbose_name=_("back-order of")
    )
    awaiting_stock = models.BooleanField(_("waiting for stock (back-order)"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    requested_on = models.DateField(_("requested delivery date"), null=True, blank=True)
    gross = models.DecimalField(_("gross"), **MONEY)
    discount = models.DecimalField(_("discount"), **MONEY)
    net = models.DecimalField(_("net"), **MONEY)
    tax = models.DecimalField(_("tax"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    allocated_at = models.DateTimeField(null=True, blank=True)
    invoiced_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)
    pricing = models.JSONField(_("pricing"), default=dict, blank=True)
    dispatch_note = models.CharField(_("vehicle / driver"), max_length=200, blank=True)
    received_by = models.CharField(_("received by"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("order")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["distributor", "status", "created_at"]),
            models.Index(fields=["outlet", "created_at"]),
            models.Index(fields=["warehouse", "id"], name="order_awaiting_stock_idx", condition=Q(awaiting_stock=True)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="order_idempotency_key_unique"
            ),
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="order_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=OrderChannel.values), name="order_channel_valid"),
            models.CheckConstraint(condition=same_money(models.F("total"), models.F("net") + models.F("tax")),
                                   name="order_total_is_net_plus_tax"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"SO-{self.pk:07d}" if self.pk else "SO-new"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _orders_visible(scope)


class OrderLine(ScopedModel):
    """One SKU of an order, in base units, with the price it was ordered at.

    Invariants (database checks): quantity > 0; 0 <= allocated <= quantity; 0 <= delivered <=
    allocated; amounts: net = gross - discount, total = net + tax, each rounded half-up to the paisa
    (distra.core.money). ``allocated`` is the sum of the line's allocations; the shortfall
    (quantity - allocated, once allocated) is ``backordered`` (a back-order carries it) or
    ``cancelled``, per the distributor's policy. ``returned`` counts units the outlet refused at
    the door (dispatched, not delivered).

    Pricing (docs/orders.md, "How a line is priced"): ``unit_price`` and ``landing_price`` come
    from ``price_list`` (the SKU's base price when none applies); ``scheme_discount`` is what the
    schemes took off; ``discount`` is that plus the manual ``discount_pct`` of what the schemes
    left; ``pricing`` is the explanation as priced (applied schemes with their reasons), kept so
    the line never needs pricing again to be explained. A free line (``free_of`` set) carries the
    free units of one free-goods scheme: priced at the free SKU's selling price, discounted in
    full (net 0), allocated, invoiced and delivered like any other line."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("SKU"))
    quantity = models.PositiveIntegerField(_("quantity (base units)"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    discount_pct = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0.00"))
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2)
    gross = models.DecimalField(_("gross"), **MONEY)
    discount = models.DecimalField(_("discount"), **MONEY)
    net = models.DecimalField(_("net"), **MONEY)
    tax = models.DecimalField(_("tax"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    landing_price = models.DecimalField(_("distributor landing price"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    scheme_discount = models.DecimalField(_("scheme discount"), **MONEY)
    price_list = models.ForeignKey("pricing.PriceList", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("price list"))
    free_of = models.ForeignKey("pricing.Scheme", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("free goods of scheme"))
    pricing = models.JSONField(_("pricing"), default=dict, blank=True)
    allocated = models.PositiveIntegerField(_("allocated"), default=0)
    cancelled = models.PositiveIntegerField(_("shortfall cancelled"), default=0)
    backordered = models.PositiveIntegerField(_("shortfall back-ordered"), default=0)
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    returned = models.PositiveIntegerField(_("returned at the door"), default=0)
    shortfall_reason = models.CharField(_("shortfall reason"), max_length=20, choices=ShortfallReason.choices, blank=True)

    class Meta:
        verbose_name = _("order line")
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="order_line_number_unique"),
            models.UniqueConstraint(fields=["order", "sku"], condition=Q(free_of__isnull=True), name="order_line_sku_unique"),
            models.UniqueConstraint(fields=["order", "sku", "free_of"], condition=Q(free_of__isnull=False),
                                    name="order_line_free_sku_unique"),
            models.CheckConstraint(condition=Q(free_of__isnull=True) | Q(net=0), name="order_line_free_is_free"),
            models.CheckConstraint(condition=Q(scheme_discount__gte=0) & Q(scheme_discount__lte=models.F("discount")),
                                   name="order_line_scheme_discount_within"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(allocated__lte=models.F("quantity") - models.F("cancelled") - models.F("backordered")),
                name="order_line_allocated_within_quantity",
            ),
            models.CheckConstraint(condition=Q(delivered__lte=models.F("allocated")), name="order_line_delivered_within_allocated"),
            models.CheckConstraint(condition=Q(discount_pct__gte=0, discount_pct__lte=100), name="order_line_discount_range"),
            models.CheckConstraint(condition=same_money(models.F("net"), models.F("gross") - models.F("discount")), name="order_line_net"),
            models.CheckConstraint(condition=same_money(models.F("total"), models.F("net") + models.F("tax")), name="order_line_total"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no}: {self.quantity} × {self.sku_id}"

    @property
    def is_free(self) -> bool:
        return self.free_of_id is not None

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(order__in=Order.objects.for_scope(scope).values("id"))


class OrderAllocation(ScopedModel):
    """Stock of one batch promised to an order line: holds one inventory reservation. Invariant:
    the allocations of a line add up to its ``allocated``; the reservation is open while the order
    waits for delivery, and closed (issued or released) after."""

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="allocations")
    batch = models.ForeignKey("inventory.Batch", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity (base units)"))
    reservation = models.OneToOneField("inventory.StockReservation", on_delete=models.PROTECT, related_name="order_allocation")
    delivered = models.PositiveIntegerField(_("delivered"), default=0)

    class Meta:
        verbose_name = _("order allocation")
        ordering = ["line", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_allocation_quantity_positive"),
            models.CheckConstraint(condition=Q(delivered__lte=models.F("quantity")), name="order_allocation_delivered_within"),
        ]

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(line__order__in=Order.objects.for_scope(scope).values("id"))


class OrderEvent(ScopedModel):
    """One entry of an order's timeline: who did what, when, through which channel. Never edited."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=OrderChannel.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("order event")
        ordering = ["order", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="order_event_kind_valid")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.kind} {self.from_status}→{self.to_status}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(order__in=Order.objects.for_scope(scope).values("id"))


class OrderReturn(ScopedModel):
    """Units an outlet gave back after delivery, with the reason, and the credit note that repays
    them (``credit_note_id``: the billing.CreditNote's id). Never edited. Invariant: per order line,
    the returned units of all its returns are at most its delivered units; per (line, batch), at
    most what that batch delivered. (created_by, idempotency_key) is unique per order where a key is
    given, so a retried return answers the first one."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    reason = models.CharField(_("reason"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=OrderChannel.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    credit_note_id = models.PositiveBigIntegerField(_("credit note"), null=True, blank=True)

    class Meta:
        verbose_name = _("order return")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "created_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="order_return_key_unique"
            ),
            models.CheckConstraint(condition=Q(channel__in=OrderChannel.values), name="order_return_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.order}: return {self.pk}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(order__in=Order.objects.for_scope(scope).values("id"))


class OrderReturnLine(ScopedModel):
    """Returned units of one order line from one delivered batch, saleable or damaged; each row
    posted one stock receipt (return_saleable or return_damaged) into that batch at the order's
    warehouse."""

    order_return = models.ForeignKey(OrderReturn, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="return_lines")
    batch = models.ForeignKey("inventory.Batch", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity (base units)"))
    condition = models.CharField(_("condition"), max_length=10, choices=ReturnCondition.choices)

    class Meta:
        verbose_name = _("order return line")
        ordering = ["order_return", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_return_line_quantity_positive"),
            models.CheckConstraint(condition=Q(condition__in=ReturnCondition.values), name="order_return_line_condition_valid"),
            models.UniqueConstraint(fields=["order_return", "line", "batch", "condition"], name="order_return_line_unique"),
        ]

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(order_return__order__in=Order.objects.for_scope(scope).values("id"))
