"""Every write to stored forecasts: starting and running forecast runs (background jobs), and
planners' overrides.

A run is a job: ``forecast_run_start`` records it queued and enqueues ``tasks.run_forecast`` once
the row is committed; the worker calls ``forecast_run_execute``, which claims it (a guarded
UPDATE: a task delivered twice runs once), builds the history from the orders, calls the engine
with a progress callback that writes the run row (outside any transaction, so the pages see it
move), and stores every series and point in one transaction at the end: a failed run stores
nothing. The CLI, the weekly schedule and ``seed demo`` run the same function inline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from distra.core.errors import Conflict, DomainError, FieldProblem, NotFound, ValidationFailed
from distra.core.permissions import require_perm
from distra.core.services import guarded_status_change
from distra.forecasting import aggregates, domain
from distra.forecasting.choices import RUN_TRANSITIONS, ForecastLevel, RunStatus
from distra.forecasting.history import History, SeriesTarget, build_history
from distra.forecasting.models import ForecastOverride, ForecastPoint, ForecastRun, ForecastSeries
from distra.forecasting.selectors import current_week, series_key

logger = logging.getLogger("distra.forecasting")

RUN_PERM = "forecasting.add_forecastrun"
OVERRIDE_PERM = "forecasting.add_forecastoverride"
DEFAULT_HORIZON = 13  # weeks: a quarter, longer than any lead time plus review period
MAX_HORIZON = 104
LEVELS = (80, 95)
STALE_AFTER = timedelta(hours=6)  # a run queued or running this long lost its worker
PROGRESS_INTERVAL = 0.5  # seconds between progress writes
OUTLET_MIN_ORDERS = 4  # outlet × SKU series need at least this many weeks with an order

Progress = Callable[[float, str], None]


class ForecastFailed(DomainError):
    def __init__(self, message: str, code: str = "forecast_failed"):
        super().__init__(message=message, code=code, status=422)


# Starting a run -------------------------------------------------------------------------------------

def _check_start(by, level: str, horizon: int, distributor) -> None:
    problems = {}
    if level not in ForecastLevel.values:
        problems["level"] = [FieldProblem("invalid_choice", f"The level is one of {', '.join(ForecastLevel.values)}.")]
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= MAX_HORIZON:
        problems["horizon"] = [FieldProblem("out_of_range", f"The horizon is a whole number of weeks from 1 to {MAX_HORIZON}.")]
    if problems:
        raise ValidationFailed(problems)
    if by is None:
        return
    require_perm(by, RUN_PERM)
    from distra.core.scoping import scope_for
    from distra.partners.models import Distributor

    if distributor is None and not scope_for(by).everything:
        raise ValidationFailed({"distributor_id": [FieldProblem("required", "Choose the distributor to forecast.")]})
    if distributor is not None and not Distributor.objects.for_user(by).filter(pk=distributor.pk).exists():
        raise NotFound(f"No distributor with id {distributor.pk}.")


def _refuse_if_running(level: str, distributor) -> None:
    busy = ForecastRun.objects.filter(level=level, distributor=distributor, status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
                                      created_at__gte=timezone.now() - STALE_AFTER)
    if busy.exists():
        raise Conflict("A forecast run of this level is already queued or running; wait for it to finish.", code="run_in_progress")


@transaction.atomic
def forecast_run_start(
    *, by, level: str = ForecastLevel.DISTRIBUTOR_SKU, horizon: int = DEFAULT_HORIZON, distributor=None, trigger: str = "user",
    enqueue: bool = True,
) -> ForecastRun:
    """Record a queued forecast run and, once committed, enqueue it for the worker. ``by`` None is
    the system (the weekly schedule, the CLI, the demo). A user needs the run permission; one
    whose scope is not the whole organisation forecasts one distributor of its scope. 409
    ``run_in_progress`` while a run of the same level and distributor is queued or running."""
    _check_start(by, level, horizon, distributor)
    _refuse_if_running(level, distributor)
    run = ForecastRun.objects.create(level=level, horizon=horizon, distributor=distributor, requested_by=by, trigger=trigger)
    if enqueue:
        from distra.forecasting.tasks import run_forecast

        transaction.on_commit(lambda: run_forecast.enqueue(run.pk))
    return run


def forecast_run_now(
    *, level: str = ForecastLevel.DISTRIBUTOR_SKU, horizon: int = DEFAULT_HORIZON, distributor=None, trigger: str = "cli",
    progress: Progress | None = None, today: date | None = None, by=None,
) -> ForecastRun:
    """Start a run and execute it in this process (CLI, schedule, demo); returns the ended run."""
    run = forecast_run_start(by=by, level=level, horizon=horizon, distributor=distributor, trigger=trigger, enqueue=False)
    return forecast_run_execute(run_id=run.pk, progress=progress, today=today)


# Running it ------------------------------------------------------------------------------------------

def _change_status(run: ForecastRun, to: RunStatus, **fields) -> bool:
    return guarded_status_change(run, to, RUN_TRANSITIONS, **fields)


class _RunProgress:
    """The engine's progress callback for one run: throttled writes of the run row (and the
    caller's own callback, e.g. the CLI's bar, at every call)."""

    def __init__(self, run: ForecastRun, outer: Progress | None, start: float = 0.0, span: float = 1.0):
        self.run, self.outer, self.start, self.span = run, outer, start, span
        self.last = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        value = min(max(self.start + self.span * float(fraction), 0.0), 1.0)
        if self.outer is not None:
            self.outer(value, message)
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL and value < 1.0:
            return
        self.last = now
        ForecastRun.objects.filter(pk=self.run.pk, status=RunStatus.RUNNING).update(progress=value, message=str(message)[:200])


def forecast_run_execute(*, run_id: int, progress: Progress | None = None, today: date | None = None) -> ForecastRun | None:
    """Run queued run ``run_id`` and record its end: succeeded with its series and points, or
    failed with a code and message (nothing stored). Does nothing unless the run is queued."""
    run = ForecastRun.objects.filter(pk=run_id).first()
    started = time.monotonic()
    if run is None or run.status != RunStatus.QUEUED or not _change_status(run, RunStatus.RUNNING, started_at=timezone.now()):
        logger.info("forecast run not queued; not run again", extra={"run_id": run_id})
        return None
    today = today or timezone.localdate()
    failure = _failure_of(run, lambda: _compute_and_store(run, progress, today))
    if failure is not None:
        _fail(run, *failure)
        return run
    _change_status(run, RunStatus.SUCCEEDED, progress=1.0, message="done", finished_at=timezone.now(),
                   seconds=round(time.monotonic() - started, 2))
    if progress is not None:
        progress(1.0, "done")
    _after_success(run)
    return run


def _compute_and_store(run: ForecastRun, progress: Progress | None, today: date) -> None:
    history = _history(run, today)
    _RunProgress(run, progress)(0.05, "history built")
    result = _forecast(history, run, _RunProgress(run, progress, 0.05, 0.9))
    _store(run, history, result, today)


def _failure_of(run: ForecastRun, work: Callable[[], None]) -> tuple[str, str] | None:
    """Run ``work``; the (code, message) a failed run records if it raised, else None."""
    try:
        work()
    except DomainError as exc:
        return exc.code, exc.message
    except Exception:
        logger.exception("forecast run failed", extra={"run_id": run.pk})
        return "unexpected_error", "The forecast stopped on an unexpected error (it has been logged). Nothing was stored."
    return None


def _fail(run: ForecastRun, code: str, message: str) -> None:
    _change_status(run, RunStatus.FAILED, error_code=code[:40], error_message=message, finished_at=timezone.now())


def _history(run: ForecastRun, today: date) -> History:
    distributors = [run.distributor_id] if run.distributor_id else None
    outlet = run.level == ForecastLevel.OUTLET_SKU
    history = build_history(level=run.level, until=today, distributor_ids=distributors,
                            min_orders=OUTLET_MIN_ORDERS if outlet else 1)
    if not history.targets:
        raise ForecastFailed("There is no order history to forecast from.", code="no_history")
    ForecastRun.objects.filter(pk=run.pk).update(data_from=history.first, data_to=history.last,
                                                 series_count=len(history.targets), rows_count=history.rows)
    run.data_from, run.data_to, run.series_count, run.rows_count = history.first, history.last, len(history.targets), history.rows
    return history


# The demo's fast path: no global LightGBM model, one backtest window (the run's engine version
# says "+fast"). Everything else forecasts with the engine's defaults.
FAST_TRIGGERS = {"demo"}
FAST_OPTIONS = {"use_global": False, "n_windows": 1}


def _forecast(history: History, run: ForecastRun, progress: Progress):
    from distra.forecasting.engine import forecast

    options = FAST_OPTIONS if run.trigger in FAST_TRIGGERS else {}
    return forecast(history.frame, horizon=run.horizon, freq="W", levels=LEVELS, progress=progress, **options)


def _version(run: ForecastRun, result) -> str:
    return (str(getattr(result, "version", "")) + ("+fast" if run.trigger in FAST_TRIGGERS else ""))[:40]


def _after_success(run: ForecastRun) -> None:
    """Replenishment recomputes its reorder points from the new forecast (best effort: a failure
    there is logged and never undoes the run)."""
    if run.level != ForecastLevel.DISTRIBUTOR_SKU:
        return
    try:
        from distra.replenishment.services import replenishment_parameters_refresh

        replenishment_parameters_refresh(distributor_ids=[run.distributor_id] if run.distributor_id else None)
    except ImportError:
        return
    except Exception:
        logger.exception("replenishment parameters not refreshed", extra={"run_id": run.pk})


# Storing the result ----------------------------------------------------------------------------------

def _column(frame, name: str) -> str | None:
    return next((c for c in frame.columns if c.lower() == name or c.lower().endswith(f"_{name}") or c.lower().startswith(f"{name}")), None)


def _models_by_key(result) -> dict[str, dict]:
    frame = result.models
    wape_col, rmsse_col, sd_col = _column(frame, "wape"), _column(frame, "rmsse"), _column(frame, "error_sd")
    found = {}
    for row in frame.to_dict("records"):
        found[str(row["unique_id"])] = {
            "model": str(row.get("model", ""))[:120],
            "wape": _maybe_decimal(row.get(wape_col)) if wape_col else None,
            "rmsse": _maybe_decimal(row.get(rmsse_col)) if rmsse_col else None,
            "error_sd": _maybe_decimal(row.get(sd_col)) if sd_col else None,
        }
    return found


def _maybe_decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return None if number.is_nan() or number.is_infinite() else number.quantize(Decimal("0.0001"))


def _fallbacks(result) -> dict[str, str]:
    raw = getattr(result, "fallbacks", None)
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return {str(k): str(v)[:80] for k, v in raw.items()}
    if hasattr(raw, "to_dict"):
        records = raw.to_dict("records")
        return {str(r.get("unique_id")): str(r.get("fallback") or r.get("reason") or "")[:80] for r in records}
    return {str(k): str(v)[:80] for k, v in raw}


def _points_by_key(result, horizon: int) -> dict[str, list[tuple[date, domain.PointValues]]]:
    found: dict[str, list] = {}
    frame = result.forecasts.sort_values(["unique_id", "ds"])
    columns = ["unique_id", "ds", "yhat", "yhat_lo_80", "yhat_hi_80", "yhat_lo_95", "yhat_hi_95"]
    for uid, ds, yhat, lo80, hi80, lo95, hi95 in frame[columns].itertuples(index=False, name=None):
        found.setdefault(str(uid), []).append((ds.date() if hasattr(ds, "date") else ds, domain.PointValues.ordered(yhat, lo80, hi80, lo95, hi95)))
    for key, points in found.items():
        if len(points) != horizon:
            raise ForecastFailed(f"The engine returned {len(points)} periods for {key}, not {horizon}.", code="engine_contract")
    return found


@transaction.atomic
def _store(run: ForecastRun, history: History, result, today: date) -> None:
    """Write every series and point of the run (and its aggregates) in one transaction."""
    models = _models_by_key(result)
    fallbacks = _fallbacks(result)
    points = _points_by_key(result, run.horizon)
    rows = []
    for key, target in history.targets.items():
        if key not in points:
            raise ForecastFailed(f"The engine returned no forecast for {key}.", code="engine_contract")
        info = models.get(key, {})
        sd = info.get("error_sd")
        rows.append(_series_row(run, key, target, info, fallbacks.get(key, ""),
                                sd if sd is not None else domain.error_sd_from_interval(points[key][0][1])))
    created = ForecastSeries.objects.bulk_create(rows, batch_size=1000)
    _write_points(created, points)
    if run.level == ForecastLevel.DISTRIBUTOR_SKU:
        agg_series, agg_points = aggregates.build(run=run, bottom=created, points=points, until=today)
        _write_points(ForecastSeries.objects.bulk_create(agg_series, batch_size=1000), agg_points)
    run.engine_version = _version(run, result)
    ForecastRun.objects.filter(pk=run.pk).update(engine_version=run.engine_version, fallbacks=_fallback_counts(fallbacks))


def _fallback_counts(fallbacks: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for reason in fallbacks.values():
        if reason:
            counts[reason] = counts.get(reason, 0) + 1
    return counts


def _series_row(run, key: str, target: SeriesTarget, info: dict, fallback: str, error_sd: Decimal) -> ForecastSeries:
    return ForecastSeries(
        run=run, kind=run.level, key=key, distributor_id=target.distributor_id, sku_id=target.sku_id, outlet_id=target.outlet_id,
        model=info.get("model", ""), wape=info.get("wape"), rmsse=info.get("rmsse"), error_sd=domain.quantity(error_sd),
        fallback=fallback,
    )


def _write_points(series: list[ForecastSeries], points: dict[str, list[tuple[date, domain.PointValues]]]) -> None:
    rows = [ForecastPoint(series=s, period_start=ds, yhat=p.yhat, lo_80=p.lo_80, hi_80=p.hi_80, lo_95=p.lo_95, hi_95=p.hi_95)
            for s in series for ds, p in points[s.key]]
    ForecastPoint.objects.bulk_create(rows, batch_size=5000)


def forecast_runs_prune(*, now=None) -> int:
    """Housekeeping: a run still queued or running after STALE_AFTER lost its worker; mark it
    failed. Returns how many."""
    now = now or timezone.now()
    stale = list(ForecastRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING], created_at__lt=now - STALE_AFTER))
    for run in stale:
        _fail(run, "interrupted", "The run did not finish (its worker stopped). Nothing was stored; start it again.")
    return len(stale)


# Overrides -------------------------------------------------------------------------------------------

def _override_problems(period_start, quantity, reason: str, today: date) -> dict[str, list[FieldProblem]]:
    problems: dict[str, list[FieldProblem]] = {}
    if not isinstance(period_start, date) or period_start.weekday() != 0:
        problems["period_start"] = [FieldProblem("not_a_week", "Give the Monday that starts the week.")]
    elif period_start < current_week(today):
        problems["period_start"] = [FieldProblem("in_the_past", "Only the current week and later weeks can be overridden.")]
    try:
        number = Decimal(str(quantity))
        if number.is_nan() or number < 0 or number > Decimal("999999999999"):
            raise ValueError
    except (ArithmeticError, ValueError, TypeError):
        problems["quantity"] = [FieldProblem("invalid_quantity", "The quantity is a number of units, 0 or more.")]
    if not (reason or "").strip():
        problems["reason"] = [FieldProblem("required", "Say why the forecast is overridden.")]
    elif len(reason.strip()) > 500:
        problems["reason"] = [FieldProblem("too_long", "The reason has at most 500 characters.")]
    return problems


@transaction.atomic
def forecast_override_create(
    *, by, distributor, sku, period_start: date, quantity, reason: str, today: date | None = None,
) -> ForecastOverride:
    """Set the planner's quantity for one distributor × SKU week, with the reason. The model's
    number is kept (``model_yhat``, with the current run); an active override of the same week is
    superseded (kept, with ``superseded_at``), never edited. Needs the override permission and the
    distributor in scope (404 otherwise); 422 per field for a week that is not a Monday or is in
    the past, a negative or non-numeric quantity, a missing reason. Locks the active override."""
    require_perm(by, OVERRIDE_PERM)
    from distra.catalog.models import SKU
    from distra.partners.models import Distributor

    if distributor is None or not Distributor.objects.for_user(by).filter(pk=distributor.pk).exists():
        raise NotFound("No such distributor in your scope.")
    if sku is None or not SKU.objects.for_user(by).filter(pk=sku.pk).exists():
        raise NotFound("No such SKU.")
    today = today or timezone.localdate()
    problems = _override_problems(period_start, quantity, reason, today)
    if problems:
        raise ValidationFailed(problems)
    key = series_key(distributor.pk, sku.pk)
    run_id, model_yhat = _model_number(key, period_start)
    previous = (ForecastOverride.objects.select_for_update(of=("self",))
                .filter(kind=ForecastLevel.DISTRIBUTOR_SKU, key=key, period_start=period_start, superseded_at__isnull=True).first())
    now = timezone.now()
    if previous is not None:
        ForecastOverride.objects.filter(pk=previous.pk).update(superseded_at=now, updated_at=now)
    override = ForecastOverride.objects.create(
        kind=ForecastLevel.DISTRIBUTOR_SKU, key=key, distributor=distributor, sku=sku, period_start=period_start,
        quantity=domain.quantity(Decimal(str(quantity))), reason=reason.strip(), model_yhat=model_yhat,
        run_id=run_id, created_by=by,
    )
    if previous is not None:
        ForecastOverride.objects.filter(pk=previous.pk).update(superseded_by=override)
    return override


def _model_number(key: str, period_start: date) -> tuple[int | None, Decimal | None]:
    """The current run that forecasts ``key`` for the week of ``period_start`` and its number."""
    from distra.forecasting.selectors import current_runs

    runs = current_runs(ForecastLevel.DISTRIBUTOR_SKU)
    rank = {run_id: i for i, run_id in enumerate(runs)}
    rows = ForecastPoint.objects.filter(series__key=key, series__run_id__in=runs, period_start=period_start).values_list(
        "series__run_id", "yhat")
    best = sorted(rows, key=lambda r: rank[r[0]])
    return (best[0][0], best[0][1]) if best else (None, None)
