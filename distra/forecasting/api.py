"""The forecasting API (mounted at /api/v1/forecasting): forecast runs (jobs with progress), the
current forecast of a distributor × SKU or an aggregate, and planners' overrides. Reads check the
view permission, then the scope (404); a distributor user sees only its own series."""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from distra.catalog.models import SKU
from distra.core.api import ERROR_RESPONSES, Id, Pagination, resolve_ids
from distra.core.permissions import require_model_perm, require_view
from distra.forecasting import selectors, services
from distra.forecasting.choices import AggregateKind, ForecastLevel
from distra.forecasting.detail import series_detail
from distra.forecasting.models import ForecastOverride, ForecastRun, ForecastSeries
from distra.forecasting.schemas import (
    OverrideFilter,
    OverrideIn,
    OverrideOut,
    RunFilter,
    RunIn,
    RunOut,
    SeriesOut,
)
from distra.partners.models import Distributor

router = Router(tags=["forecasting"])


@router.get("/runs", response={200: list[RunOut], **ERROR_RESPONSES})
@paginate(Pagination)
def run_list(request, filters: Query[RunFilter]):
    """Forecast runs in the caller's scope, newest first, with their status and progress."""
    require_view(request.auth, ForecastRun)
    return selectors.run_list(user=request.auth, **filters.dict())


@router.post("/runs", response={202: RunOut, **ERROR_RESPONSES})
def run_start(request, payload: RunIn):
    """Queue a forecast run; the worker runs it. Poll the run for its progress and status."""
    require_model_perm(request.auth, ForecastRun, "add")
    data = resolve_ids(payload.dict(), request.auth, {"distributor_id": ("distributor", Distributor)})
    run = services.forecast_run_start(by=request.auth, **data)
    return Status(202, run)


@router.get("/runs/{int:run_id}", response={200: RunOut, **ERROR_RESPONSES})
def run_get(request, run_id: Id):
    """One run: status, progress (0..1) and message, the data window it saw, the engine version."""
    require_view(request.auth, ForecastRun)
    return selectors.run_get(user=request.auth, run_id=run_id)


@router.get("/series/{int:distributor_id}/{int:sku_id}", response={200: SeriesOut, **ERROR_RESPONSES})
def series_get(request, distributor_id: Id, sku_id: Id):
    """The current forecast of a distributor × SKU: history, forecast with 80 % and 95 %
    intervals, the chosen model and its backtest accuracy, the overrides and their accuracy."""
    require_view(request.auth, ForecastSeries)
    series = selectors.series_current(user=request.auth, kind=ForecastLevel.DISTRIBUTOR_SKU, distributor_id=distributor_id, sku_id=sku_id)
    return series_detail(user=request.auth, series=series)


@router.get("/aggregates/{kind}/{int:target_id}", response={200: SeriesOut, **ERROR_RESPONSES})
def aggregate_get(request, kind: AggregateKind, target_id: Id):
    """The current forecast of a territory, region, category or brand: the sum of its
    distributor × SKU forecasts."""
    require_view(request.auth, ForecastSeries)
    series = selectors.series_current(user=request.auth, kind=kind, target_id=target_id)
    return series_detail(user=request.auth, series=series)


@router.get("/overrides", response={200: list[OverrideOut], **ERROR_RESPONSES})
@paginate(Pagination)
def override_list(request, filters: Query[OverrideFilter]):
    """Overrides in the caller's scope, newest first (superseded ones too: the audit trail)."""
    require_view(request.auth, ForecastOverride)
    return selectors.override_list(user=request.auth, **filters.dict())


@router.post("/overrides", response={201: OverrideOut, **ERROR_RESPONSES})
def override_create(request, payload: OverrideIn):
    """Set the planner's quantity for a distributor × SKU week, with a reason. The model's number
    is kept; an earlier override of the week is superseded."""
    require_model_perm(request.auth, ForecastOverride, "add")
    data = resolve_ids(payload.dict(), request.auth, {"distributor_id": ("distributor", Distributor), "sku_id": ("sku", SKU)})
    return Status(201, services.forecast_override_create(by=request.auth, **data))
