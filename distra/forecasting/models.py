"""Stored forecasts: the runs that made them, one row per series with its chosen model and backtest
accuracy, one row per forecast period, and the planners' overrides.

Only ``distra.forecasting.services`` writes these rows. A run's series and points are written in
one transaction when the run succeeds and never changed afterwards: any number on screen can be
traced to the run (engine version, data window) that produced it. Overrides are separate rows and
never edit a model's number.

Quantities are DecimalField (two decimals, base units), not float: the rest of Distra keeps
quantities exact (ARCHITECTURE.md: "never float"), sums in the database then add up to the cent
whatever the engine, and replenishment does its arithmetic in Decimal.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from distra.core.models import ScopedModel
from distra.forecasting.choices import FINISHED, AggregateKind, ForecastLevel, RunStatus

QUANTITY = {"max_digits": 14, "decimal_places": 2}
SERIES_KINDS = [*ForecastLevel.choices, *AggregateKind.choices]


def _distributors_visible(scope, prefix: str = "") -> Q:
    from distra.partners.models import Distributor

    return Q(**{f"{prefix}distributor__in": Distributor.objects.filter(Distributor.scope_q(scope)).values("id")})


class ForecastRun(ScopedModel):
    """One forecast job: a level, a frequency and horizon, the engine version, and the data window
    it saw (first and last period, number of series and history rows).

    Invariants: the status moves only along RUN_TRANSITIONS (services only); a finished run has
    ``finished_at``; 0 <= progress <= 1 (written while it runs, outside the results' transaction);
    a succeeded run holds its series and points, written at once when it ended. Runs are
    brand-wide jobs (``distributor`` empty) or one distributor's; anyone who may view forecasts
    sees the brand-wide ones, and a distributor's only within scope."""

    level = models.CharField(_("level"), max_length=20, choices=ForecastLevel.choices, default=ForecastLevel.DISTRIBUTOR_SKU)
    freq = models.CharField(_("frequency"), max_length=2, default="W")
    horizon = models.PositiveIntegerField(_("horizon (periods)"))
    distributor = models.ForeignKey("partners.Distributor", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    engine_version = models.CharField(_("engine version"), max_length=40, blank=True)
    data_from = models.DateField(_("history from"), null=True, blank=True)
    data_to = models.DateField(_("history to"), null=True, blank=True)
    series_count = models.PositiveIntegerField(_("series"), default=0)
    rows_count = models.PositiveIntegerField(_("history rows"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.FloatField(_("progress"), default=0.0)
    message = models.CharField(_("progress message"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    trigger = models.CharField(_("started by"), max_length=12, default="user")  # user | schedule | demo | cli
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("run time (s)"), null=True, blank=True)
    fallbacks = models.JSONField(_("fallbacks"), default=dict, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_message = models.TextField(_("error message"), blank=True)

    class Meta:
        verbose_name = _("forecast run")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["level", "status", "-finished_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="forecast_run_status_valid"),
            models.CheckConstraint(condition=Q(level__in=ForecastLevel.values), name="forecast_run_level_valid"),
            models.CheckConstraint(condition=Q(progress__gte=0) & Q(progress__lte=1), name="forecast_run_progress_range"),
            models.CheckConstraint(condition=Q(horizon__gte=1), name="forecast_run_horizon_positive"),
            models.CheckConstraint(
                condition=Q(status__in=FINISHED, finished_at__isnull=False) | (~Q(status__in=FINISHED) & Q(finished_at__isnull=True)),
                name="forecast_run_finished_at_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"forecast run #{self.pk} {self.level} ({self.status})"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(distributor__isnull=True) | _distributors_visible(scope)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        return 100 if self.status == RunStatus.SUCCEEDED else int(100 * self.progress)


class ForecastSeries(ScopedModel):
    """One forecast series of a run: a bottom-level series (distributor × SKU, outlet × SKU) or an
    aggregate (territory, region, category, brand: the sum of the run's bottom-level forecasts),
    with the model the engine chose and its backtest accuracy. ``key`` is the engine's unique_id.

    ``error_sd`` is the weekly forecast error's standard deviation (from the engine's backtest
    residuals where it gives them, else read off the 80 % interval), which safety stock uses.
    Invariant: (run, key) unique; the target columns match ``kind``."""

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="series")
    kind = models.CharField(_("kind"), max_length=20, choices=SERIES_KINDS)
    key = models.CharField(_("series key"), max_length=80)
    distributor = models.ForeignKey("partners.Distributor", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    outlet = models.ForeignKey("partners.Outlet", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("catalog.SKU", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("SKU"))
    node = models.ForeignKey("geography.GeoNode", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey("catalog.Brand", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(_("model"), max_length=120, blank=True)
    wape = models.DecimalField(_("backtest WAPE"), max_digits=10, decimal_places=4, null=True, blank=True)
    rmsse = models.DecimalField(_("backtest RMSSE"), max_digits=10, decimal_places=4, null=True, blank=True)
    error_sd = models.DecimalField(_("weekly error SD"), **QUANTITY, default=Decimal("0"))
    fallback = models.CharField(_("fallback"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("forecast series")
        verbose_name_plural = _("forecast series")
        ordering = ["run", "key"]
        indexes = [models.Index(fields=["kind", "distributor", "sku"]), models.Index(fields=["run", "kind"])]
        constraints = [
            models.UniqueConstraint(fields=["run", "key"], name="forecast_series_run_key_unique"),
            models.CheckConstraint(condition=Q(kind__in=[k for k, _ in SERIES_KINDS]), name="forecast_series_kind_valid"),
            models.CheckConstraint(condition=Q(error_sd__gte=0), name="forecast_series_error_sd_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} (run {self.run_id})"

    @classmethod
    def scope_q(cls, scope) -> Q:
        """Bottom-level series follow their distributor or outlet; a territory or region total
        is seen by those whose scope covers the whole node; category and brand totals (every
        distributor's sales) only by the scopes that see everything (handled by for_scope)."""
        from distra.partners.models import Outlet

        geo = Q(pk__in=[])
        for path in scope.geo_paths:
            geo |= Q(node__path__startswith=path)
        if scope.territory_ids:
            geo |= Q(node_id__in=scope.territory_ids, kind=AggregateKind.TERRITORY)
        return (
            (Q(kind=ForecastLevel.DISTRIBUTOR_SKU) & _distributors_visible(scope))
            | Q(kind=ForecastLevel.OUTLET_SKU, outlet__in=Outlet.objects.filter(Outlet.scope_q(scope)).values("id"))
            | (Q(kind__in=[AggregateKind.TERRITORY, AggregateKind.REGION]) & geo)
        )


class ForecastPoint(models.Model):
    """One forecast period of a series: the point forecast and its 80 % and 95 % intervals, in
    base units. Invariant: lo_95 <= lo_80 <= yhat <= hi_80 <= hi_95 (the engine's promise,
    checked when stored); (series, period_start) unique."""

    series = models.ForeignKey(ForecastSeries, on_delete=models.CASCADE, related_name="points")
    period_start = models.DateField(_("period start"))
    yhat = models.DecimalField(_("forecast"), **QUANTITY)
    lo_80 = models.DecimalField(**QUANTITY)
    hi_80 = models.DecimalField(**QUANTITY)
    lo_95 = models.DecimalField(**QUANTITY)
    hi_95 = models.DecimalField(**QUANTITY)

    class Meta:
        verbose_name = _("forecast point")
        ordering = ["series", "period_start"]
        constraints = [models.UniqueConstraint(fields=["series", "period_start"], name="forecast_point_unique")]

    def __str__(self) -> str:
        return f"{self.series_id} {self.period_start}: {self.yhat}"


class ForecastOverride(ScopedModel):
    """A planner's quantity for one series × period, with the reason. Never edits the model's
    number: ``model_yhat`` keeps what the model said when the override was made (and ``run``
    which run that was), so overrides can be measured against actuals like a model.

    Audited: who (``created_by``) and when (``created_at``); a later override of the same series
    and period supersedes this one (``superseded_at``) instead of changing it. Invariants: a
    reason is given; quantity >= 0; at most one active override per (kind, key, period)."""

    kind = models.CharField(_("level"), max_length=20, choices=ForecastLevel.choices, default=ForecastLevel.DISTRIBUTOR_SKU)
    key = models.CharField(_("series key"), max_length=80)
    distributor = models.ForeignKey("partners.Distributor", on_delete=models.CASCADE, related_name="+")
    outlet = models.ForeignKey("partners.Outlet", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.CASCADE, related_name="+", verbose_name=_("SKU"))
    period_start = models.DateField(_("period start"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    reason = models.CharField(_("reason"), max_length=500)
    model_yhat = models.DecimalField(_("model forecast then"), **QUANTITY, null=True, blank=True)
    run = models.ForeignKey(ForecastRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("forecast override")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "distributor", "sku", "period_start"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="forecast_override_quantity_not_negative"),
            models.CheckConstraint(condition=~Q(reason=""), name="forecast_override_reason_required"),
            models.CheckConstraint(condition=Q(kind__in=ForecastLevel.values), name="forecast_override_kind_valid"),
            models.UniqueConstraint(fields=["kind", "key", "period_start"], condition=Q(superseded_at__isnull=True),
                                    name="forecast_override_one_active"),
        ]

    def __str__(self) -> str:
        return f"override {self.key} {self.period_start}: {self.quantity}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _distributors_visible(scope)
