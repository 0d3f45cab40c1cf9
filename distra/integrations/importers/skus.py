"""SKUs: one row per SKU, naming its brand and category by code."""

from __future__ import annotations

from distra.catalog import services
from distra.catalog.models import SKU, Brand, Category

from .base import (
    CREATED,
    SERVICE_ERRORS,
    UNCHANGED,
    UPDATED,
    Column,
    KindImporter,
    RowProblems,
    boolean_or_omit,
    bulk_by_code,
    decimal_or_none,
    finish,
    integer_or_none,
    same_values,
    snapshot,
)


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
    service_columns = {"brand": "brand_code", "category": "category_code"}

    def prepare(self, rows):
        super().prepare(rows)
        self.brands = bulk_by_code(Brand.objects.for_user(self.user), {r.get("brand_code") for r in rows} - {"", None})
        self.categories = bulk_by_code(Category.objects.for_user(self.user), {r.get("category_code") for r in rows} - {"", None})

    def apply(self, row):
        problems = RowProblems()
        values = self.parse(row, problems)
        if "brand_code" in row:
            values["brand"] = self.lookup(self.brands, row, "brand_code", "brand", problems)
        if "category_code" in row:
            values["category"] = self.lookup(self.categories, row, "category_code", "category", problems)
        current = self.updatable(row["code"])
        if current is not None and not problems and same_values(current, values):
            return UNCHANGED
        existing = self.existing.get(row["code"])
        before = after = None
        try:
            if existing is None:
                outcome = CREATED
                services.sku_create(by=self.user, **values)
            else:
                outcome, before = UPDATED, snapshot(existing)
                after = snapshot(services.sku_update(by=self.user, sku=existing, **values))
        except SERVICE_ERRORS as exc:
            problems.add_error(exc, {**self.field_columns(), **self.service_columns})
        return finish(problems, outcome, before, after)

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
