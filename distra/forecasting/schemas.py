from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from distra.core.api import Id
from distra.forecasting.choices import AggregateKind, ForecastLevel, RunStatus


class RunIn(Schema):
    level: ForecastLevel = ForecastLevel.DISTRIBUTOR_SKU
    horizon: int = Field(13, ge=1, le=104, description="Weeks ahead")
    distributor_id: Id | None = Field(None, description="Forecast one distributor (required unless your scope is the whole brand)")


class RunFilter(Schema):
    level: ForecastLevel | None = None
    status: RunStatus | None = None


class RunOut(Schema):
    id: int
    level: str
    freq: str
    horizon: int
    distributor_id: int | None
    status: str
    progress: float = Field(..., description="0..1 while it runs")
    percent: int
    message: str
    engine_version: str
    data_from: date | None
    data_to: date | None
    series_count: int
    rows_count: int
    fallbacks: dict
    trigger: str
    requested_by: str | None = None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None
    error_code: str
    error_message: str

    @staticmethod
    def resolve_requested_by(obj) -> str | None:
        return obj.requested_by.username if obj.requested_by_id else None


class PointOut(Schema):
    period_start: date
    yhat: Decimal
    lo_80: Decimal
    hi_80: Decimal
    lo_95: Decimal
    hi_95: Decimal
    override: Decimal | None = Field(None, description="The planner's active override for the week, if any")


class HistoryOut(Schema):
    period_start: date
    quantity: int


class OverrideOut(Schema):
    id: int
    distributor_id: int
    sku_id: int
    period_start: date
    quantity: Decimal
    reason: str
    model_yhat: Decimal | None
    run_id: int | None
    created_by: str
    created_at: datetime
    superseded_at: datetime | None
    superseded_by_id: int | None

    @staticmethod
    def resolve_created_by(obj) -> str:
        return obj.created_by.username


class AccuracyOut(Schema):
    weeks: int = Field(..., description="Overridden weeks whose actuals are in")
    override_wape: Decimal | None
    model_wape: Decimal | None
    override_bias: Decimal | None
    model_bias: Decimal | None


class SeriesOut(Schema):
    id: int
    run_id: int
    kind: str
    key: str
    distributor_id: int | None
    sku_id: int | None
    target_id: int | None = None
    model: str
    backtest_wape: Decimal | None
    backtest_rmsse: Decimal | None
    error_sd: Decimal
    fallback: str
    engine_version: str
    data_from: date | None
    data_to: date | None
    history: list[HistoryOut]
    forecast: list[PointOut]
    overrides: list[OverrideOut] = []
    override_accuracy: AccuracyOut | None = None


class OverrideIn(Schema):
    distributor_id: Id
    sku_id: Id
    period_start: date = Field(..., description="The Monday that starts the week")
    quantity: Decimal = Field(..., ge=0, le=Decimal("999999999999"), decimal_places=2)
    reason: str = Field(..., min_length=1, max_length=500)


class OverrideFilter(Schema):
    distributor_id: Id | None = None
    sku_id: Id | None = None
    active: bool | None = None


class AggregatePath(Schema):
    kind: AggregateKind
