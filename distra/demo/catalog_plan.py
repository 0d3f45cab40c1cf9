"""The demo brand's catalog, planned without the database: brands, a category tree, SKUs."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from distra.demo.identifiers import gtin13
from distra.demo.reference import (
    BRANDS,
    CASE_SIZES,
    LEAF_CATEGORIES,
    MAX_MULTIPACK_SIZE,
    PACK_FORMATS,
    PARENT_CATEGORIES,
    CategorySpec,
)


@dataclass(frozen=True, slots=True)
class CategoryPlan:
    code: str
    name: str
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class SkuPlan:
    code: str
    gtin: str
    name: str
    brand_code: str
    category_code: str
    hsn_code: str
    units_per_case: int
    case_weight_kg: Decimal
    case_volume_l: Decimal
    mrp: Decimal
    base_price: Decimal
    tax_rate: Decimal
    shelf_life_days: int


@dataclass(frozen=True)
class CatalogPlan:
    brands: list[tuple[str, str]]
    categories: list[CategoryPlan]
    skus: list[SkuPlan]


def plan_catalog(rng: random.Random, sku_count: int) -> CatalogPlan:
    categories = [CategoryPlan(code, name, None) for code, name in PARENT_CATEGORIES]
    categories += [CategoryPlan(spec.code, spec.name, spec.parent) for spec in LEAF_CATEGORIES]
    company_prefixes = _company_prefixes(rng)
    next_item = {code: rng.randrange(100, 2000) for code, _ in BRANDS}
    brand_names = dict(BRANDS)
    per_category = _split_evenly(sku_count, len(LEAF_CATEGORIES))
    skus: list[SkuPlan] = []
    for spec, count in zip(LEAF_CATEGORIES, per_category, strict=True):
        line_price = {line: rng.uniform(*spec.price_per_100) for line in spec.lines}
        for i, (line, size, pack) in enumerate(_pick_variants(rng, spec, count), start=1):
            item = next_item[spec.brand]
            next_item[spec.brand] += rng.randint(1, 7)
            skus.append(
                _sku(rng, spec, i, line, size, pack, line_price[line], brand_names[spec.brand],
                     gtin13(company_prefixes[spec.brand], item))
            )
    return CatalogPlan(brands=list(BRANDS), categories=categories, skus=skus)


def _company_prefixes(rng: random.Random) -> dict[str, str]:
    prefixes = rng.sample(range(10000, 99999), len(BRANDS))
    return {code: str(prefix) for (code, _), prefix in zip(BRANDS, prefixes, strict=True)}


def _split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _pick_variants(rng: random.Random, spec: CategorySpec, count: int) -> list[tuple[str, int, tuple]]:
    variants = [
        (line, size, pack)
        for line in spec.lines
        for size in spec.sizes
        for pack in PACK_FORMATS
        if pack[1] == 1 or size <= MAX_MULTIPACK_SIZE
    ]
    if count > len(variants):
        raise ValueError(f"{spec.code} has only {len(variants)} variants, {count} wanted")
    chosen = rng.sample(variants, count)
    order = {line: i for i, line in enumerate(spec.lines)}
    return sorted(chosen, key=lambda v: (order[v[0]], v[1], v[2][1]))


def _size_label(size: int, unit: str) -> str:
    if size >= 1000:
        big = "kg" if unit == "g" else "L"
        return f"{size / 1000:g} {big}"
    return f"{size} {unit}"


def _nice_price(amount: float) -> Decimal:
    """Round an MRP to the price points printed on packs: whole rupees, 5s or 10s."""
    step = 1 if amount < 30 else 5 if amount < 200 else 10
    return Decimal(max(5, step * round(amount / step))).quantize(Decimal("0.01"))


def _sku(rng, spec: CategorySpec, index: int, line: str, size: int, pack: tuple, line_price: float, brand: str, gtin: str) -> SkuPlan:
    suffix, pack_units, pack_discount = pack
    # Price of 100 g or ml: the line's, a little noise, and small packs dearer per gram.
    per_100 = line_price * rng.uniform(0.95, 1.05) * (size / 100) ** -0.12
    mrp = _nice_price(per_100 * size / 100 * pack_units * pack_discount)
    tax = Decimal(spec.gst)
    margin = Decimal(str(round(rng.uniform(0.12, 0.22), 3)))
    # The brand's price to the trade leaves the retailer's and distributor's margin below MRP.
    base_price = (mrp / (1 + tax / 100) * (1 - margin)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    unit_kg = size * pack_units / 1000 * (1.03 if spec.unit == "ml" else 1.0)
    target_case_kg = rng.uniform(4, 12)
    units_per_case = min(CASE_SIZES, key=lambda n: abs(math.log(n * unit_kg / target_case_kg)))
    case_kg = units_per_case * unit_kg * 1.08  # cartons, wrappers, bottles
    return SkuPlan(
        code=f"{spec.code}-{index:03d}",
        gtin=gtin,
        name=f"{brand} {line} {_size_label(size, spec.unit)}{suffix}",
        brand_code=spec.brand,
        category_code=spec.code,
        hsn_code=spec.hsn,
        units_per_case=units_per_case,
        case_weight_kg=Decimal(f"{case_kg:.3f}"),
        case_volume_l=Decimal(f"{case_kg * spec.litres_per_kg:.3f}"),
        mrp=mrp,
        base_price=base_price,
        tax_rate=tax,
        shelf_life_days=rng.randint(*spec.shelf_life),
    )
