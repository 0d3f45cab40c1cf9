"""Order payloads and answers of the API. No rules here: the services decide, these only shape."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from distra.core.api import Id
from distra.inventory.schemas import BatchOut
from distra.orders.choices import EventKind, OrderChannel, OrderStatus

Units = Field(0, ge=0, le=10**6)


class OrderLineIn(Schema):
    sku_id: Id
    quantity: int | None = Field(None, ge=1, le=10**9, description="Base units; or give cases and units")
    cases: int = Units
    units: int = Units
    discount_pct: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2)


class OrderIn(Schema):
    outlet_id: Id
    warehouse_id: Id | None = Field(None, description="Default: the distributor's first active warehouse")
    lines: list[OrderLineIn] = Field(..., min_length=1, max_length=200)
    submit: bool = Field(False, description="Submit at once (approved and allocated unless a rule or the policy says otherwise)")
    note: str = Field("", max_length=500)
    requested_on: date | None = None
    client_order_id: str | None = Field(
        None, min_length=1, max_length=100,
        description="The client's own id for this order; works as the Idempotency-Key header (give one or the other, or the same)",
    )


class OrderLinesIn(Schema):
    lines: list[OrderLineIn] = Field(..., min_length=1, max_length=200)


class OrderReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class OrderApproveIn(Schema):
    note: str = Field("", max_length=200)


class OrderAllocationOut(BatchOut):
    id: int
    batch_id: int
    batch_number: str
    expires_on: date
    quantity: int
    delivered: int


class OrderLineSchemeOut(Schema):
    """One scheme applied on an order line, as the line was priced."""

    scheme_id: int
    code: str
    name: str
    kind: str
    benefit: Decimal = Field(..., description="The discount, or the free units at their selling price")
    discount: Decimal = Field(..., description="What it took off the line's net (0 for free goods)")
    free_quantity: int
    free_sku_id: int | None
    funding_share: Decimal = Field(..., description="The brand-funded share (%)")
    brand_funded: Decimal
    reason: str = Field(..., description="Why it applied")
    hint: str = Field("", description="A better slab within reach")


class OrderSchemeNotAppliedOut(Schema):
    """A scheme considered for the order and not applied, with why (and what is missing)."""

    scheme_id: int
    code: str
    name: str
    reason_code: str
    message: str
    shortfall: Decimal | None = None


class OrderSchemeLeftOutOut(Schema):
    """A scheme left out because its budget ran out while the order was placed."""

    scheme_id: int
    code: str
    name: str
    reason: str


class OrderPricingOut(Schema):
    priced_on: date | None = Field(None, description="The day the order was priced on (it keeps these prices)")
    not_applied: list[OrderSchemeNotAppliedOut]
    left_out: list[OrderSchemeLeftOutOut]


class OrderLineOut(Schema):
    id: int
    line_no: int
    sku_id: int
    sku_code: str
    sku_name: str
    quantity: int = Field(..., description="Base units")
    cases: int = Field(..., description="Whole cases in the quantity")
    units: int = Field(..., description="Loose units beyond the cases")
    is_free: bool = Field(..., description="A free line: the free goods of one scheme, net 0")
    free_of_id: int | None = Field(None, description="The scheme whose free goods this line carries")
    unit_price: Decimal = Field(..., description="Retailer selling price per base unit, before tax")
    landing_price: Decimal = Field(..., description="Distributor landing price per base unit, before tax")
    price_list_id: int | None
    price_list_code: str
    price_reason: str = Field(..., description="Why this price")
    discount_pct: Decimal = Field(..., description="The manual discount (%), on what the schemes left")
    tax_rate: Decimal
    gross: Decimal
    scheme_discount: Decimal = Field(..., description="What the schemes took off")
    discount: Decimal = Field(..., description="Scheme discount plus the manual discount")
    net: Decimal
    tax: Decimal
    total: Decimal
    schemes: list[OrderLineSchemeOut]
    allocated: int
    backordered: int
    cancelled: int
    delivered: int
    returned: int
    shortfall_reason: str
    allocations: list[OrderAllocationOut]

    @staticmethod
    def resolve_sku_code(obj) -> str:
        return obj.sku.code

    @staticmethod
    def resolve_sku_name(obj) -> str:
        return obj.sku.name

    @staticmethod
    def resolve_cases(obj) -> int:
        return obj.quantity // obj.sku.units_per_case

    @staticmethod
    def resolve_units(obj) -> int:
        return obj.quantity % obj.sku.units_per_case

    @staticmethod
    def resolve_allocations(obj) -> list:
        return list(obj.allocations.all())

    @staticmethod
    def resolve_is_free(obj) -> bool:
        return obj.free_of_id is not None

    @staticmethod
    def resolve_price_list_code(obj) -> str:
        return (obj.pricing or {}).get("price_list_code", "")

    @staticmethod
    def resolve_price_reason(obj) -> str:
        pricing = obj.pricing or {}
        if obj.free_of_id is not None:
            return pricing.get("free_of", {}).get("reason", "")
        return pricing.get("price_reason", "")

    @staticmethod
    def resolve_schemes(obj) -> list:
        return (obj.pricing or {}).get("applied", [])


class OrderShortfallLineOut(Schema):
    line_no: int
    sku_id: int
    sku_code: str
    ordered: int
    allocated: int
    missing: int
    resolution: Literal["backordered", "cancelled", "awaiting_stock"]


class OrderShortfallOut(Schema):
    missing: int = Field(..., description="Units ordered that could not be allocated")
    awaiting_stock: bool = Field(..., description="Nothing allocated yet: the order waits for stock")
    backorder_ids: list[int] = Field(..., description="Orders carrying the back-ordered rest")
    lines: list[OrderShortfallLineOut]


class OrderEventOut(Schema):
    id: int
    kind: EventKind
    from_status: str
    to_status: str
    user_id: int | None
    username: str | None
    channel: OrderChannel
    detail: dict[str, Any]
    created_at: datetime

    @staticmethod
    def resolve_username(obj) -> str | None:
        return obj.user.username if obj.user_id else None


class OrderSummaryOut(Schema):
    id: int
    number: str
    status: OrderStatus
    channel: OrderChannel
    outlet_id: int
    outlet_code: str
    distributor_id: int
    distributor_code: str
    warehouse_id: int
    warehouse_code: str
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    awaiting_stock: bool
    backorder_of_id: int | None
    note: str
    requested_on: date | None
    cancel_reason: str
    dispatch_note: str
    created_by_id: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    allocated_at: datetime | None
    invoiced_at: datetime | None
    dispatched_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None

    @staticmethod
    def resolve_outlet_code(obj) -> str:
        return obj.outlet.code

    @staticmethod
    def resolve_distributor_code(obj) -> str:
        return obj.distributor.code

    @staticmethod
    def resolve_warehouse_code(obj) -> str:
        return obj.warehouse.code


class OrderOut(OrderSummaryOut):
    lines: list[OrderLineOut]
    pricing: OrderPricingOut
    shortfall: OrderShortfallOut
    events: list[OrderEventOut]

    @staticmethod
    def resolve_pricing(obj) -> dict:
        pricing = obj.pricing or {}
        return {"priced_on": pricing.get("on"), "not_applied": pricing.get("not_applied", []), "left_out": pricing.get("excluded", [])}

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_shortfall(obj) -> dict:
        from distra.orders.selectors import order_shortfall

        return order_shortfall(obj)

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())


class OrderFilter(Schema):
    status: OrderStatus | None = None
    distributor_id: Id | None = None
    outlet_id: Id | None = None
    warehouse_id: Id | None = None
    created_from: date | None = Field(None, description="Created on or after this day")
    created_to: date | None = Field(None, description="Created on or before this day")
    awaiting_stock: bool | None = None
    search: str | None = Field(None, max_length=40, description="Order number (SO-0000042 or 42) or outlet code")
    sort: Literal["created_at", "-created_at", "total", "-total", "submitted_at", "-submitted_at", "status", "-status"] = "-created_at"


class OrderMetricsFilter(Schema):
    distributor_id: Id | None = None
    from_: date | None = Field(None, alias="from", description="Orders delivered on or after this day")
    to: date | None = Field(None, description="Orders delivered on or before this day")


class OrderFillRateOut(Schema):
    orders: int = Field(..., description="Orders that reached delivered or partially delivered")
    orders_filled: int = Field(..., description="Of those, orders with every line delivered in full")
    order_fill_rate: Decimal | None = Field(..., description="orders_filled / orders (4 decimals); null without orders")
    lines: int
    lines_filled: int
    line_fill_rate: Decimal | None


class OrderCycleTimeOut(Schema):
    orders: int = Field(..., description="Delivered orders with both a submission and a delivery time")
    mean_hours: Decimal | None
    median_hours: Decimal | None
    p90_hours: Decimal | None


class OrderDistributorMetricsOut(Schema):
    distributor_id: int | None = Field(..., description="None: all distributors in scope")
    distributor_code: str | None
    fill_rate: OrderFillRateOut
    cycle_time: OrderCycleTimeOut


class OrderMetricsOut(Schema):
    date_from: date | None
    date_to: date | None
    overall: OrderDistributorMetricsOut
    distributors: list[OrderDistributorMetricsOut]

