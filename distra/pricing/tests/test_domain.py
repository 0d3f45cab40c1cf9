"""The engine's worked examples, each checkable by hand (no database)."""

from dataclasses import replace
from decimal import Decimal as D

import pytest

from distra.pricing.domain import (
    AMOUNT_OFF,
    COMBO,
    FIRST_ORDER,
    FREE_GOODS,
    PERCENT_OFF,
    QUANTITY_SLAB,
    VALUE_SLAB,
    price_basket,
    reprice_difference,
)
from distra.pricing.tests.facts import DAY, OUTLET, SKUS, price_list, scheme, slabs

BRAND_WIDE = price_list(1, "PL-ALL", {1: (D("9.50"), D("8.00")), 2: (D("29.00"), D("25.00")), 3: (D("7.00"), D("6.00"))})


def quote(lines, schemes=(), lists=(BRAND_WIDE,), outlet=OUTLET, **kw):
    return price_basket(outlet=outlet, lines=lines, skus=SKUS, price_lists=lists, schemes=schemes, on=DAY, **kw)


def line(basket, sku_id):
    return next(ln for ln in basket.lines if ln.sku_id == sku_id)


# Prices -------------------------------------------------------------------------------------------

def test_without_a_price_list_the_catalog_base_price_applies():
    basket = quote([(1, 10)], lists=())
    first = basket.lines[0]
    assert (first.unit_price, first.gross, first.tax, first.total) == (D("10.00"), D("100.00"), D("18.00"), D("118.00"))
    assert first.price_list_id is None
    assert "base price" in first.price_reason


def test_the_most_specific_price_list_wins_and_says_why():
    geo = price_list(2, "PL-NORTH", {1: (D("9.00"), D("7.50"))}, geo_path="/1/2/")
    channel = price_list(3, "PL-GT", {1: (D("9.20"), D("7.60"))}, channel="general_trade", priority=50)
    outlet = price_list(4, "PL-O1", {1: (D("8.80"), D("7.00"))}, outlet_id=1)
    other_outlet = price_list(5, "PL-O2", {1: (D("1.00"), D("1.00"))}, outlet_id=2)
    first = quote([(1, 10)], lists=[BRAND_WIDE, geo, channel, outlet, other_outlet]).lines[0]
    assert (first.price_list_code, first.unit_price, first.landing_price, first.margin) == ("PL-O1", D("8.80"), D("7.00"), D("1.80"))
    assert "outlet" in first.price_reason
    assert "most specific of 4" in first.price_reason
    # Without the outlet's list, geography (deeper than brand-wide) beats a channel list even of higher priority.
    assert quote([(1, 10)], lists=[BRAND_WIDE, geo, channel]).lines[0].price_list_code == "PL-NORTH"


def test_equal_specificity_ties_go_to_priority_then_the_later_start_then_the_code():
    a = price_list(2, "PL-A", {1: (D("9.00"), D("8"))}, priority=1)
    b = price_list(3, "PL-B", {1: (D("9.10"), D("8"))}, priority=2)
    assert quote([(1, 1)], lists=[a, b]).lines[0].price_list_code == "PL-B"
    later = price_list(4, "PL-C", {1: (D("9.20"), D("8"))}, priority=2, valid_from=DAY)
    assert quote([(1, 1)], lists=[a, b, later]).lines[0].price_list_code == "PL-C"
    twin = price_list(5, "PL-0", {1: (D("9.30"), D("8"))}, priority=2, valid_from=DAY)
    assert quote([(1, 1)], lists=[a, b, later, twin]).lines[0].price_list_code == "PL-0"


def test_a_scheduled_price_list_applies_from_its_first_day_only():
    future = price_list(2, "PL-APRIL", {1: (D("9.90"), D("8"))}, valid_from=DAY.replace(month=4))
    assert quote([(1, 1)], lists=[BRAND_WIDE, future]).lines[0].unit_price == D("9.50")
    on_april = price_basket(outlet=OUTLET, lines=[(1, 1)], skus=SKUS, price_lists=[BRAND_WIDE, future], schemes=(), on=DAY.replace(month=4))
    assert on_april.lines[0].unit_price == D("9.90")


def test_a_price_above_the_mrp_is_never_used():
    # 17.00 + 18 % = 20.06 > MRP 20.00: the list is passed over for this SKU.
    dear = price_list(2, "PL-DEAR", {1: (D("17.00"), D("8"))}, outlet_id=1)
    assert quote([(1, 1)], lists=[BRAND_WIDE, dear]).lines[0].price_list_code == "PL-ALL"


# Schemes, one kind at a time ---------------------------------------------------------------------

def test_percentage_off():
    # 10 x 9.50 = 95.00; 5 % = 4.75; net 90.25; tax 18 % = 16.245 -> 16.25; total 106.50.
    first = quote([(1, 10)], [scheme(1, "P5", PERCENT_OFF, percent=D(5))]).lines[0]
    assert (first.gross, first.discount, first.net, first.tax, first.total) == (D("95.00"), D("4.75"), D("90.25"), D("16.25"), D("106.50"))
    assert first.applied[0].reason == "5 % off"


def test_amount_off_per_case_counts_whole_cases_only():
    # 30 units = 2 full cases of 12 (6 loose): 2 x 3.00 = 6.00 off.
    first = quote([(1, 30)], [scheme(1, "A3", AMOUNT_OFF, amount=D("3.00"), per="case")]).lines[0]
    assert first.discount == D("6.00")
    basket = quote([(1, 11)], [scheme(1, "A3", AMOUNT_OFF, amount=D("3.00"), per="case")])
    assert basket.lines[0].discount == 0
    assert basket.not_applied[0].message == "needs at least 1 full case of a targeted SKU"


SLAB = scheme(1, "QS", QUANTITY_SLAB, per="case", slabs=slabs((5, 9, 2), (10, None, 4)))


def test_quantity_slabs_in_cases_with_the_upsell():
    # 4 cases: below the first slab, 1 more case for 2 %.
    below = quote([(1, 48)], [SLAB])
    assert below.not_applied[0].message == "needs 1 more cases for the 2 % slab"
    assert below.not_applied[0].shortfall == 1
    # 8 cases = 96 units x 9.50 = 912.00; 2 % = 18.24; 2 more cases for the 4 % slab.
    middle = quote([(1, 96)], [SLAB]).lines[0]
    assert middle.discount == D("18.24")
    assert middle.applied[0].hint == "2 more cases for the 4 % slab"
    top = quote([(1, 120)], [SLAB]).lines[0]  # 10 cases: 1140.00 x 4 % = 45.60
    assert top.discount == D("45.60")
    assert top.applied[0].hint == ""


def test_a_category_target_includes_its_child_categories():
    # Category path /1/ is the parent of BISC (/1/2/) and OIL (/1/5/), not of SOAP (/7/).
    s = scheme(1, "CAT", PERCENT_OFF, percent=D(10), category_paths=("/1/",))
    basket = quote([(1, 10), (2, 1), (3, 10)], [s])
    assert [ln.discount for ln in basket.lines] == [D("9.50"), D("2.90"), D("0.00")]


def test_free_goods_buy_ten_get_one_never_a_fraction_and_capped():
    s = scheme(1, "B10G1", FREE_GOODS, buy=10, free=1, max_free=3)
    assert quote([(2, 9)], [s]).not_applied[0].message == "needs 10 units of one targeted SKU for 1 free"
    applied = quote([(2, 25)], [s]).lines[0].applied[0]  # 25 // 10 = 2 free, at 29.00 each
    assert (applied.free_quantity, applied.free_sku_id, applied.benefit, applied.discount) == (2, 2, D("58.00"), D("0.00"))
    assert quote([(2, 99)], [s]).lines[0].applied[0].free_quantity == 3  # 9 earned, capped at 3


def test_free_goods_of_another_sku_pool_the_targeted_lines():
    # Buy 2 cases of BISC or OIL (whole cases, pooled), get 1 SOAP free; free units booked on the biggest line.
    s = scheme(1, "SOAPFREE", FREE_GOODS, buy=2, free=1, per="case", free_sku_id=3, brand_ids=frozenset({1}))
    basket = quote([(1, 24), (2, 12)], [s])  # 2 cases + 2 cases = 4 -> 2 free soaps at 7.00, on OIL (348.00 > 228.00)
    applied = line(basket, 2).applied[0]
    assert (applied.free_quantity, applied.free_sku_id, applied.benefit) == (2, 3, D("14.00"))
    assert basket.free_goods == [(1, 3, 2)]
    assert basket.total == line(basket, 1).total + line(basket, 2).total


def test_order_value_slabs_with_the_upsell():
    s = scheme(1, "VS", VALUE_SLAB, slabs=slabs((1000, 5000, 1), (5000, None, 3)))
    short = quote([(1, 100)], [s])  # 950.00: needs 50.00 more
    assert short.not_applied[0].message == "needs 50.00 more for the 1 % slab"
    assert short.not_applied[0].shortfall == D("50.00")
    basket = quote([(1, 200), (2, 100)], [s])  # 1900 + 2900 = 4800: 1 %, 200.00 more for 3 %
    assert [ln.discount for ln in basket.lines] == [D("19.00"), D("29.00")]
    assert basket.lines[0].applied[0].hint == "200.00 more for the 3 % slab"


def test_combo_needs_every_sku_and_discounts_whole_sets():
    s = scheme(1, "KIT", COMBO, percent=D(10), combo=((1, 6), (2, 2)))
    assert quote([(1, 12)], [s]).not_applied[0].message == "needs 2 more units of OIL to complete the combo"
    basket = quote([(1, 13), (2, 5)], [s])  # sets = min(13 // 6, 5 // 2) = 2
    assert line(basket, 1).discount == D("11.40")  # 12 x 9.50 x 10 %
    assert line(basket, 2).discount == D("11.60")  # 4 x 29.00 x 10 %


def test_first_order_of_a_new_outlet_only():
    s = scheme(1, "WELCOME", FIRST_ORDER, percent=D(3))
    assert quote([(1, 100)], [s]).lines[0].discount == D("28.50")
    again = quote([(1, 100)], [s], outlet=replace(OUTLET, previous_orders=1))
    assert again.lines[0].discount == 0
    assert again.not_applied[0].reason_code == "not_first_order"


def test_targeting_by_outlet_and_performance_tier():
    s = scheme(1, "GOLD", PERCENT_OFF, percent=D(2), channels=frozenset({"general_trade"}), min_last_quarter_value=D("10000"))
    basket = quote([(1, 10)], [s], outlet=replace(OUTLET, last_quarter_value=D("9000")))
    assert basket.not_applied[0].reason_code == "below_tier"
    assert basket.not_applied[0].shortfall == D("1000.00")
    assert quote([(1, 10)], [s], outlet=replace(OUTLET, last_quarter_value=D("10000"))).lines[0].discount == D("1.90")
    elsewhere = replace(s, geo_paths=("/1/9/",))
    assert quote([(1, 10)], [elsewhere], outlet=replace(OUTLET, last_quarter_value=D("10000"))).not_applied == ()


def test_outside_its_window_a_scheme_is_not_considered():
    s = scheme(1, "MARCH", PERCENT_OFF, percent=D(5), valid_from=DAY.replace(day=11))
    assert quote([(1, 10)], [s]).lines[0].discount == 0


# Stacking, funding, budgets ---------------------------------------------------------------------

def test_combinable_schemes_add_up_on_the_gross():
    a, b = scheme(1, "A", PERCENT_OFF, percent=D(5)), scheme(2, "B", PERCENT_OFF, percent=D(2))
    first = quote([(1, 100)], [b, a]).lines[0]  # 950.00: 47.50 + 19.00
    assert first.discount == D("66.50")
    assert [x.code for x in first.applied] == ["A", "B"]


def test_an_exclusive_scheme_of_higher_priority_wins_the_line():
    top = scheme(1, "EXCL", PERCENT_OFF, percent=D(3), stacking="exclusive", priority=10)
    low = scheme(2, "LOW", PERCENT_OFF, percent=D(5))
    basket = quote([(1, 100)], [low, top])
    assert [x.code for x in basket.lines[0].applied] == ["EXCL"]
    assert basket.lines[0].discount == D("28.50")
    assert basket.not_applied[0].code == "LOW"
    assert basket.not_applied[0].reason_code == "stacked_out"
    # Lower priority, it applies only where nothing has applied yet.
    basket = quote([(1, 100), (3, 10)], [replace(top, priority=-1), replace(low, sku_ids=frozenset({1}))])
    assert [[x.code for x in ln.applied] for ln in basket.lines] == [["LOW"], ["EXCL"]]


def test_net_is_never_negative():
    s = scheme(1, "A", AMOUNT_OFF, amount=D("50.00"))
    first = quote([(1, 2)], [s, scheme(2, "B", PERCENT_OFF, percent=D(50))]).lines[0]
    assert (first.gross, first.discount, first.net) == (D("19.00"), D("19.00"), D("0.00"))


def test_funding_share_splits_the_benefit():
    first = quote([(1, 10)], [scheme(1, "CO", PERCENT_OFF, percent=D(10), funding_share=D(60))]).lines[0]
    assert (first.applied[0].benefit, first.applied[0].brand_funded) == (D("9.50"), D("5.70"))


def test_a_scheme_whose_budget_is_short_does_not_apply():
    s = scheme(1, "B", PERCENT_OFF, percent=D(10), budget_basis="value")
    assert quote([(1, 10)], [s], budget_left={1: D("9.50")}).lines[0].discount == D("0.95") * 10
    short = quote([(1, 10)], [s], budget_left={1: D("9.49")})
    assert short.lines[0].discount == 0
    assert short.not_applied[0].reason_code == "budget_exhausted"
    assert quote([(1, 10)], [s]).usage == {1: D("9.50")}


def test_quantity_budgets_count_units():
    s = scheme(1, "Q", FREE_GOODS, buy=10, free=1, budget_basis="quantity")
    assert quote([(2, 30)], [s]).usage == {1: D(3)}


def test_reprice_shows_the_difference_of_placed_lines():
    placed = quote([(1, 10), (2, 1)])
    dearer = price_list(2, "PL-NEW", {1: (D("9.80"), D("8"))}, valid_from=DAY)
    now = quote([(1, 10), (2, 1)], lists=[BRAND_WIDE, dearer])
    (diff,) = reprice_difference(placed=placed.lines, priced=now)
    assert (diff.sku_id, diff.was_unit_price, diff.now_unit_price, diff.difference) == (1, D("9.50"), D("9.80"), D("3.54"))


def test_one_line_per_sku():
    with pytest.raises(ValueError, match="one line per SKU"):
        quote([(1, 1), (1, 2)])
