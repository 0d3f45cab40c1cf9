"""Request and response shapes of the pricing API (no rules here: the services check)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from distra.core.api import Id, PatchIn
from distra.core.money import round_money
from distra.partners.choices import Channel, OutletClass
from distra.pricing.choices import BudgetBasis, Lifecycle, Per, SchemeKind, Stacking

Money = Field(..., ge=0, le=Decimal("9999999999.99"), max_digits=12, decimal_places=2)
Note = Field("", max_length=200)
Code = Field(..., min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.\-]+$")


class PriceItemIn(Schema):
    sku_id: Id
    selling_price: Decimal = Field(..., description="Per base unit, before tax; plus tax at most the MRP")
    landing_price: Decimal | None = Field(None, description="Per base unit, before tax; the selling price when omitted")


class PriceListIn(Schema):
    code: str = Code
    name: str = Field(..., min_length=1, max_length=120)
    valid_from: date
    valid_to: date | None = None
    priority: int = Field(0, ge=-1000, le=1000)
    geography_id: Id | None = None
    channel: Channel | Literal[""] = ""
    outlet_class: OutletClass | Literal[""] = ""
    distributor_id: Id | None = None
    outlet_id: Id | None = None
    items: list[PriceItemIn] = Field([], max_length=5000)


class PriceListPatch(PatchIn):
    name: str = Field(None, min_length=1, max_length=120)
    valid_from: date = None
    valid_to: date | None = None
    priority: int = Field(None, ge=-1000, le=1000)
    geography_id: Id | None = None
    channel: Channel | Literal[""] = None
    outlet_class: OutletClass | Literal[""] = None
    distributor_id: Id | None = None
    outlet_id: Id | None = None
    items: list[PriceItemIn] = Field(None, max_length=5000)


class LifecycleNoteIn(Schema):
    note: str = Note


class PricingEventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    user: str | None = Field(None, alias="user.username")
    note: str
    created_at: datetime


class PriceItemOut(Schema):
    sku_id: int
    sku_code: str = Field(..., alias="sku.code")
    mrp: Decimal = Field(..., alias="sku.mrp")
    tax_rate: Decimal = Field(..., alias="sku.tax_rate")
    selling_price: Decimal
    landing_price: Decimal
    margin: Decimal

    @staticmethod
    def resolve_margin(obj) -> Decimal:
        return obj.margin


class PriceListOut(Schema):
    id: int
    code: str
    name: str
    status: Lifecycle
    valid_from: date
    valid_to: date | None
    priority: int
    geography_id: int | None
    channel: str
    outlet_class: str
    distributor_id: int | None
    outlet_id: int | None


class PriceListDetailOut(PriceListOut):
    items: list[PriceItemOut]
    events: list[PricingEventOut]


class PriceListFilter(Schema):
    status: Lifecycle | None = None
    search: str | None = Field(None, max_length=100)


class SlabIn(Schema):
    min: Decimal
    max: Decimal | None = None
    percent: Decimal


class ComboItemIn(Schema):
    sku_id: Id
    quantity: int = Field(..., ge=1, le=10**6)


class TargetsIn(Schema):
    geography_ids: list[Id] = Field([], max_length=500)
    channels: list[str] = Field([], max_length=10)
    outlet_classes: list[str] = Field([], max_length=10)
    distributor_ids: list[Id] = Field([], max_length=500)
    outlet_ids: list[Id] = Field([], max_length=5000)
    sku_ids: list[Id] = Field([], max_length=5000)
    category_ids: list[Id] = Field([], max_length=500)
    brand_ids: list[Id] = Field([], max_length=100)


class BudgetIn(Schema):
    distributor_id: Id | None = Field(None, description="None: the overall budget")
    limit: Decimal = Field(..., description="In the scheme's budget basis: value, or whole units")


class SchemeFields(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=500)
    valid_from: date
    valid_to: date | None = None
    priority: int = Field(0, ge=-1000, le=1000)
    stacking: Stacking = Stacking.COMBINABLE
    funding_share_pct: Decimal = Field(Decimal(100), ge=0, le=100, max_digits=5, decimal_places=2)
    percent: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    per: Per = Per.UNIT
    slabs: list[SlabIn] = Field([], max_length=20)
    buy_quantity: int | None = Field(None, ge=0, le=10**6)
    free_quantity: int | None = Field(None, ge=0, le=10**6)
    free_sku_id: Id | None = None
    max_free_per_order: int | None = Field(None, ge=0, le=10**6)
    combo_items: list[ComboItemIn] = Field([], max_length=20)
    min_last_quarter_value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    budget_basis: BudgetBasis = BudgetBasis.NONE
    targets: TargetsIn = TargetsIn()
    budgets: list[BudgetIn] = Field([], max_length=500)


class SchemeIn(SchemeFields):
    code: str = Code
    kind: SchemeKind


class SchemePatch(PatchIn):
    name: str = Field(None, min_length=1, max_length=120)
    description: str = Field(None, max_length=500)
    valid_from: date = None
    valid_to: date | None = None
    priority: int = Field(None, ge=-1000, le=1000)
    stacking: Stacking = None
    funding_share_pct: Decimal = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    percent: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    per: Per = None
    slabs: list[SlabIn] = Field(None, max_length=20)
    buy_quantity: int | None = Field(None, ge=0, le=10**6)
    free_quantity: int | None = Field(None, ge=0, le=10**6)
    free_sku_id: Id | None = None
    max_free_per_order: int | None = Field(None, ge=0, le=10**6)
    combo_items: list[ComboItemIn] = Field(None, max_length=20)
    min_last_quarter_value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    budget_basis: BudgetBasis = None
    targets: TargetsIn = None
    budgets: list[BudgetIn] = Field(None, max_length=500)


class TargetOut(Schema):
    kind: str
    value: str
    geography_id: int | None
    distributor_id: int | None
    outlet_id: int | None
    sku_id: int | None
    category_id: int | None
    brand_id: int | None


class BudgetOut(Schema):
    distributor_id: int | None
    limit: Decimal
    left: Decimal

    @staticmethod
    def resolve_left(obj) -> Decimal:
        return round_money(obj.left or 0)  # SQLite sums decimals as floats


class SchemeOut(Schema):
    id: int
    code: str
    name: str
    description: str
    kind: SchemeKind
    status: Lifecycle
    valid_from: date
    valid_to: date | None
    priority: int
    stacking: Stacking
    funding_share_pct: Decimal
    percent: Decimal | None
    amount: Decimal | None
    per: Per
    slabs: list[dict]
    buy_quantity: int | None
    free_quantity: int | None
    free_sku_id: int | None
    max_free_per_order: int | None
    combo_items: list[dict]
    min_last_quarter_value: Decimal | None
    budget_basis: str


class SchemeDetailOut(SchemeOut):
    targets: list[TargetOut]
    budgets: list[BudgetOut]
    events: list[PricingEventOut]


class SchemeFilter(Schema):
    status: Lifecycle | None = None
    kind: SchemeKind | None = None
    search: str | None = Field(None, max_length=100)


class SpendPointOut(Schema):
    day: date
    spend: Decimal
    cumulative: Decimal


class TouchedOrderOut(Schema):
    order_id: int
    number: str
    outlet_code: str
    status: str
    benefit: Decimal
    created_at: datetime


class PerformanceOut(Schema):
    spend_to_date: Decimal
    brand_funded: Decimal
    budget: Decimal | None
    budget_left: Decimal | None
    orders_touched: int
    series: list[SpendPointOut]
    orders: list[TouchedOrderOut]


class QuoteLineIn(Schema):
    sku_id: Id
    quantity: int = Field(..., ge=1, le=10**9, description="Base units")


class QuoteIn(Schema):
    outlet_id: Id
    on: date | None = Field(None, description="The day to price for (scheduled prices and schemes); today when omitted")
    lines: list[QuoteLineIn] = Field(..., min_length=1, max_length=200)


class PreviewIn(Schema):
    outlet_id: Id
    on: date | None = None
    lines: list[QuoteLineIn] = Field(..., min_length=1, max_length=200)


class AppliedOut(Schema):
    scheme_id: int
    code: str
    name: str
    kind: str
    benefit: Decimal
    discount: Decimal
    free_quantity: int
    free_sku_id: int | None
    funding_share: Decimal
    brand_funded: Decimal
    reason: str
    hint: str


class PricedLineOut(Schema):
    sku_id: int
    sku_code: str
    quantity: int
    unit_price: Decimal
    landing_price: Decimal
    margin: Decimal
    mrp: Decimal
    price_list_id: int | None
    price_list_code: str
    price_reason: str
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    applied: list[AppliedOut]


class NotAppliedOut(Schema):
    scheme_id: int
    code: str
    name: str
    reason_code: str
    message: str
    shortfall: Decimal | None


class QuoteOut(Schema):
    outlet_id: int
    on: date
    lines: list[PricedLineOut]
    not_applied: list[NotAppliedOut]
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
