"""The demo's price lists and schemes, written through the pricing services (as the brand's
administrator would enter them): a brand-wide list, a modern-trade list, one distributor's
list and a price rise scheduled for next month; and a dozen live schemes of every kind and target,
live from the start of the history, some with budgets (overall and per distributor), one co-funded, one
exclusive, one paused and one still a draft."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from distra.accounts.choices import Role
from distra.accounts.models import User
from distra.catalog.models import SKU, Brand, Category
from distra.geography.choices import GeoKind
from distra.geography.models import GeoNode
from distra.partners.models import Distributor
from distra.pricing import services

CENT = Decimal("0.01")


def _price(sku: SKU, factor: str) -> Decimal:
    """``factor`` x the base price, never above what the MRP allows before tax."""
    ceiling = (sku.mrp / (1 + sku.tax_rate / 100)).quantize(CENT, rounding=ROUND_FLOOR)
    return min((sku.base_price * Decimal(factor)).quantize(CENT), ceiling)


def _items(skus, selling: str, landing: str) -> list[dict]:
    return [{"sku": s, "selling_price": _price(s, selling), "landing_price": _price(s, landing)} for s in skus]


def build_pricing(*, seed: int, start: date, today: date) -> dict[str, int]:
    """Write the demo's pricing; returns how many price lists and schemes it wrote."""
    rng = random.Random(seed)
    by = User.objects.filter(role=Role.ADMINISTRATOR).order_by("pk").first()
    skus = list(SKU.objects.filter(is_active=True).order_by("code"))
    if by is None or not skus:
        return {"price_lists": 0, "schemes": 0}
    distributors = list(Distributor.objects.order_by("code"))
    lists = [
        services.price_list_create(by=by, code="PL-INDIA", name="India list price", valid_from=start, items=_items(skus, "0.97", "0.88")),
        services.price_list_create(by=by, code="PL-MT", name="Modern trade", valid_from=start, channel="modern_trade",
                                   items=_items(skus[::2], "0.95", "0.87")),
        services.price_list_create(by=by, code="PL-NEXT", name="Price rise next month", valid_from=(today.replace(day=1) + timedelta(days=32)).replace(day=1),
                                   items=_items(skus, "0.99", "0.90")),
    ]
    if distributors:
        pick = distributors[rng.randrange(len(distributors))]
        lists.append(services.price_list_create(by=by, code=f"PL-{pick.code}", name=f"{pick.code} volume price", valid_from=start,
                                                distributor=pick, items=_items(skus[:20], "0.96", "0.86")))
    for pl in lists:
        services.price_list_transition(by=by, price_list=pl, to="active")
    schemes = _schemes(by, rng, skus, distributors, start)
    return {"price_lists": len(lists), "schemes": len(schemes)}


def _schemes(by, rng: random.Random, skus: list[SKU], distributors: list[Distributor], start: date) -> list:
    parents = list(Category.objects.filter(parent__isnull=True).order_by("code"))
    leaves = list(Category.objects.filter(parent__isnull=False).order_by("code"))
    brands = list(Brand.objects.order_by("code"))
    regions = list(GeoNode.objects.filter(kind=GeoKind.REGION).order_by("code"))
    pick = lambda rows: rows[rng.randrange(len(rows))] if rows else None  # noqa: E731
    sku_a, sku_b, sku_c = skus[0], skus[len(skus) // 2], skus[-1]
    one = pick(distributors)
    specs = [
        ("SCH-FEST5", "Festive 5 % off", "percent_off", {"percent": Decimal(5), "targets": {"category_ids": [c.pk for c in parents[:1]]}}),
        ("SCH-CASE20", "20 off per case", "amount_off", {"amount": Decimal(20), "per": "case",
                                                         "targets": {"brand_ids": [b.pk for b in brands[:1]]}}),
        ("SCH-SLAB", "Case slabs", "quantity_slab", {"per": "case", "slabs": [{"min": "5", "max": "9", "percent": "2"}, {"min": "10", "percent": "4"}],
                                                     "targets": {"category_ids": [c.pk for c in leaves[:2]]}, "budget_basis": "value",
                                                     "budgets": [{"limit": "250000"}]}),
        ("SCH-B10G1", "Buy 10 get 1", "free_goods", {"buy_quantity": 10, "free_quantity": 1, "max_free_per_order": 24,
                                                     "targets": {"sku_ids": [sku_b.pk]}, "budget_basis": "quantity", "budgets": [{"limit": "5000"}]}),
        ("SCH-FREEC", "Free sample with 2 cases", "free_goods", {"buy_quantity": 2, "free_quantity": 1, "per": "case", "free_sku": sku_c,
                                                                "max_free_per_order": 5, "targets": {"sku_ids": [sku_a.pk]}}),
        ("SCH-VALUE", "Order value slabs", "value_slab", {"slabs": [{"min": "10000", "max": "25000", "percent": "1"}, {"min": "25000", "percent": "2"}],
                                                          "budget_basis": "value", "budgets": [{"limit": "400000"}]
                                                          + ([{"distributor_id": one.pk, "limit": "60000"}] if one else [])}),
        ("SCH-COMBO", "Breakfast combo", "combo", {"percent": Decimal(8), "combo_items": [{"sku_id": sku_a.pk, "quantity": 6}, {"sku_id": sku_b.pk, "quantity": 6}]}),
        ("SCH-WELCOME", "Welcome, new outlet", "first_order", {"percent": Decimal(3)}),
        ("SCH-GOLD", "Gold outlets", "percent_off", {"percent": Decimal(1.5), "min_last_quarter_value": Decimal(20000),
                                                     "targets": {"outlet_classes": ["A"]}}),
        ("SCH-REGION", "Regional push (exclusive)", "percent_off", {"percent": Decimal(6), "stacking": "exclusive", "priority": 10,
                                                                   "targets": {"geography_ids": [r.pk for r in regions[:1]], "sku_ids": [sku_c.pk]}}),
        ("SCH-COFUND", "Co-funded MT offer", "percent_off", {"percent": Decimal(4), "funding_share_pct": Decimal(60),
                                                             "targets": {"channels": ["modern_trade"]}}),
        ("SCH-UNIT", "1.50 off per unit, one distributor", "amount_off", {"amount": Decimal("1.50"), "per": "unit", "targets": {
            "brand_ids": [b.pk for b in brands[-1:]], "distributor_ids": [one.pk] if one else []}}),
        ("SCH-PHARMA", "Pharmacy launch (paused)", "percent_off", {"percent": Decimal(7), "targets": {"channels": ["pharmacy"]}}),
        ("SCH-NEXT", "Next season (draft)", "amount_off", {"amount": Decimal(2), "targets": {"category_ids": [c.pk for c in parents[-1:]]}}),
    ]
    made = []
    for code, name, kind, fields in specs:
        scheme = services.scheme_create(by=by, code=code, name=name, kind=kind, valid_from=start, **fields)
        if code != "SCH-NEXT":
            services.scheme_transition(by=by, scheme=scheme, to="active")
        if code == "SCH-PHARMA":
            services.scheme_transition(by=by, scheme=scheme, to="paused", note="waiting for the pharmacy listing")
        made.append(scheme)
    return made


def fit_combo_to_history(history, *, today: date, days: int = 92) -> None:
    """Point the demo's combo scheme (SCH-COMBO) at the two SKUs the history's outlets buy together
    most often in the priced months, each at its lower-quartile line quantity, so that history and live
    orders meet it as often as a real bundle is met (the SKUs picked when the schemes were written
    know nothing of what the outlets buy). A setup step of the demo: it edits the live scheme's
    items in place and gives the pricing data a new token."""
    from collections import Counter

    from distra.pricing.models import Scheme
    from distra.pricing.services.common import bump_version

    since = today - timedelta(days=days)
    pairs: Counter = Counter()
    quantities: dict[str, list[int]] = {}
    for order in history.orders:
        if order.placed_at.date() < since:
            continue
        codes = sorted({line.sku_code for line in order.lines})
        for i, first in enumerate(codes):
            for second in codes[i + 1:]:
                pairs[(first, second)] += 1
        for line in order.lines:
            quantities.setdefault(line.sku_code, []).append(line.quantity)
    if not pairs:
        return
    (first, second), _count = min(pairs.items(), key=lambda item: (-item[1], item[0]))
    ids = dict(SKU.objects.filter(code__in=[first, second]).values_list("code", "pk"))
    quartile = {code: sorted(quantities[code])[len(quantities[code]) // 4] for code in (first, second)}
    items = [{"sku_id": ids[code], "quantity": quartile[code]} for code in (first, second)]
    if Scheme.objects.filter(code="SCH-COMBO").update(combo_items=items):
        bump_version()
