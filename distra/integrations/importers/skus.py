"""SKUs: one row per SKU, naming its brand and category by code."""

from __future__ import annotations

from distra.catalog import services
from distra.catalog.models import SKU, Brand, Category

from .base import Column, KindImporter, Reference, boolean_or_omit, decimal_or_none, integer_or_none


class SKUImporter(KindImporter):
    kind = "skus"
    model = SKU
    columns = (
        Column("code", "code", required=True),
        Column("gtin", "gtin", required=True),
        Column("name", "name", required=True),
        Column("brand_code", required=True),
        Column("category_code", required=True),
        Column("hsn_code", "hsn_code", required=True),
        Column("units_per_case", "units_per_case", integer_or_none, required=True),
        Column("case_weight_kg", "case_weight_kg", decimal_or_none, required=True),
        Column("case_volume_l", "case_volume_l", decimal_or_none, required=True),
        Column("mrp", "mrp", decimal_or_none, required=True),
        Column("base_price", "base_price", decimal_or_none, required=True),
        Column("tax_rate", "tax_rate", decimal_or_none, required=True),
        Column("shelf_life_days", "shelf_life_days", integer_or_none, required=True),
        Column("is_active", "is_active", boolean_or_omit),
    )
    references = {
        "brand": Reference("brand_code", Brand, "brand"),
        "category": Reference("category_code", Category, "category"),
    }

    def create(self, values):
        return services.sku_create(by=self.user, **values)

    def update(self, existing, values):
        return services.sku_update(by=self.user, sku=existing, **values)

    @staticmethod
    def export_queryset(user):
        from distra.catalog.selectors import sku_list

        return sku_list(user=user).order_by("code")

    @staticmethod
    def export_row(sku: SKU) -> list:
        return [
            sku.code, sku.gtin, sku.name, sku.brand.code, sku.category.code, sku.hsn_code, sku.units_per_case,
            sku.case_weight_kg, sku.case_volume_l, sku.mrp, sku.base_price, sku.tax_rate, sku.shelf_life_days,
            "true" if sku.is_active else "false",
        ]
