"""Price lists and schemes from CSV/XLSX, with the same row-by-row dry run as master data.

Price lists: one row per (list, SKU): the first row of a list code creates the draft list from its
header cells, every row sets one SKU's prices; a list that is no longer a draft is not changed.
Schemes: one row per scheme, created or updated as a draft; lists of codes (targets, slabs,
combo items) are separated by ``|``: slabs ``5-9:2|10-:4``, combo ``SKU-1:6|SKU-2:2``.
Activation stays a deliberate step on the page or the API.
"""

from __future__ import annotations

from datetime import date

from distra.catalog.models import SKU, Brand, Category
from distra.geography.models import GeoNode
from distra.partners.models import Distributor, Outlet
from distra.pricing import services
from distra.pricing.models import PriceList, PriceListItem, Scheme

from .base import (
    CREATED,
    SERVICE_ERRORS,
    UPDATED,
    CellError,
    Column,
    KindImporter,
    Reference,
    RowProblems,
    bulk_by_code,
    decimal_or_none,
    finish,
    integer_or_none,
    snapshot,
    text_or_omit,
)


def date_or_none(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CellError("invalid_date", f"{value} is not a date (YYYY-MM-DD).") from exc


def split(value: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in (value or "").split("|") if part.strip()))


class PriceListImporter(KindImporter):
    kind = "price_lists"
    model = PriceList
    columns = (
        Column("price_list_code", required=True),
        Column("name", "name"),
        Column("valid_from", "valid_from", date_or_none),
        Column("valid_to", "valid_to", date_or_none),
        Column("priority", "priority", integer_or_none),
        Column("geography_code"),
        Column("channel", "channel"),
        Column("outlet_class", "outlet_class"),
        Column("distributor_code"),
        Column("outlet_code"),
        Column("sku_code", required=True),
        Column("selling_price", required=True),
        Column("landing_price"),
    )
    references = {
        "geography": Reference("geography_code", GeoNode, "geography node"),
        "distributor": Reference("distributor_code", Distributor, "distributor"),
        "outlet": Reference("outlet_code", Outlet, "outlet"),
    }

    def prepare(self, rows):
        codes = {row.get("price_list_code") for row in rows} - {"", None}
        self.lists = bulk_by_code(PriceList.objects.all(), codes)
        self.skus = bulk_by_code(SKU.objects.all(), {row.get("sku_code") for row in rows} - {"", None})
        self.referenced = {name: bulk_by_code(ref.model.objects.for_user(self.user), {row.get(ref.column) for row in rows} - {"", None})
                           for name, ref in self.references.items()}

    def apply(self, row):
        problems = RowProblems()
        values = self.parse(row, problems)
        for name, ref in self.references.items():
            values[name] = self.lookup(self.referenced[name], row, ref.column, ref.label, problems)
        sku = self.lookup(self.skus, row, "sku_code", "SKU", problems)
        item = {"sku": sku, "selling_price": row.get("selling_price"), "landing_price": row.get("landing_price") or None}
        code = row["price_list_code"]
        existing = self.lists.get(code)
        if problems:
            return finish(problems, CREATED)
        columns = {**self.field_columns(), **{name: ref.column for name, ref in self.references.items()},
                   "items[0].sku_id": "sku_code", "items[0].selling_price": "selling_price", "items[0].landing_price": "landing_price"}
        try:
            if existing is None:
                values = {k: v for k, v in values.items() if v is not None or k in ("valid_to",)}
                self.lists[code] = services.price_list_create(by=self.user, code=code, items=[item], **values)
                return finish(problems, CREATED)
            had = PriceListItem.objects.filter(price_list=existing, sku=sku).first()
            services.price_list_item_set(by=self.user, price_list=existing, sku=sku, selling_price=item["selling_price"],
                                         landing_price=item["landing_price"])
        except SERVICE_ERRORS as exc:
            problems.add_error(exc, columns, code_column="price_list_code")
            return finish(problems, CREATED)
        return finish(problems, UPDATED if had else CREATED, snapshot(had) if had else None, ("changed",))

    @staticmethod
    def export_queryset(user):
        from distra.pricing.selectors import price_list_list

        lists = price_list_list(user=user).values("pk")
        return PriceListItem.objects.filter(price_list__in=lists).select_related(
            "price_list__geography", "price_list__distributor", "price_list__outlet", "sku").order_by("price_list__code", "sku__code")

    @staticmethod
    def export_row(item: PriceListItem) -> list:
        pl = item.price_list
        return [pl.code, pl.name, pl.valid_from, pl.valid_to or "", pl.priority, getattr(pl.geography, "code", ""), pl.channel,
                pl.outlet_class, getattr(pl.distributor, "code", ""), getattr(pl.outlet, "code", ""), item.sku.code,
                item.selling_price, item.landing_price]


TARGET_COLUMNS = {  # column -> (payload key, model; None: the values themselves)
    "channels": ("channels", None), "outlet_classes": ("outlet_classes", None), "geography_codes": ("geography_ids", GeoNode),
    "distributor_codes": ("distributor_ids", Distributor), "outlet_codes": ("outlet_ids", Outlet), "sku_codes": ("sku_ids", SKU),
    "category_codes": ("category_ids", Category), "brand_codes": ("brand_ids", Brand),
}


class SchemeImporter(KindImporter):
    kind = "schemes"
    model = Scheme
    columns = (
        Column("code", "code", required=True),
        Column("name", "name", required=True),
        Column("kind", "kind", required=True),
        Column("description", "description"),
        Column("valid_from", "valid_from", date_or_none, required=True),
        Column("valid_to", "valid_to", date_or_none),
        Column("priority", "priority", integer_or_none),
        Column("stacking", "stacking", text_or_omit),
        Column("funding_share_pct", "funding_share_pct", decimal_or_none),
        Column("percent", "percent", decimal_or_none),
        Column("amount", "amount", decimal_or_none),
        Column("per", "per", text_or_omit),
        Column("slabs"),
        Column("buy_quantity", "buy_quantity", integer_or_none),
        Column("free_quantity", "free_quantity", integer_or_none),
        Column("free_sku_code"),
        Column("max_free_per_order", "max_free_per_order", integer_or_none),
        Column("combo"),
        Column("min_last_quarter_value", "min_last_quarter_value", decimal_or_none),
        *(Column(name) for name in TARGET_COLUMNS),
        Column("budget_basis", "budget_basis", text_or_omit),
        Column("budget"),
    )
    references = {"free_sku": Reference("free_sku_code", SKU, "SKU")}

    def prepare(self, rows):
        super().prepare(rows)
        self.codes = {column: bulk_by_code(model.objects.for_user(self.user), {c for row in rows for c in split(row.get(column, ""))})
                      for column, (_, model) in TARGET_COLUMNS.items() if model is not None}
        self.skus = bulk_by_code(SKU.objects.all(), {c.split(":")[0].strip() for row in rows for c in split(row.get("combo", ""))})

    def _extras(self, row, problems: RowProblems) -> dict:
        targets = {}
        for column, (key, model) in TARGET_COLUMNS.items():
            codes = split(row.get(column, ""))
            if model is None:
                targets[key] = codes
                continue
            missing = [c for c in codes if c not in self.codes[column]]
            if missing:
                problems.add(column, "not_found", f"Not found in your scope: {', '.join(missing)}.")
            targets[key] = [self.codes[column][c].pk for c in codes if c in self.codes[column]]
        slabs = []
        for part in split(row.get("slabs", "")):
            bounds, _, pct = part.partition(":")
            low, _, high = bounds.partition("-")
            slabs.append({"min": low.strip(), "max": high.strip() or None, "percent": pct.strip()})
        combo = []
        for part in split(row.get("combo", "")):
            code, _, qty = part.partition(":")
            sku = self.skus.get(code.strip())
            if sku is None or not qty.strip().isdigit():
                problems.add("combo", "invalid_combo", f"{part}: write SKU-CODE:units per set.")
                continue
            combo.append({"sku_id": sku.pk, "quantity": int(qty)})
        budget = row.get("budget", "")
        return {"targets": targets, "slabs": slabs, "combo_items": combo, "budgets": [{"limit": budget}] if budget else []}

    def apply(self, row):
        problems = RowProblems()
        values = self.parse(row, problems)
        values["free_sku"] = self.lookup(self.referenced["free_sku"], row, "free_sku_code", "SKU", problems)
        values.update(self._extras(row, problems))
        values = {k: v for k, v in values.items() if v is not None or k in ("valid_to", "free_sku")}
        existing = self.existing.get(row["code"])
        columns = {**self.field_columns(), "free_sku_id": "free_sku_code", "combo_items": "combo", "budgets": "budget",
                   **{key: column for column, (key, _) in TARGET_COLUMNS.items()}}
        if problems:
            return finish(problems, CREATED)
        try:
            if existing is None:
                services.scheme_create(by=self.user, **values)
                return finish(problems, CREATED)
            values.pop("code")
            services.scheme_update(by=self.user, scheme=existing, **values)
        except SERVICE_ERRORS as exc:
            for name in getattr(exc, "fields", {}):
                if name.startswith(("slabs[", "combo_items[", "budgets[")):
                    columns[name] = name.split("[")[0].replace("combo_items", "combo").replace("budgets", "budget")
            problems.add_error(exc, columns)
            return finish(problems, CREATED)
        return finish(problems, UPDATED, ("before",), ("after",))

    @staticmethod
    def export_queryset(user):
        from distra.pricing.selectors import scheme_detail

        return scheme_detail(user=user).order_by("code")

    @staticmethod
    def export_row(s: Scheme) -> list:
        targets = list(s.targets.all())
        by_column = {"channels": [t.value for t in targets if t.kind == "channel"],
                     "outlet_classes": [t.value for t in targets if t.kind == "outlet_class"],
                     "geography_codes": [t.geography.code for t in targets if t.geography_id],
                     "distributor_codes": [t.distributor.code for t in targets if t.distributor_id],
                     "outlet_codes": [t.outlet.code for t in targets if t.outlet_id], "sku_codes": [t.sku.code for t in targets if t.sku_id],
                     "category_codes": [t.category.code for t in targets if t.category_id],
                     "brand_codes": [t.brand.code for t in targets if t.brand_id]}
        overall = next((b.limit for b in s.budgets.all() if b.distributor_id is None), "")
        slabs = "|".join(f"{x['min']}-{x['max'] or ''}:{x['percent']}" for x in s.slabs)
        codes = SKU.objects.in_bulk([x["sku_id"] for x in s.combo_items]) if s.combo_items else {}
        combo = "|".join(f"{codes[x['sku_id']].code}:{x['quantity']}" for x in s.combo_items if x["sku_id"] in codes)
        return [s.code, s.name, s.kind, s.description, s.valid_from, s.valid_to or "", s.priority, s.stacking, s.funding_share_pct,
                s.percent or "", s.amount or "", s.per, slabs, s.buy_quantity or "", s.free_quantity or "",
                getattr(s.free_sku, "code", ""), s.max_free_per_order or "", combo, s.min_last_quarter_value or "",
                *("|".join(by_column[c]) for c in TARGET_COLUMNS), s.budget_basis, overall]
