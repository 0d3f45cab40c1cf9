"""Forecasts for the demo: ``distra seed demo`` calls ``demo_forecasts`` once its order history is
written, so that a newcomer sees forecasts, reorder points and suggested primary orders at once."""

from __future__ import annotations

from datetime import date

from distra.forecasting.choices import ForecastLevel, RunStatus

DEMO_HORIZON = 13


def demo_forecasts(*, today: date, progress=None) -> dict:
    """Forecast every distributor × SKU of the demo history (the engine's weekly path), then
    propose suggested orders (replenishment parameters follow the run). Returns what was made."""
    from django.conf import settings

    from distra.forecasting.services import forecast_run_now
    from distra.replenishment.services import suggested_orders_generate

    if not getattr(settings, "DISTRA_DEMO_FORECASTS", True):  # tests of the demo itself may switch it off
        return {"status": "skipped"}
    bar = progress(100, "Forecasts") if progress else None

    def report(fraction: float, message: str) -> None:
        if bar is not None:
            bar.update(max(0, round(fraction * 100) - bar.n))

    run = forecast_run_now(level=ForecastLevel.DISTRIBUTOR_SKU, horizon=DEMO_HORIZON, trigger="demo", progress=report, today=today)
    if bar is not None:
        bar.close()
    suggestions = suggested_orders_generate() if run.status == RunStatus.SUCCEEDED else []
    return {"run_id": run.pk, "status": run.status, "series": run.series_count, "seconds": run.seconds,
            "error": run.error_message, "suggestions": len(suggestions)}
