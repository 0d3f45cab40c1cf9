"""``distra forecast run``: a forecast run of Distra's own order history, in this process, with a
progress bar (the subcommand is declared in management/commands/forecast.py)."""

from __future__ import annotations

from django.core.management.base import CommandError

from distra.forecasting.choices import ForecastLevel, RunStatus
from distra.forecasting.services import DEFAULT_HORIZON


def add_run_parser(sub) -> None:
    run = sub.add_parser("run", help="Forecast Distra's own order history and store the run (what the weekly job does).")
    run.add_argument("--level", choices=ForecastLevel.values, default=ForecastLevel.DISTRIBUTOR_SKU,
                     help="distributor_sku (default; reorder points and totals follow) or outlet_sku")
    run.add_argument("--horizon", type=int, default=DEFAULT_HORIZON, help=f"Weeks ahead (default {DEFAULT_HORIZON})")
    run.add_argument("--distributor", help="Only this distributor (its code)")
    run.add_argument("--no-progress", action="store_true", help="No progress bar")


def run_command(stdout, options: dict, bar) -> None:
    from distra.core.errors import DomainError
    from distra.forecasting.services import forecast_run_now
    from distra.partners.models import Distributor

    distributor = None
    if options.get("distributor"):
        distributor = Distributor.objects.filter(code=options["distributor"]).first()
        if distributor is None:
            raise CommandError(f"not_found: no distributor with code {options['distributor']}", returncode=2)
    try:
        run = forecast_run_now(level=options["level"], horizon=options["horizon"], distributor=distributor, trigger="cli", progress=bar)
    except DomainError as exc:
        raise CommandError(f"{exc.code}: {exc.message}", returncode=2) from exc
    if run.status != RunStatus.SUCCEEDED:
        raise CommandError(f"{run.error_code}: {run.error_message} (run {run.pk})", returncode=1)
    fallbacks = ", ".join(f"{reason} {n}" for reason, n in run.fallbacks.items()) or "none"
    stdout.write(f"Run {run.pk}: {run.series_count} series, history {run.data_from} to {run.data_to} ({run.rows_count} rows), "
                 f"{run.horizon} weeks ahead, engine {run.engine_version}, {run.seconds} s; fallbacks: {fallbacks}.")
