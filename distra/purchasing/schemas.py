from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from distra.core.api import Id
from distra.inventory.schemas import BatchOut
from distra.purchasing.choices import EventChannel, POAction, POStatus, ShipmentStatus

Units = Field(0, ge=0, le=10**6)
Note = Field("", max_length=200)


class POLineIn(Schema):
    sku_id: Id
    quantity: int | None = Field(None, ge=1, le=10**9, description="Base units; or give cases and units")
    cases: int = Units
    units: int = Units


class POIn(Schema):
    warehouse_id: Id = Field(..., description="The distributor's warehouse the goods are delivered to")
    lines: list[POLineIn] = Field(..., min_length=1, max_length=200)
    note: str = Note


class POLinesIn(Schema):
    lines: list[POLineIn] = Field(..., min_length=1, max_length=200)


class ConfirmLineIn(Schema):
    line_id: Id
    quantity: int = Field(..., ge=0, le=10**9, description="Confirmed base units, 0 up to what was ordered")


class ConfirmIn(Schema):
    lines: list[ConfirmLineIn] = Field([], max_length=200, description="Cuts; lines not named are confirmed in full")
    note: str = Note


class NoteIn(Schema):
    note: str = Note


class ShipLineIn(Schema):
    line_id: Id
    quantity: int | None = Field(None, ge=1, le=10**9, description="Base units; or give cases and units")
    cases: int = Units
    units: int = Units
    batch_id: Id | None = Field(None, description="The batch to ship; FEFO from the depot when omitted")


class ShipIn(Schema):
    depot_id: Id
    lines: list[ShipLineIn] | None = Field(None, max_length=200, description="Omitted: everything confirmed and not yet shipped")
    note: str = Note


class GrnLineIn(Schema):
    shipment_line_id: Id
    good: int = Field(..., ge=0, le=10**9)
    damaged: int = Field(0, ge=0, le=10**9)
    short: int | None = Field(None, ge=0, le=10**9, description="Shipped - good - damaged; computed when omitted")
    excess: int = Field(0, ge=0, le=10**9, description="Units received beyond what was shipped")


class GrnIn(Schema):
    lines: list[GrnLineIn] = Field([], max_length=200, description="Shipment lines not named arrived in full and in good condition")
    note: str = Note


class POFilter(Schema):
    status: POStatus | None = None
    distributor_id: Id | None = None
    warehouse_id: Id | None = None
    search: str | None = Field(None, max_length=100, description="Matches the order number, distributor code or a SKU code")
    sort: Literal["created_at", "-created_at", "number", "-number", "total", "-total", "status", "-status"] = "-created_at"


class POLineOut(Schema):
    id: int
    line_no: int
    sku_id: int
    sku_code: str
    quantity: int
    confirmed_quantity: int | None
    shipped_quantity: int
    price: Decimal
    amount: Decimal

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.sku.code


class EventOut(Schema):
    action: POAction
    from_status: str
    to_status: POStatus
    channel: EventChannel
    user_id: int
    username: str
    note: str
    created_at: datetime

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username


class GrnLineOut(Schema):
    shipment_line_id: int
    shipped: int
    good: int
    damaged: int
    short: int
    excess: int


class GrnOut(Schema):
    id: int
    number: str
    shipment_id: int
    has_discrepancy: bool
    note: str
    received_by_id: int
    created_at: datetime
    lines: list[GrnLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class ShipmentLineOut(BatchOut):
    id: int
    order_line_id: int
    batch_id: int
    batch_number: str
    expires_on: date
    quantity: int
    transfer_id: int


class ShipmentOut(Schema):
    id: int
    order_id: int
    number: int
    depot_id: int
    status: ShipmentStatus
    note: str
    created_at: datetime
    lines: list[ShipmentLineOut]
    receipt: GrnOut | None

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_receipt(obj):
        return getattr(obj, "receipt", None)


class POOut(Schema):
    id: int
    number: str
    distributor_id: int
    distributor_code: str
    warehouse_id: int
    status: POStatus
    total: Decimal
    note: str
    created_by_id: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_distributor_code(obj) -> str:
        return obj.distributor.code


class PODetailOut(POOut):
    lines: list[POLineOut]
    events: list[EventOut]
    shipments: list[ShipmentOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_shipments(obj) -> list:
        return list(obj.shipments.all())


class DepotIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=120)
    address: str = Field("", max_length=2000)


class DepotOut(Schema):
    id: int
    code: str
    name: str
    address: str
    is_active: bool
