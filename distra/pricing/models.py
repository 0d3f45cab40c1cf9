"""Price lists, schemes (trade promotions), their budgets and what they gave on order lines.

Only ``distra.pricing.services`` writes these rows. Every write that changes what a quote would
answer bumps ``PricingVersion``, so the per-process cache of live price lists and schemes
(``distra.pricing.catalog``) sees it on the very next quote.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from distra.core.models import ScopedModel, TimeStampedModel
from distra.partners.choices import Channel, OutletClass
from distra.pricing.choices import (
    BudgetBasis,
    EventKind,
    Lifecycle,
    Per,
    SchemeKind,
    Stacking,
    TargetKind,
)

PRICE = {"max_digits": 12, "decimal_places": 2}
MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]}


def _distributors_visible(scope):
    from distra.partners.models import Distributor

    return Distributor.objects.for_scope(scope).values("id")


def _outlets_visible(scope):
    from distra.partners.models import Outlet

    return Outlet.objects.for_scope(scope).values("id")


class PricingVersion(models.Model):
    """One row (id 1): a token every pricing write replaces with a new random one, in the writer's
    transaction. A process caches the live price lists and schemes with the token it read them at
    and reloads when the token differs (one primary-key read per quote). Random rather than a
    counter: a rolled-back write must not let a later write reuse the token the cache holds."""

    token = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return f"pricing version {self.token}"


class PriceList(ScopedModel):
    """Retailer selling prices and distributor landing prices for a scope of outlets.

    Scope: any combination of a geography node (the outlets under it), a channel, an outlet class,
    a distributor and an outlet; blank parts do not restrict. The most specific applicable list
    wins for a SKU (``domain.price_rank``). Invariants: ``valid_to`` is not before ``valid_from``;
    each item's selling price plus tax is at most the SKU's MRP (services, checked per item).
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.DRAFT, db_index=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to (inclusive)"), null=True, blank=True)
    priority = models.IntegerField(_("priority (higher wins a tie)"), default=0, validators=[MinValueValidator(-1000), MaxValueValidator(1000)])
    geography = models.ForeignKey("geography.GeoNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("geography"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    outlet_class = models.CharField(_("outlet class"), max_length=1, choices=OutletClass.choices, blank=True)
    distributor = models.ForeignKey("partners.Distributor", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("distributor"))
    outlet = models.ForeignKey("partners.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("outlet"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("price list")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Lifecycle.values), name="price_list_status_valid"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="price_list_window"),
            models.CheckConstraint(condition=Q(channel="") | Q(channel__in=Channel.values), name="price_list_channel_valid"),
            models.CheckConstraint(condition=Q(outlet_class="") | Q(outlet_class__in=OutletClass.values), name="price_list_class_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        # Brand-wide lists are everyone's; a list for one distributor or outlet is seen by those who see it.
        general = Q(distributor__isnull=True, outlet__isnull=True)
        return general | Q(distributor__in=_distributors_visible(scope)) | Q(outlet__in=_outlets_visible(scope))


class PriceListItem(ScopedModel):
    """One SKU's prices in a list, per base unit and before tax: what the outlet pays the
    distributor (``selling_price``) and what the distributor pays the brand (``landing_price``).
    The margin is their difference. Invariant: selling price plus tax at most the MRP."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU"))
    selling_price = models.DecimalField(_("retailer selling price (before tax)"), **PRICE, validators=[MinValueValidator(Decimal("0"))])
    landing_price = models.DecimalField(_("distributor landing price (before tax)"), **PRICE, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("price list item")
        ordering = ["price_list", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "sku"], name="price_list_item_unique"),
            models.CheckConstraint(condition=Q(selling_price__gte=0) & Q(landing_price__gte=0), name="price_list_item_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.price_list_id}/{self.sku_id}: {self.selling_price}"

    @property
    def margin(self) -> Decimal:
        """The distributor's margin per unit, before tax."""
        return self.selling_price - self.landing_price

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(price_list__in=PriceList.objects.for_scope(scope).values("id"))


class Scheme(ScopedModel):
    """A trade promotion: what it gives (``kind`` and its parameters), to whom (targets), when
    (validity window), how it stacks, who funds it and how much it may spend (budgets).

    Parameters by kind: ``percent`` (percent_off, combo, first_order); ``amount`` per ``per``
    (amount_off); ``slabs`` ``[{"min", "max", "percent"}]`` in ``per`` units (quantity_slab) or in
    value (value_slab); ``buy_quantity``/``free_quantity`` in ``per`` units, ``free_sku`` (blank:
    the same SKU) and ``max_free_per_order`` (free_goods); ``combo_items`` ``[{"sku_id",
    "quantity"}]`` (combo). ``min_last_quarter_value`` restricts it to outlets that bought at least
    that much in the previous calendar quarter (a performance tier).

    Invariants (services): the window ends on or after it starts; slabs are positive, contiguous
    and do not overlap; a free SKU is active; no two exclusive schemes of equal priority overlap on
    the same targets and period; status follows ``LIFECYCLE_TRANSITIONS`` with a PricingEvent.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SchemeKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.DRAFT, db_index=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to (inclusive)"), null=True, blank=True)
    priority = models.IntegerField(_("priority (higher applies first)"), default=0, validators=[MinValueValidator(-1000), MaxValueValidator(1000)])
    stacking = models.CharField(_("stacking"), max_length=12, choices=Stacking.choices, default=Stacking.COMBINABLE)
    funding_share_pct = models.DecimalField(_("brand-funded share (%)"), **PERCENT, default=Decimal("100"))
    percent = models.DecimalField(_("percentage off"), **PERCENT, null=True, blank=True)
    amount = models.DecimalField(_("amount off"), **PRICE, null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))])
    per = models.CharField(_("per"), max_length=4, choices=Per.choices, default=Per.UNIT)
    slabs = models.JSONField(_("slabs"), default=list, blank=True)
    buy_quantity = models.PositiveIntegerField(_("buy"), null=True, blank=True)
    free_quantity = models.PositiveIntegerField(_("get free"), null=True, blank=True)
    free_sku = models.ForeignKey("catalog.SKU", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("free SKU"))
    max_free_per_order = models.PositiveIntegerField(_("most free units per order"), null=True, blank=True)
    combo_items = models.JSONField(_("combo items"), default=list, blank=True)
    min_last_quarter_value = models.DecimalField(_("outlet bought at least (last quarter)"), **MONEY, null=True, blank=True,
                                                 validators=[MinValueValidator(Decimal("0"))])
    budget_basis = models.CharField(_("budget basis"), max_length=10, choices=BudgetBasis.choices, blank=True, default=BudgetBasis.NONE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("scheme")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Lifecycle.values), name="scheme_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=SchemeKind.values), name="scheme_kind_valid"),
            models.CheckConstraint(condition=Q(stacking__in=Stacking.values), name="scheme_stacking_valid"),
            models.CheckConstraint(condition=Q(per__in=Per.values), name="scheme_per_valid"),
            models.CheckConstraint(condition=Q(budget_basis__in=BudgetBasis.values), name="scheme_budget_basis_valid"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="scheme_window"),
            models.CheckConstraint(condition=Q(funding_share_pct__gte=0, funding_share_pct__lte=100), name="scheme_funding_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        # A scheme aimed at named distributors or outlets is seen by those who see one of them.
        targets = SchemeTarget.objects.filter(scheme=OuterRef("pk"))
        named = targets.filter(kind__in=(TargetKind.DISTRIBUTOR, TargetKind.OUTLET))
        mine = targets.filter(Q(distributor__in=_distributors_visible(scope)) | Q(outlet__in=_outlets_visible(scope)))
        return ~Exists(named) | Exists(mine)


class SchemeTarget(TimeStampedModel):
    """One target of a scheme: exactly the column of its ``kind`` is set (``value`` holds a
    channel or an outlet class). See TargetKind for how rows combine."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("kind"), max_length=16, choices=TargetKind.choices)
    value = models.CharField(_("value"), max_length=20, blank=True)
    geography = models.ForeignKey("geography.GeoNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    distributor = models.ForeignKey("partners.Distributor", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outlet = models.ForeignKey("partners.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sku = models.ForeignKey("catalog.SKU", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    brand = models.ForeignKey("catalog.Brand", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["scheme", "kind", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=TargetKind.values), name="scheme_target_kind_valid")]

    def __str__(self) -> str:
        return f"{self.scheme_id}: {self.kind}"


class SchemeBudget(TimeStampedModel):
    """A scheme's cap in its budget basis: overall (no distributor) or for one distributor.

    The remaining amount is split over ``SchemeBudgetSlot`` rows so that concurrent orders take
    from different rows instead of queueing on one; ``limit`` minus what the slots hold is what
    was consumed. Invariant: the slots' remaining amounts add up to at most ``limit``, each >= 0."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="budgets")
    distributor = models.ForeignKey("partners.Distributor", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    limit = models.DecimalField(_("budget"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["scheme", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "distributor"], name="scheme_budget_unique_per_distributor"),
            models.UniqueConstraint(fields=["scheme"], condition=Q(distributor__isnull=True), name="scheme_budget_one_overall"),
            models.CheckConstraint(condition=Q(limit__gt=0), name="scheme_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id}/{self.distributor_id or 'all'}: {self.limit}"


class SchemeBudgetSlot(models.Model):
    """One share of a budget's remaining amount. Taken with a guarded ``UPDATE … WHERE remaining
    >= x`` (never read-modify-write), so it can never go below zero."""

    budget = models.ForeignKey(SchemeBudget, on_delete=models.CASCADE, related_name="slots")
    number = models.PositiveSmallIntegerField()
    remaining = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["budget", "number"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "number"], name="scheme_budget_slot_unique"),
            models.CheckConstraint(condition=Q(remaining__gte=0), name="scheme_budget_slot_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.budget_id}#{self.number}: {self.remaining}"


class SchemeBudgetUse(models.Model):
    """What one order took from one slot of a budget. Given back to the slot when the order is
    cancelled (all of it) or returned (the returned share): ``released`` is what went back so
    far (guarded: never above ``amount``), ``released_at`` is set once all of it has."""

    budget = models.ForeignKey(SchemeBudget, on_delete=models.CASCADE, related_name="uses")
    slot_number = models.PositiveSmallIntegerField()
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(**MONEY)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    released = models.DecimalField(**MONEY, default=Decimal("0.00"))
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["order", "released_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="scheme_budget_use_positive"),
            models.CheckConstraint(condition=Q(released__gte=0) & Q(released__lte=models.F("amount")), name="scheme_budget_use_released_within"),
        ]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.amount} from {self.budget_id}#{self.slot_number}"


class SchemeBenefit(ScopedModel):
    """What one scheme gave on one order line, as priced: the benefit value (a discount, or free
    units valued at the selling price), free units, and the share the brand funds. Claims read
    these rows (docs/pricing.md, "What claims read"). ``order`` repeats the line's order for the
    scheme's "orders touched". Free goods: ``order_line`` is the line that earned them and
    ``free_line`` the order's free line that carries (allocates, invoices, delivers) them."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.CASCADE, related_name="scheme_benefits")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="benefits")
    benefit = models.DecimalField(_("benefit"), **MONEY)
    discount = models.DecimalField(_("discount on the line"), **MONEY, default=Decimal("0.00"))
    free_quantity = models.PositiveIntegerField(_("free units"), default=0)
    free_sku = models.ForeignKey("catalog.SKU", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    free_line = models.ForeignKey("orders.OrderLine", null=True, blank=True, on_delete=models.CASCADE, related_name="free_benefits")
    funding_share_pct = models.DecimalField(_("brand-funded share (%)"), **PERCENT)
    brand_funded = models.DecimalField(_("brand-funded amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("scheme benefit")
        ordering = ["order", "order_line", "scheme"]
        indexes = [models.Index(fields=["scheme", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["order_line", "scheme"], name="scheme_benefit_unique"),
            models.CheckConstraint(condition=Q(benefit__gte=0) & Q(brand_funded__gte=0), name="scheme_benefit_not_negative"),
        ]

    @classmethod
    def scope_q(cls, scope) -> Q:
        from distra.orders.models import Order

        return Q(order__in=Order.objects.for_scope(scope).values("id"))


class PricingEvent(models.Model):
    """One entry of a price list's or scheme's audit trail: who changed what, when. Never edited."""

    price_list = models.ForeignKey(PriceList, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    scheme = models.ForeignKey(Scheme, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=Lifecycle.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Lifecycle.choices, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="pricing_event_kind_valid"),
            models.CheckConstraint(condition=Q(price_list__isnull=False, scheme__isnull=True) | Q(price_list__isnull=True, scheme__isnull=False), name="pricing_event_one_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_status}→{self.to_status}"
