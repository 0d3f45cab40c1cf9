from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from distra.core.api import Id, PatchIn

Money = Field(..., ge=0, max_digits=12, decimal_places=2)


class BrandOut(Schema):
    id: int
    code: str
    name: str


class BrandIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=120)


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    path: str


class CategoryIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=120)
    parent_id: Id | None = None


class SKUOut(Schema):
    id: int
    code: str
    gtin: str
    name: str
    brand_id: Id
    category_id: Id
    hsn_code: str
    units_per_case: int
    case_weight_kg: Decimal
    case_volume_l: Decimal
    mrp: Decimal
    base_price: Decimal
    tax_rate: Decimal
    shelf_life_days: int
    is_active: bool
    created_at: datetime
    updated_at: datetime


class SKUIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    gtin: str = Field(..., min_length=8, max_length=14)
    name: str = Field(..., min_length=1, max_length=200)
    brand_id: Id
    category_id: Id
    hsn_code: str = Field(..., min_length=4, max_length=8)
    units_per_case: int = Field(..., ge=1, le=100000)
    case_weight_kg: Decimal = Field(..., ge=0, max_digits=9, decimal_places=3)
    case_volume_l: Decimal = Field(..., ge=0, max_digits=9, decimal_places=3)
    mrp: Decimal = Money
    base_price: Decimal = Money
    tax_rate: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2)
    shelf_life_days: int = Field(..., ge=1, le=36500)
    is_active: bool = True


class SKUPatch(PatchIn):
    gtin: str | None = Field(None, min_length=8, max_length=14)
    name: str | None = Field(None, min_length=1, max_length=200)
    brand_id: Id | None = None
    category_id: Id | None = None
    hsn_code: str | None = Field(None, min_length=4, max_length=8)
    units_per_case: int | None = Field(None, ge=1, le=100000)
    case_weight_kg: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=3)
    case_volume_l: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=3)
    mrp: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    base_price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    tax_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    shelf_life_days: int | None = Field(None, ge=1, le=36500)
    is_active: bool | None = None


class CatalogFilter(Schema):
    search: str | None = Field(None, max_length=100)
    sort: Literal["code", "-code", "name", "-name"] = "name"


class CategoryFilter(CatalogFilter):
    parent_id: Id | None = None


class SKUFilter(Schema):
    brand_id: Id | None = None
    category_id: Id | None = Field(None, description="Includes the category's children")
    is_active: bool | None = None
    search: str | None = Field(None, max_length=100, description="Matches code, name or exact GTIN")
    sort: Literal["code", "-code", "name", "-name", "mrp", "-mrp", "base_price", "-base_price"] = "code"
