"""Replenishment: service levels per SKU class, the computed reorder points and order-up-to levels
per distributor × SKU, suggested primary orders with their lines and events, and each
distributor's autonomy guardrails. Only ``distra.replenishment.services`` writes these rows."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from distra.core.models import ScopedModel, TimeStampedModel
from distra.replenishment.choices import SkuClass, SuggestionMode, SuggestionStatus

MONEY = {"max_digits": 16, "decimal_places": 2, "default": Decimal("0.00")}
UNITS = {"max_digits": 14, "decimal_places": 2}


def _distributors_visible(scope) -> Q:
    from distra.partners.models import Distributor

    return Q(distributor__in=Distributor.objects.filter(Distributor.scope_q(scope)).values("id"))


class ServiceLevel(ScopedModel):
    """The target cycle service level of a SKU class (A/B/C by value). Classes without a row take
    ``domain.DEFAULT_SERVICE_LEVELS``. Invariant: 0.5 <= level < 1."""

    sku_class = models.CharField(_("SKU class"), max_length=1, choices=SkuClass.choices, unique=True)
    service_level = models.DecimalField(_("service level"), max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = _("service level")
        constraints = [
            models.CheckConstraint(condition=Q(service_level__gte=Decimal("0.5")) & Q(service_level__lt=1), name="service_level_range"),
            models.CheckConstraint(condition=Q(sku_class__in=SkuClass.values), name="service_level_class_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_class}: {self.service_level}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q()


class ReplenishmentParameter(ScopedModel):
    """Safety stock, reorder point and order-up-to level of one distributor × SKU, computed from
    the current forecast (run), its error, the supply terms and the class's service level.
    Replaced as a whole for a distributor each time forecasts change. Invariant: one row per
    (distributor, sku); 0 <= safety stock <= reorder point <= order-up-to."""

    distributor = models.ForeignKey("partners.Distributor", on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.CASCADE, related_name="+", verbose_name=_("SKU"))
    sku_class = models.CharField(_("SKU class"), max_length=1, choices=SkuClass.choices)
    service_level = models.DecimalField(_("service level"), max_digits=5, decimal_places=4)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    min_order_quantity = models.BigIntegerField(_("minimum order quantity"))
    weekly_demand = models.DecimalField(_("forecast demand this week"), **UNITS)
    daily_rate = models.DecimalField(_("forecast units per day"), max_digits=14, decimal_places=4)
    error_sd = models.DecimalField(_("weekly error SD"), **UNITS)
    safety_stock = models.BigIntegerField(_("safety stock"))
    reorder_point = models.BigIntegerField(_("reorder point"))
    order_up_to = models.BigIntegerField(_("order-up-to level"))
    run = models.ForeignKey("forecasting.ForecastRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("replenishment parameter")
        ordering = ["distributor", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["distributor", "sku"], name="replenishment_parameter_unique"),
            models.CheckConstraint(condition=Q(safety_stock__gte=0) & Q(reorder_point__gte=models.F("safety_stock"))
                                   & Q(order_up_to__gte=models.F("reorder_point")), name="replenishment_parameter_order"),
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id}/{self.sku_id}: ROP {self.reorder_point}, up to {self.order_up_to}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _distributors_visible(scope)


class AutonomyPolicy(ScopedModel):
    """Whether a distributor's suggested orders are submitted without a person, and within which
    guardrails: a value cap and a largest change per line against the last order. ``act_as`` is
    the distributor user the purchase orders are raised as (and the user the brand acts as when it
    approves for a managed distributor). Invariant: enabled needs ``act_as``."""

    distributor = models.OneToOneField("partners.Distributor", on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(_("submit automatically"), default=False)
    value_cap = models.DecimalField(_("value cap per order"), max_digits=16, decimal_places=2, null=True, blank=True)
    max_change_pct = models.DecimalField(_("largest change per line vs last order (%)"), max_digits=7, decimal_places=2,
                                         null=True, blank=True)
    act_as = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("autonomy policy")
        verbose_name_plural = _("autonomy policies")
        constraints = [
            models.CheckConstraint(condition=Q(enabled=False) | Q(act_as__isnull=False), name="autonomy_needs_user"),
            models.CheckConstraint(condition=Q(value_cap__isnull=True) | Q(value_cap__gte=0), name="autonomy_cap_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id}: {'on' if self.enabled else 'off'}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _distributors_visible(scope)


class SuggestedOrder(ScopedModel):
    """A suggested primary order of one distributor's warehouse, from the forecast and stock at
    the time it was generated. Invariants: status changes follow SUGGESTION_TRANSITIONS (services
    only) and each writes an event; an approved suggestion names its purchase order; at most one
    proposal per warehouse is open (a new generation supersedes the previous)."""

    distributor = models.ForeignKey("partners.Distributor", on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey("partners.Warehouse", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=SuggestionStatus.choices, default=SuggestionStatus.PROPOSED)
    mode = models.CharField(_("mode"), max_length=12, choices=SuggestionMode.choices, default=SuggestionMode.REVIEW)
    total = models.DecimalField(_("value"), **MONEY)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    purchase_order = models.ForeignKey("purchasing.PurchaseOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    run = models.ForeignKey("forecasting.ForecastRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggested order")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SuggestionStatus.values), name="suggested_order_status_valid"),
            models.UniqueConstraint(fields=["warehouse"], condition=Q(status="proposed"), name="suggested_order_one_open"),
        ]

    def __str__(self) -> str:
        return f"suggestion #{self.pk} for {self.warehouse_id} ({self.status})"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _distributors_visible(scope)


class SuggestedOrderLine(TimeStampedModel):
    """One SKU of a suggestion: the position it was computed from, the parameters, what was
    suggested and the quantity to order (edited by the reviewer; 0 drops the line), and why."""

    order = models.ForeignKey(SuggestedOrder, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU"))
    available = models.BigIntegerField(_("available"))
    in_transit = models.BigIntegerField(_("in transit"))
    on_order = models.BigIntegerField(_("on order"))
    demand_lead_time = models.DecimalField(_("forecast demand over lead time"), **UNITS)
    reorder_point = models.BigIntegerField(_("reorder point"))
    order_up_to = models.BigIntegerField(_("order-up-to level"))
    suggested_quantity = models.BigIntegerField(_("suggested"))
    quantity = models.BigIntegerField(_("to order"))
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("suggested order line")
        ordering = ["order", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sku"], name="suggested_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0) & Q(suggested_quantity__gte=0), name="suggested_line_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.sku_id}: {self.quantity}"


class SuggestedOrderEvent(TimeStampedModel):
    """A change of a suggestion: who (None: the system), from and to which status, and why."""

    order = models.ForeignKey(SuggestedOrder, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"
