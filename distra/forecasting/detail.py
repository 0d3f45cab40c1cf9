"""What the forecast page and the series endpoint show of one series: its history, its forecast
with the active overrides beside the model's numbers, the overrides, and how the overrides did
against actuals compared with the model (measured like a model: WAPE and bias)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from distra.forecasting import domain, history
from distra.forecasting.choices import ForecastLevel
from distra.forecasting.models import ForecastOverride, ForecastSeries
from distra.forecasting.selectors import current_week, override_list, points

HISTORY_WEEKS = 104  # what the chart shows of the past


def override_accuracy(overrides: list[ForecastOverride], today: date) -> dict | None:
    """Active overrides of weeks now complete, against the actual demand of those weeks: the
    overrides' WAPE and bias beside the model's (``model_yhat``) over the same weeks."""
    done = [o for o in overrides if o.superseded_at is None and o.period_start < current_week(today) and o.model_yhat is not None]
    if not done:
        return None
    keys = {o.key: (o.distributor_id, o.sku_id) for o in done}
    actual = history.actuals(keys=keys, weeks=[o.period_start for o in done], until=today)
    planner = [(o.quantity, actual[(o.key, o.period_start)]) for o in done]
    model = [(o.model_yhat, actual[(o.key, o.period_start)]) for o in done]
    return {"weeks": len(done), "override_wape": domain.wape(planner), "model_wape": domain.wape(model),
            "override_bias": domain.bias(planner), "model_bias": domain.bias(model)}


def _history(series: ForecastSeries, today: date) -> list[dict]:
    start = current_week(today) - timedelta(weeks=HISTORY_WEEKS)
    if series.kind in (ForecastLevel.DISTRIBUTOR_SKU, ForecastLevel.OUTLET_SKU):
        rows = history.series_history(distributor_id=series.distributor_id, sku_id=series.sku_id, outlet_id=series.outlet_id, until=today)
    else:
        target = series.node_id or series.category_id or series.brand_id
        rows = history.aggregate_history(kind=series.kind, target_id=target, until=today)
    by_week = dict(rows)
    first = max(start, rows[0][0]) if rows else current_week(today)
    weeks = (current_week(today) - first).days // 7
    return [{"period_start": first + timedelta(weeks=i), "quantity": by_week.get(first + timedelta(weeks=i), 0)} for i in range(weeks)]


def series_detail(*, user, series: ForecastSeries, today: date | None = None) -> dict:
    """Everything about one series the user may see (``series`` comes from a scoped selector)."""
    today = today or timezone.localdate()
    bottom = series.kind == ForecastLevel.DISTRIBUTOR_SKU
    overrides = list(override_list(user=user, key=series.key).order_by("-created_at", "-id")) if bottom else []
    active = {o.period_start: o.quantity for o in overrides if o.superseded_at is None}
    run = series.run
    return {
        "id": series.pk, "run_id": run.pk, "kind": series.kind, "key": series.key, "distributor_id": series.distributor_id,
        "sku_id": series.sku_id, "target_id": series.node_id or series.category_id or series.brand_id,
        "model": series.model, "backtest_wape": series.wape, "backtest_rmsse": series.rmsse, "error_sd": series.error_sd,
        "fallback": series.fallback, "engine_version": run.engine_version, "data_from": run.data_from, "data_to": run.data_to,
        "history": _history(series, today),
        "forecast": [{"period_start": p.period_start, "yhat": p.yhat, "lo_80": p.lo_80, "hi_80": p.hi_80, "lo_95": p.lo_95,
                      "hi_95": p.hi_95, "override": active.get(p.period_start)} for p in points(series)],
        "overrides": overrides,
        "override_accuracy": override_accuracy(overrides, today),
    }
