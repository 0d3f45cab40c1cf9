from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from distra.core.api import Id
from distra.core.money import round_money
from distra.inventory.choices import AdjustmentReason, AlertKind, AlertStatus, MoveKind
from distra.inventory.domain import days_of_cover
from distra.inventory.selectors import landing_price

Count = Field(0, ge=-(10**6), le=10**6)


class BatchOut(Schema):
    """For rows that point at a batch (``obj.batch``, loaded with the row): their
    ``batch_number`` and ``expires_on`` are the batch's. Declares no fields, so each schema keeps
    its own fields in its own order; it only lends the resolvers."""

    @staticmethod
    def resolve_batch_number(obj) -> str:
        return obj.batch.batch_number

    @staticmethod
    def resolve_expires_on(obj) -> date:
        return obj.batch.expires_on


class StockOut(BatchOut):
    id: int
    warehouse_id: int
    warehouse_code: str
    warehouse_kind: str = Field(..., description="distributor (sellable stock), depot (the brand's), or quarantine (damaged stock: never allocated, kept for inspection or a damage claim)")
    distributor_id: int | None = Field(..., description="None for a brand depot")
    sku_id: int
    sku_code: str
    batch_id: int
    batch_number: str
    expires_on: date
    on_hand: int
    reserved: int
    available: int
    value: Decimal = Field(..., description="On hand at the distributor's landing price (the SKU's base price until price lists exist).")
    days_of_cover: Decimal | None = Field(
        ..., description="The SKU's available stock at this warehouse ÷ its average daily sales of the last 28 days; null when nothing was sold")

    @staticmethod
    def resolve_warehouse_code(obj) -> str:
        return obj.warehouse.code

    @staticmethod
    def resolve_warehouse_kind(obj) -> str:
        return obj.warehouse.kind

    @staticmethod
    def resolve_distributor_id(obj) -> int | None:
        return obj.warehouse.distributor_id

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.sku.code

    @staticmethod
    def resolve_value(obj) -> Decimal:
        return round_money(landing_price(obj.warehouse.distributor_id, obj.sku) * obj.on_hand)

    @staticmethod
    def resolve_days_of_cover(obj) -> Decimal | None:
        return days_of_cover(available=obj.sku_available or 0, sold_in_window=-(obj.sold_in_window or 0))


class StockFilter(Schema):
    warehouse_id: Id | None = None
    distributor_id: Id | None = None
    sku_id: Id | None = None
    batch_id: Id | None = None
    expiring_before: date | None = Field(None, description="Only batches expiring before this date")
    sort: Literal["expires_on", "-expires_on", "on_hand", "-on_hand", "available", "-available", "reserved", "-reserved"] = "expires_on"


class MoveOut(BatchOut):
    id: int
    warehouse_id: int
    sku_id: int
    batch_id: int
    batch_number: str
    quantity: int
    kind: MoveKind
    reason: str
    note: str
    source_type: str
    source_id: str
    source_line: int
    source_key: str
    reverses_id: int | None
    counterpart_warehouse_id: int | None
    user_id: int | None
    created_at: datetime
    balance_after: int | None = Field(None, description="On hand of the warehouse × SKU after this move (stock card running balance)")

    @staticmethod
    def resolve_balance_after(obj) -> int | None:
        return getattr(obj, "balance_after", None)


class MoveFilter(Schema):
    warehouse_id: Id | None = None
    distributor_id: Id | None = None
    sku_id: Id | None = None
    batch_id: Id | None = None
    kind: MoveKind | None = None
    sort: Literal["created_at", "-created_at"] = "-created_at"


class ReceiptIn(Schema):
    warehouse_id: Id
    sku_id: Id
    batch_number: str = Field(..., min_length=1, max_length=40)
    manufactured_on: date
    expires_on: date
    quantity: int | None = Field(None, ge=1, le=10**9, description="Base units; or give cases and units")
    cases: int = Field(0, ge=0, le=10**6)
    units: int = Field(0, ge=0, le=10**6)
    reference: str = Field("", max_length=64, description="The goods receipt note or delivery document")
    source_key: str | None = Field(None, min_length=1, max_length=200, description="Retry-safe key: the same key posts once")
    note: str = Field("", max_length=200)


class AdjustmentIn(Schema):
    warehouse_id: Id
    sku_id: Id
    batch_id: Id
    reason: AdjustmentReason
    quantity: int | None = Field(None, ge=-(10**9), le=10**9, description="Signed base units; or give cases and units")
    cases: int = Count
    units: int = Count
    source_key: str | None = Field(None, min_length=1, max_length=200)
    note: str = Field("", max_length=200)


class SupplyTermOut(Schema):
    id: int
    distributor_id: int
    sku_id: int
    lead_time_days: int
    min_order_quantity: int
    updated_at: datetime


class SupplyTermFilter(Schema):
    distributor_id: Id | None = None
    sku_id: Id | None = None


class SupplyTermIn(Schema):
    distributor_id: Id
    sku_id: Id
    lead_time_days: int = Field(..., ge=0, le=365)
    min_order_quantity: int = Field(..., ge=1, le=10**9, description="Base units")


class ThresholdOut(Schema):
    id: int
    sku_id: int | None
    category_id: int | None
    distributor_id: int | None
    reorder_level: int | None
    overstock_days: int | None
    near_expiry_days: int | None
    updated_at: datetime


class ThresholdFilter(Schema):
    distributor_id: Id | None = None
    sku_id: Id | None = None
    category_id: Id | None = None


class ThresholdIn(Schema):
    sku_id: Id | None = None
    category_id: Id | None = None
    distributor_id: Id | None = None
    reorder_level: int | None = Field(None, ge=0, le=10**9, description="Base units; null: inherit")
    overstock_days: int | None = Field(None, ge=1, le=10**5, description="Days of cover; null: inherit")
    near_expiry_days: int | None = Field(None, ge=0, le=10**5, description="Days; null: inherit")


class AlertOut(Schema):
    id: int
    kind: AlertKind
    status: AlertStatus
    warehouse_id: int
    sku_id: int
    sku_code: str
    batch_id: int | None
    detail: str
    raised_at: datetime
    acknowledged_by_id: int | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.sku.code


class AlertFilter(Schema):
    status: AlertStatus | None = None
    kind: AlertKind | None = None
    distributor_id: Id | None = None
    warehouse_id: Id | None = None
    sku_id: Id | None = None


class TransferIn(Schema):
    from_warehouse_id: Id
    to_warehouse_id: Id
    sku_id: Id
    batch_id: Id
    quantity: int | None = Field(None, ge=1, le=10**9, description="Base units; or give cases and units")
    cases: int = Field(0, ge=0, le=10**6)
    units: int = Field(0, ge=0, le=10**6)
    source_key: str | None = Field(None, min_length=1, max_length=200)
    note: str = Field("", max_length=200)


class TransferFilter(Schema):
    in_transit: bool | None = Field(None, description="Only transfers neither received nor cancelled")
    warehouse_id: Id | None = Field(None, description="Either end")


class ReverseIn(Schema):
    note: str = Field("", max_length=200)


class CountLineIn(Schema):
    batch_id: Id
    counted: int = Field(..., ge=0, le=10**9)


class CountIn(Schema):
    warehouse_id: Id
    lines: list[CountLineIn] = Field(..., min_length=1, max_length=1000)
    dry_run: bool = Field(False, description="Answer the variance report without posting")
    source_key: str | None = Field(None, min_length=1, max_length=150)


class VarianceOut(Schema):
    batch_id: int
    book: int
    counted: int
    difference: int


class CountOut(Schema):
    warehouse_id: int
    posted: bool
    lines: list[VarianceOut]
