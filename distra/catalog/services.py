"""Every write to the catalog."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from distra.catalog.models import SKU, Brand, Category
from distra.core.errors import Conflict, FieldProblem, ValidationFailed
from distra.core.permissions import require_perm
from distra.core.services import apply_changes, save_validated
from distra.core.validators import normalize_gtin

SKU_FIELDS = {
    "code", "gtin", "name", "brand", "category", "hsn_code", "units_per_case", "case_weight_kg",
    "case_volume_l", "mrp", "base_price", "tax_rate", "shelf_life_days", "is_active",
}


@transaction.atomic
def brand_save(*, by, code: str, name: str) -> Brand:
    """Create the brand with ``code``, or rename it."""
    require_perm(by, "catalog.add_brand")
    brand = Brand.objects.filter(code=code).first() or Brand(code=code)
    brand.name = name
    return save_validated(brand)


@transaction.atomic
def category_create(*, by, code: str, name: str, parent: Category | None = None) -> Category:
    require_perm(by, "catalog.add_category")
    category = save_validated(Category(code=code, name=name, parent=parent), exclude=["path"])
    category.path = f"{parent.path if parent else '/'}{category.pk}/"
    Category.objects.filter(pk=category.pk).update(path=category.path)
    return category


def _normalize_sku(sku: SKU) -> None:
    try:
        sku.gtin = normalize_gtin(sku.gtin)
    except ValidationError as exc:
        raise ValidationFailed({"gtin": [FieldProblem(e.code or "invalid", str(e.message % (e.params or {}))) for e in exc.error_list]}) from exc


@transaction.atomic
def sku_create(*, by, **fields: Any) -> SKU:
    """Create a SKU; the GTIN's check digit and the MRP ceiling are checked."""
    require_perm(by, "catalog.add_sku")
    sku = SKU()
    apply_changes(sku, fields, SKU_FIELDS)
    _normalize_sku(sku)
    return save_validated(sku)


@transaction.atomic
def sku_update(*, by, sku: SKU, **changes: Any) -> SKU:
    require_perm(by, "catalog.change_sku")
    sku = SKU.objects.select_for_update().get(pk=sku.pk)
    apply_changes(sku, changes, SKU_FIELDS)
    _normalize_sku(sku)
    return save_validated(sku)


@transaction.atomic
def sku_delete(*, by, sku: SKU) -> None:
    require_perm(by, "catalog.delete_sku")
    try:
        sku.delete()
    except ProtectedError as exc:
        raise Conflict("The SKU is in use; deactivate it instead.", code="in_use") from exc


@transaction.atomic
def category_rename(*, by, category: Category, name: str) -> Category:
    require_perm(by, "catalog.change_category")
    category.name = name
    return save_validated(category, exclude=["path"])
