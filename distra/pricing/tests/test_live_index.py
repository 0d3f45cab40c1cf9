"""The live index (distra.pricing.live.LiveIndex) picks exactly the schemes and price lists the
engine would consider out of all of them, so a quote priced with its picks is the quote priced
with everything (hypothesis, no database); and the quote's reads on the database: two
statements on a current cache, a change seen by the very next quote."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from distra.core.errors import NotFound
from distra.pricing import services
from distra.pricing.domain import (
    AMOUNT_OFF,
    COMBO,
    FREE_GOODS,
    PERCENT_OFF,
    VALUE_SLAB,
    OutletFacts,
    _may_touch,
    price_basket,
    price_list_applies,
    price_rank,
    scheme_rank,
)
from distra.pricing.live import LiveIndex
from distra.pricing.tests.conftest import bare_order, live_price_list, live_scheme
from distra.pricing.tests.facts import DAY, SKUS, START, price_list, scheme, slabs

FAST = settings(max_examples=60, deadline=None)
GEO = ["/1/", "/1/2/", "/1/2/3/", "/1/4/", "/5/"]
CHANNELS, CLASSES = ["general_trade", "modern_trade", "horeca"], ["A", "B", "C"]
PRODUCT_KEYS = {"sku_ids": st.frozensets(st.sampled_from([1, 2, 3, 9]), max_size=2),
                "brand_ids": st.frozensets(st.sampled_from([1, 2, 7]), max_size=1),
                "category_paths": st.lists(st.sampled_from(["/1/", "/1/2/", "/1/5/", "/7/", "/8/"]), max_size=2).map(tuple)}
outlets = st.builds(OutletFacts, outlet_id=st.integers(1, 3), distributor_id=st.integers(10, 12), geo_path=st.sampled_from(GEO[2:] + ["/5/6/"]),
                    channel=st.sampled_from(CHANNELS), outlet_class=st.sampled_from(CLASSES),
                    previous_orders=st.integers(0, 1), last_quarter_value=st.sampled_from([D(0), D(5000)]))


def targeted_scheme(pk: int):
    window = st.tuples(st.integers(-20, 5), st.one_of(st.none(), st.integers(-5, 30)))
    kind = st.sampled_from([PERCENT_OFF, AMOUNT_OFF, FREE_GOODS, VALUE_SLAB, COMBO])
    params = {"geo_paths": st.lists(st.sampled_from(GEO), max_size=2).map(tuple),
              "channels": st.frozensets(st.sampled_from(CHANNELS), max_size=2), "classes": st.frozensets(st.sampled_from(CLASSES), max_size=1),
              "distributor_ids": st.frozensets(st.integers(10, 12), max_size=2), "outlet_ids": st.frozensets(st.integers(1, 3), max_size=1),
              **PRODUCT_KEYS, "priority": st.integers(0, 3), "stacking": st.sampled_from(["combinable", "exclusive"])}

    def make(kind, window, combo_skus, **targets):
        start, end = window
        valid = {"valid_from": DAY + timedelta(days=start), "valid_to": None if end is None else DAY + timedelta(days=start + abs(end))}
        by_kind = {PERCENT_OFF: {"percent": D(2)}, AMOUNT_OFF: {"amount": D("0.50")}, FREE_GOODS: {"buy": 5, "free": 1},
                   VALUE_SLAB: {"slabs": slabs((10, None, 1))}, COMBO: {"percent": D(3), "combo": tuple((s, 2) for s in sorted(combo_skus))}}
        if kind == COMBO:
            targets = {k: v for k, v in targets.items() if k not in PRODUCT_KEYS}
        return scheme(pk, f"S{pk:02d}", kind, **valid, **by_kind[kind], **targets)

    return st.builds(make, kind, window, st.frozensets(st.sampled_from([1, 2, 3, 9]), min_size=1, max_size=2), **params)


schemes = st.lists(st.integers(1, 60), max_size=12, unique=True).flatmap(lambda ids: st.tuples(*[targeted_scheme(i) for i in ids]))
lists = st.lists(st.builds(lambda pk, prio, geo, channel, dist, outlet, late: price_list(
    pk, f"PL-{pk}", {1: (D("9.00"), D("8.00")), 2: (D(40 + pk % 5), D(35)), 3: (D("7.50"), D(6))}, priority=prio, geo_path=geo, channel=channel,
    distributor_id=dist, outlet_id=outlet, valid_from=START + timedelta(days=200 if late else 0)),
    st.integers(1, 500), st.integers(0, 2), st.sampled_from(["", *GEO]), st.sampled_from(["", *CHANNELS]), st.sampled_from([None, 10, 11]),
    st.sampled_from([None, 1, 2]), st.booleans()), max_size=6, unique_by=lambda pl: pl.id)
baskets = st.dictionaries(st.sampled_from([1, 2, 3]), st.integers(1, 120), min_size=1).map(lambda d: sorted(d.items()))


@FAST
@given(schemes, lists, outlets, baskets)
def test_the_index_picks_exactly_what_the_engine_considers_and_prices_the_same(ss, pls, outlet, lines):
    index = LiveIndex(ss, pls)
    keys = set().union(*(SKUS[sku_id].keys for sku_id, _ in lines))
    considered = sorted((s for s in ss if s.valid_on(DAY) and s.targets_outlet(outlet) and _may_touch(s, frozenset(keys))), key=scheme_rank)
    picked = index.schemes_for(outlet, DAY, keys)
    assert picked == considered
    assert list(index.price_lists_for(outlet, DAY)) == sorted((pl for pl in pls if price_list_applies(pl, outlet, DAY)), key=price_rank)
    everything = price_basket(outlet=outlet, lines=lines, skus=SKUS, price_lists=pls, schemes=ss, on=DAY)
    indexed = price_basket(outlet=outlet, lines=lines, skus=SKUS, price_lists=index.price_lists_for(outlet, DAY), schemes=picked, on=DAY)
    assert indexed == everything


def test_the_index_remembers_lookups_per_outlet_and_day_without_mixing_them():
    near = scheme(1, "NEAR", PERCENT_OFF, percent=D(1), geo_paths=("/1/2/",), valid_to=DAY)
    index = LiveIndex([near], [])
    mine = OutletFacts(1, 10, "/1/2/3/", "general_trade", "A")
    other = OutletFacts(2, 10, "/1/4/9/", "general_trade", "A")
    assert [s.code for s in index.schemes_for(mine, DAY, {("s", 1)})] == ["NEAR"]
    assert index.schemes_for(other, DAY, {("s", 1)}) == []
    assert index.schemes_for(mine, DAY + timedelta(days=1), {("s", 1)}) == []
    assert [s.code for s in index.schemes_for(mine, DAY, {("s", 1)})] == ["NEAR"]


# On the database --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_quote_reads_two_statements_and_sees_a_price_change_on_the_next_quote(org, catalog):
    outlet, sku = org.outlets["O-DEL1-A"], catalog["SKU-1"]
    rep, lines = org.users["rep_del1"], [{"sku_id": sku.pk, "quantity": 100}]
    pl = live_price_list(org)  # SKU-1 at 7.00
    live_scheme(org, "B-10", percent=D(10), budget_basis="value", budgets=[{"limit": "1000.00"}])
    services.quote(by=rep, outlet_id=outlet.pk, lines=lines)  # warms the per-process cache
    with CaptureQueriesContext(connection) as queries:
        _, basket = services.quote(by=rep, outlet_id=outlet.pk, lines=lines)
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert (basket.lines[0].unit_price, basket.discount) == (D("7.00"), D("70.00"))
    live_price_list(org, "PL-OUTLET", items=[{"sku_id": sku.pk, "selling_price": "6.50", "landing_price": "6.00"}], outlet=outlet)
    assert services.quote(by=rep, outlet_id=outlet.pk, lines=lines)[1].lines[0].unit_price == D("6.50")
    services.price_list_transition(by=org.users["brand"], price_list=pl, to="paused")
    neighbour = services.quote(by=rep, outlet_id=org.outlets["O-DEL1-B"].pk, lines=lines)[1]
    assert (neighbour.lines[0].unit_price, neighbour.lines[0].price_list_code) == (D("7.50"), "")  # the catalog base price


@pytest.mark.django_db
def test_a_first_order_scheme_made_live_after_the_cache_warmed_reads_the_outlets_history(org, catalog):
    outlet, sku = org.outlets["O-DEL1-A"], catalog["SKU-1"]
    live_scheme(org, "P5")
    bare_order(org)  # the outlet has ordered before
    assert services.price_order_lines(outlet=outlet, lines=[(sku, 100)]).discount == D("37.50")  # no scheme needs history yet
    live_scheme(org, "WELCOME", "first_order", percent=D(2))
    basket = services.price_order_lines(outlet=outlet, lines=[(sku, 100)])
    assert [(n.code, n.reason_code) for n in basket.not_applied] == [("WELCOME", "not_first_order")]


@pytest.mark.django_db
def test_a_quote_for_an_outlet_out_of_scope_or_unknown_is_not_found_before_its_lines_are_read(org, catalog):
    lines = [{"sku_id": 10**9, "quantity": 0}]
    for outlet_id in (org.outlets["O-DEL1-A"].pk, 10**9):
        with pytest.raises(NotFound) as caught:
            services.quote(by=org.users["dist_four"], outlet_id=outlet_id, lines=lines)
        assert (caught.value.status, caught.value.code) == (404, "not_found")
