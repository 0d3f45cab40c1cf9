from django_tasks import task

from distra.forecasting import services
from distra.forecasting.choices import ForecastLevel


@task()
def run_forecast(run_id: int) -> dict:
    """Run a queued forecast run (started from the API or the pages)."""
    run = services.forecast_run_execute(run_id=run_id)
    return {"run_id": run_id, "status": run.status if run else "not_run"}


@task()
def scheduled_forecasts() -> dict:
    """Weekly: forecast every distributor × SKU from the history up to last week (the stock
    alerts' reorder points and the suggested orders follow), after marking lost runs failed."""
    services.forecast_runs_prune()
    run = services.forecast_run_now(level=ForecastLevel.DISTRIBUTOR_SKU, trigger="schedule")
    return {"run_id": run.pk, "status": run.status}
