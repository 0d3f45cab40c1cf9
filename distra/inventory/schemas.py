from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from distra.core.api import Id
from distra.core.money import round_money
from distra.inventory.choices import AdjustmentReason, MoveKind

Count = Field(0, ge=-(10**6), le=10**6)


class StockOut(Schema):
    id: int
    warehouse_id: int
    warehouse_code: str
    distributor_id: int | None = Field(..., description="None for a brand depot")
    sku_id: int
    sku_code: str
    batch_id: int
    batch_number: str
    expires_on: date
    on_hand: int
    reserved: int
    available: int
    value: Decimal = Field(..., description="On hand at the SKU's base price (landing prices come with price lists).")

    @staticmethod
    def resolve_warehouse_code(obj) -> str:
        return obj.warehouse.code

    @staticmethod
    def resolve_distributor_id(obj) -> int | None:
        return obj.warehouse.distributor_id

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.sku.code

    @staticmethod
    def resolve_batch_number(obj) -> str:
        return obj.batch.batch_number

    @staticmethod
    def resolve_value(obj) -> Decimal:
        return round_money(obj.sku.base_price * obj.on_hand)


class StockFilter(Schema):
    warehouse_id: Id | None = None
    distributor_id: Id | None = None
    sku_id: Id | None = None
    batch_id: Id | None = None
    expiring_before: date | None = Field(None, description="Only batches expiring before this date")
    sort: Literal["expires_on", "-expires_on", "on_hand", "-on_hand", "available", "-available", "reserved", "-reserved"] = "expires_on"


class MoveOut(Schema):
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
    def resolve_batch_number(obj) -> str:
        return obj.batch.batch_number

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
