from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from distra.core.api import Id

Note = Field("", max_length=500)


class SuggestedLineOut(Schema):
    id: int
    sku_id: int
    sku_code: str = Field(..., alias="sku.code")
    available: int
    in_transit: int
    on_order: int
    demand_lead_time: Decimal
    reorder_point: int
    order_up_to: int
    suggested_quantity: int
    quantity: int
    price: Decimal
    reason: str


class SuggestedEventOut(Schema):
    from_status: str
    to_status: str
    user: str | None = None
    note: str
    created_at: datetime

    @staticmethod
    def resolve_user(obj) -> str | None:
        return obj.user.username if obj.user_id else None


class SuggestedOrderOut(Schema):
    id: int
    distributor_id: int
    warehouse_id: int
    status: str
    mode: str
    total: Decimal
    reason: str
    purchase_order_id: int | None
    run_id: int | None
    decided_at: datetime | None
    created_at: datetime


class SuggestedOrderDetailOut(SuggestedOrderOut):
    lines: list[SuggestedLineOut]
    events: list[SuggestedEventOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class SuggestedFilter(Schema):
    status: str | None = None
    distributor_id: Id | None = None


class GenerateIn(Schema):
    distributor_id: Id | None = Field(None, description="One distributor; every distributor in your scope when omitted")


class LineQuantityIn(Schema):
    line_id: Id
    quantity: int = Field(..., ge=0, le=10**9)


class LinesIn(Schema):
    lines: list[LineQuantityIn] = Field(..., min_length=1, max_length=500)


class NoteIn(Schema):
    note: str = Note


class ParameterOut(Schema):
    distributor_id: int
    sku_id: int
    sku_class: str
    service_level: Decimal
    lead_time_days: int
    min_order_quantity: int
    weekly_demand: Decimal
    daily_rate: Decimal
    error_sd: Decimal
    safety_stock: int
    reorder_point: int
    order_up_to: int
    run_id: int | None


class ParameterFilter(Schema):
    distributor_id: Id | None = None
    sku_id: Id | None = None


class ShareOut(Schema):
    purchase_order_id: int
    distributor_id: int
    status: str  # the order's: "confirmed" ones keep what they were promised first
    requested: int
    allocated: int
    cover_before: Decimal | None
    cover_after: Decimal | None
    explanation: str


class FairShareOut(Schema):
    depot_id: int
    sku_id: int
    stock: int
    requested: int
    shares: list[ShareOut]


class FairShareConfirmIn(Schema):
    depot_id: Id
    note: str = Field("", max_length=200)  # the confirmation's note on each order (default: the cuts)


class ConfirmedLineOut(Schema):
    line_id: int
    sku_id: int
    requested: int
    confirmed: int
    explanation: str


class FairShareConfirmedOut(Schema):
    purchase_order_id: int
    number: str
    distributor_id: int
    confirmed: bool  # False: nothing was available for it; the order stays submitted
    lines: list[ConfirmedLineOut]


class TransferOut(Schema):
    distributor_id: int
    quantity: int


class ExpiryActionOut(Schema):
    sku_id: int
    distributor_id: int
    batch_id: int
    expires_on: date
    on_hand: int
    will_sell: int
    at_risk: int
    transfers: list[TransferOut]
    unplaced: int


class AutonomyIn(Schema):
    enabled: bool
    value_cap: Decimal | None = Field(None, ge=0, le=Decimal("99999999999999"))
    max_change_pct: Decimal | None = Field(None, ge=0, le=Decimal("99999"))
    act_as_id: Id | None = None


class AutonomyOut(Schema):
    distributor_id: int
    enabled: bool
    value_cap: Decimal | None
    max_change_pct: Decimal | None
    act_as_id: int | None
