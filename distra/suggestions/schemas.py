"""Schemas of the suggestions API: shapes only, no rules (those are in selectors and services)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from distra.core.api import MAX_ID, Id


class ShelfCountIn(Schema):
    sku_id: Id
    quantity: Decimal = Field(description="Units counted on the shelf: a whole number from 0 (checked: 422 `negative`, `not_whole`).")


class SuggestionIn(Schema):
    shelf_counts: list[ShelfCountIn] | None = Field(None, description="The rep's shelf counts; SKUs not counted are estimated.")


class LineOut(Schema):
    sku_id: int
    sku_code: str
    sku_name: str
    quantity: int = Field(description="Suggested base units (0: the shelf covers the period).")
    cases: int
    units: int
    units_per_case: int
    in_cases: bool
    basis: str
    reason: str
    figures: dict
    available: int | None = Field(description="Units available at the distributor's selling warehouses.")


class MustSellOut(Schema):
    list_code: str
    sku_id: int
    sku_code: str
    bought: bool


class SchemeAppliedOut(Schema):
    scheme_id: int
    code: str
    name: str
    kind: str
    benefit: Decimal
    reason: str
    hint: str


class NearMissOut(Schema):
    scheme_id: int
    code: str
    name: str
    reason_code: str
    message: str
    shortfall: Decimal | None


class SuggestionOut(Schema):
    outlet_id: int
    outlet_code: str
    suggestion_id: int | None = Field(None, description="The recorded suggestion (POST); none for a preview (GET).")
    given_at: datetime | None = None
    valid_until: datetime | None = None
    today: date
    cycle_days: int
    cycle_derived: bool = Field(description="False: fewer than two orders in 26 weeks, a 7-day cycle assumed.")
    orders_in_window: int
    last_order_on: date | None
    next_order_on: date
    cover_days: int
    shelf_counted: bool
    fallback: str = Field(description="`no_history`: must-sell and channel best-sellers only.")
    lines: list[LineOut]
    must_sell: list[MustSellOut]
    schemes_applied: list[SchemeAppliedOut]
    near_misses: list[NearMissOut]
    schemes_error: str
    basket_total: Decimal | None


class GivenOut(Schema):
    id: int
    outlet_id: int
    outlet_code: str = Field(alias="outlet.code")
    distributor_id: int
    given_by_id: int | None
    given_at: datetime
    valid_until: datetime
    through: str
    cycle_days: int
    shelf_counted: bool
    fallback: str


class GivenFilter(Schema):
    outlet_id: int | None = Field(None, ge=1, le=MAX_ID)
    given_by_id: int | None = Field(None, ge=1, le=MAX_ID)
    distributor_id: int | None = Field(None, ge=1, le=MAX_ID)


class TallyOut(Schema):
    key: int | str | None
    label: str
    suggestions: int
    lines: int
    accepted: int
    pending_lines: int
    share: Decimal | None


class KpiOut(Schema):
    date_from: date
    date_to: date
    valid_days: int
    overall: TallyOut
    by_rep: list[TallyOut]
    by_distributor: list[TallyOut]
    by_week: list[TallyOut]


class KpiFilter(Schema):
    date_from: date | None = None
    date_to: date | None = None
    distributor_id: int | None = Field(None, ge=1, le=MAX_ID)
    given_by_id: int | None = Field(None, ge=1, le=MAX_ID)


class MustSellItemIn(Schema):
    sku_id: Id
    quantity: int | None = Field(None, description="Starter quantity in base units; none: one case.")


class MustSellListIn(Schema):
    code: str = Field(max_length=32)
    name: str = Field(max_length=120)
    channel: str = ""
    outlet_class: str = ""
    is_active: bool = True
    items: list[MustSellItemIn] = []


class MustSellListPatch(Schema):
    name: str = Field(max_length=120)
    channel: str = ""
    outlet_class: str = ""
    is_active: bool = True
    items: list[MustSellItemIn] | None = None


class MustSellItemOut(Schema):
    sku_id: int
    sku_code: str = Field(alias="sku.code")
    quantity: int | None


class MustSellListOut(Schema):
    id: int
    code: str
    name: str
    channel: str
    outlet_class: str
    is_active: bool
    items: list[MustSellItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class GivenLineOut(Schema):
    sku_id: int
    sku_code: str = Field(alias="sku.code")
    quantity: int
    in_cases: bool
    basis: str
    reason: str
    figures: dict
    accepted: bool | None = Field(None, description="None: pending or not suggested (quantity 0).")


class GivenDetailOut(GivenOut):
    superseded_at: datetime | None
    status: str = Field(description="`decided` (the next order came or the validity ended) or `pending`.")
    accepted_lines: int
    suggested_lines: int
    lines: list[GivenLineOut] = Field(alias="lines_out")
