"""Reads of stored forecasts, always through the user's data scope; and the demand outlook that
replenishment (and inventory's days of cover) read.

The current forecast of a series is the one of the latest succeeded run that holds it: the latest
brand-wide run of the level, or a distributor's own run finished after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from distra.core.errors import NotFound
from distra.forecasting.choices import ForecastLevel, RunStatus
from distra.forecasting.models import ForecastOverride, ForecastPoint, ForecastRun, ForecastSeries

CENT = Decimal("0.01")


def week_start(day: date) -> date:
    """The Monday of ``day``'s week: weekly series are dated on the Monday they start."""
    return day - timedelta(days=day.weekday())


def current_week(today: date | None = None) -> date:
    return week_start(today or timezone.localdate())


# Runs ---------------------------------------------------------------------------------------------

def run_list(*, user, level: str | None = None, status: str | None = None) -> QuerySet[ForecastRun]:
    """Forecast runs in ``user``'s scope, newest first."""
    qs = ForecastRun.objects.for_user(user).select_related("requested_by", "distributor")
    filters = {"level": level, "status": status}
    return qs.filter(**{k: v for k, v in filters.items() if v is not None})


def run_get(*, user, run_id: int) -> ForecastRun:
    run = run_list(user=user).filter(pk=run_id).first()
    if run is None:
        raise NotFound(f"No forecast run with id {run_id}.")
    return run


def current_runs(level: str = ForecastLevel.DISTRIBUTOR_SKU) -> list[int]:
    """Ids of the runs whose series are current for ``level``: the latest succeeded brand-wide
    run and every distributor's run that finished after it (newest first)."""
    done = ForecastRun.objects.filter(level=level, status=RunStatus.SUCCEEDED)
    latest = done.filter(distributor__isnull=True).order_by("-finished_at", "-id").first()
    later = done.filter(distributor__isnull=False)
    if latest is not None:
        later = later.filter(finished_at__gt=latest.finished_at)
    ids = list(later.order_by("-finished_at", "-id").values_list("id", flat=True))
    return ids + ([latest.pk] if latest is not None else [])


def _current_series(qs: QuerySet[ForecastSeries], level: str = ForecastLevel.DISTRIBUTOR_SKU) -> dict[str, ForecastSeries]:
    """The current series of ``qs`` by key (the newest current run's wins)."""
    runs = current_runs(level)
    rank = {run_id: i for i, run_id in enumerate(runs)}
    found: dict[str, ForecastSeries] = {}
    for series in sorted(qs.filter(run_id__in=runs), key=lambda s: rank[s.run_id]):
        found.setdefault(series.key, series)
    return found


# Series -------------------------------------------------------------------------------------------

def series_list(
    *, user, kind: str | None = None, distributor_id: int | None = None, sku_id: int | None = None,
    run_id: int | None = None, current: bool = True,
) -> QuerySet[ForecastSeries]:
    """Series in ``user``'s scope; ``current`` keeps only the current runs' series."""
    qs = ForecastSeries.objects.for_user(user).select_related("run", "distributor", "sku", "outlet", "node", "category", "brand")
    filters = {"kind": kind, "distributor_id": distributor_id, "sku_id": sku_id, "run_id": run_id}
    qs = qs.filter(**{k: v for k, v in filters.items() if v is not None})
    if current and run_id is None:
        runs = current_runs(ForecastLevel.DISTRIBUTOR_SKU) + current_runs(ForecastLevel.OUTLET_SKU)
        qs = qs.filter(run_id__in=runs)
    return qs


def series_get(*, user, series_id: int) -> ForecastSeries:
    series = series_list(user=user, current=False).filter(pk=series_id).first()
    if series is None:
        raise NotFound(f"No forecast series with id {series_id}.")
    return series


def series_current(*, user, kind: str, distributor_id: int | None = None, sku_id: int | None = None,
                   target_id: int | None = None) -> ForecastSeries:
    """The current series of a distributor × SKU, or of an aggregate (``target_id``: the
    territory, region, category or brand); 404 when there is none in scope."""
    qs = series_list(user=user, kind=kind, current=True)
    if kind == ForecastLevel.DISTRIBUTOR_SKU:
        qs = qs.filter(distributor_id=distributor_id, sku_id=sku_id)
    else:
        qs = qs.filter(Q(node_id=target_id) | Q(category_id=target_id) | Q(brand_id=target_id))
    series = _current_series(qs)
    if not series:
        raise NotFound("No forecast for this series yet.")
    return next(iter(series.values()))


def points(series: ForecastSeries) -> list[ForecastPoint]:
    return list(series.points.order_by("period_start"))


# Overrides ----------------------------------------------------------------------------------------

def override_list(
    *, user, distributor_id: int | None = None, sku_id: int | None = None, key: str | None = None, active: bool | None = None,
) -> QuerySet[ForecastOverride]:
    qs = ForecastOverride.objects.for_user(user).select_related("created_by", "distributor", "sku")
    filters = {"distributor_id": distributor_id, "sku_id": sku_id, "key": key}
    qs = qs.filter(**{k: v for k, v in filters.items() if v is not None})
    if active is not None:
        qs = qs.filter(superseded_at__isnull=active)
    return qs


def _active_overrides(keys: Iterable[str], start: date, end: date, kind: str) -> dict[tuple[str, date], Decimal]:
    rows = ForecastOverride.objects.filter(kind=kind, key__in=list(keys), period_start__gte=start, period_start__lt=end,
                                           superseded_at__isnull=True)
    return {(r.key, r.period_start): r.quantity for r in rows}


# The demand outlook (the contract replenishment reads) -----------------------------------------------

@dataclass(frozen=True)
class Outlook:
    """Forecast demand of one distributor × SKU, week by week from the current week, overrides
    applied; the weekly forecast error's standard deviation (backtest); the model and the run."""

    weekly: list[Decimal]
    error_sd_weekly: Decimal
    model: str
    run_id: int
    overridden_weeks: int = 0

    def per_day(self, weeks: int | None = None) -> Decimal:
        """Average daily demand over the first ``weeks`` weeks (all by default), in base units."""
        values = self.weekly[: weeks or len(self.weekly)]
        if not values:
            return Decimal("0")
        return (sum(values, Decimal("0")) / (7 * len(values))).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def series_key(distributor_id: int, sku_id: int) -> str:
    """The engine's unique_id of a distributor × SKU series."""
    return f"d{distributor_id}-s{sku_id}"


def outlook_for(
    *, distributor_ids: Iterable[int] | None = None, sku_ids: Iterable[int] | None = None, weeks: int,
    today: date | None = None,
) -> dict[tuple[int, int], Outlook]:
    """System read (no user: replenishment runs and stock alerts call it; the API goes through
    ``demand_outlook``): the outlook of each distributor × SKU that has a current forecast.

    ``weekly`` has ``weeks`` values from the current week's Monday; where the run's horizon ends
    sooner, the last forecast week is repeated (a run older than its horizon gives no outlook).
    An active override replaces the model's number for its week. Three queries."""
    start = current_week(today)
    qs = ForecastSeries.objects.filter(kind=ForecastLevel.DISTRIBUTOR_SKU)
    if distributor_ids is not None:
        qs = qs.filter(distributor_id__in=list(distributor_ids))
    if sku_ids is not None:
        qs = qs.filter(sku_id__in=list(sku_ids))
    series = _current_series(qs)
    if not series or weeks <= 0:
        return {}
    by_id = {s.pk: s for s in series.values()}
    values: dict[int, dict[date, Decimal]] = {}
    for series_id, period, yhat in (ForecastPoint.objects.filter(series_id__in=list(by_id), period_start__gte=start)
                                    .values_list("series_id", "period_start", "yhat")):
        values.setdefault(series_id, {})[period] = yhat
    overrides = _active_overrides(series.keys(), start, start + timedelta(weeks=weeks), ForecastLevel.DISTRIBUTOR_SKU)
    result = {}
    for series_id, by_week in values.items():
        s = by_id[series_id]
        weekly, last, overridden = [], Decimal("0"), 0
        for i in range(weeks):
            week = start + timedelta(weeks=i)
            last = by_week.get(week, last)
            if (s.key, week) in overrides:
                weekly.append(overrides[(s.key, week)])
                overridden += 1
            else:
                weekly.append(last)
        result[(s.distributor_id, s.sku_id)] = Outlook(weekly, s.error_sd, s.model, s.run_id, overridden)
    return result


def demand_outlook(
    *, user, distributor_ids: Iterable[int] | None = None, sku_ids: Iterable[int] | None = None, weeks: int,
    today: date | None = None,
) -> dict[tuple[int, int], Outlook]:
    """The outlook (see ``outlook_for``) of the distributor × SKU series in ``user``'s scope."""
    from distra.partners.models import Distributor

    visible = Distributor.objects.for_user(user)
    if distributor_ids is not None:
        visible = visible.filter(pk__in=list(distributor_ids))
    return outlook_for(distributor_ids=visible.values_list("id", flat=True), sku_ids=sku_ids, weeks=weeks, today=today)


def daily_demand_rate(*, distributor_id: int, sku_ids: Iterable[int], weeks: int = 4, today: date | None = None) -> dict[int, Decimal]:
    """Forecast units per day of each SKU at a distributor over the next ``weeks`` weeks (overrides
    applied); SKUs without a current forecast are absent (the caller falls back on past sales).
    For inventory's days of cover."""
    outlook = outlook_for(distributor_ids=[distributor_id], sku_ids=sku_ids, weeks=weeks, today=today)
    return {sku_id: o.per_day() for (_, sku_id), o in outlook.items()}
