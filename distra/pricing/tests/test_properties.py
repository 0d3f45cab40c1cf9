"""Properties of the engine (hypothesis, no database): the same basket prices the same in any
order of lines, lists and schemes; net is never negative nor above gross; free units are whole
and within the cap; prices incl. tax never exceed the MRP; for one slab or free-goods scheme in
isolation, one more unit never lowers the benefit."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from distra.core.money import round_money
from distra.pricing.domain import (
    AMOUNT_OFF,
    FREE_GOODS,
    PERCENT_OFF,
    QUANTITY_SLAB,
    VALUE_SLAB,
    price_basket,
)
from distra.pricing.tests.facts import DAY, OUTLET, SKUS, price_list, scheme, slabs

FAST = settings(max_examples=30, deadline=None)
prices = st.decimals(min_value=D("0.50"), max_value=D("30.00"), places=2)
lists = st.lists(
    st.builds(lambda pk, prio, p1, p2, p3, outlet: price_list(pk, f"PL-{pk}", {1: (p1, p1), 2: (p2, p2), 3: (p3, p3)}, priority=prio,
                                                                outlet_id=1 if outlet else None),
              st.integers(1, 1000), st.integers(-2, 2), prices, prices, prices, st.booleans()),
    max_size=4, unique_by=lambda pl: pl.id)
pct = st.decimals(min_value=D("0.5"), max_value=D("60"), places=1)


def any_scheme(pk: int):
    return st.one_of(
        st.builds(lambda p, excl, prio: scheme(pk, f"S{pk}", PERCENT_OFF, percent=p, stacking="exclusive" if excl else "combinable", priority=prio),
                  pct, st.booleans(), st.integers(0, 2)),
        st.builds(lambda a: scheme(pk, f"S{pk}", AMOUNT_OFF, amount=a, sku_ids=frozenset({1})), prices),
        st.builds(lambda b, f, cap: scheme(pk, f"S{pk}", FREE_GOODS, buy=b, free=f, max_free=cap), st.integers(1, 20), st.integers(1, 3),
                  st.one_of(st.none(), st.integers(1, 10))),
        st.just(scheme(pk, f"S{pk}", QUANTITY_SLAB, per="case", slabs=slabs((2, 4, 2), (5, None, 5)))),
        st.just(scheme(pk, f"S{pk}", VALUE_SLAB, slabs=slabs((100, 500, 1), (500, None, 3)))),
    )


schemes = st.lists(st.integers(1, 50), max_size=5, unique=True).flatmap(lambda ids: st.tuples(*[any_scheme(i) for i in ids]))
baskets = st.dictionaries(st.sampled_from([1, 2, 3]), st.integers(1, 300), min_size=1).map(lambda d: list(d.items()))


def run(lines, pls, ss):
    return price_basket(outlet=OUTLET, lines=lines, skus=SKUS, price_lists=pls, schemes=ss, on=DAY)


def by_sku(basket):
    return {line.sku_id: line for line in basket.lines}


@FAST
@given(baskets, lists, schemes, st.randoms(use_true_random=False))
def test_the_same_basket_prices_the_same_in_any_order(lines, pls, ss, rnd):
    first = run(lines, pls, ss)
    shuffled = [list(x) for x in (lines, pls, ss)]
    for x in shuffled:
        rnd.shuffle(x)
    again = run(*shuffled)
    assert by_sku(first) == by_sku(again)
    assert (first.total, first.not_applied) == (again.total, again.not_applied)


@FAST
@given(baskets, lists, schemes)
def test_net_between_zero_and_gross_free_units_whole_and_prices_within_mrp(lines, pls, ss):
    basket = run(lines, pls, ss)
    for line in basket.lines:
        assert 0 <= line.net <= line.gross
        assert line.total == line.net + line.tax
        assert round_money(line.unit_price * (1 + line.tax_rate / 100)) <= SKUS[line.sku_id].mrp
        for applied in line.applied:
            assert isinstance(applied.free_quantity, int)
            assert applied.free_quantity >= 0
            assert 0 <= applied.brand_funded <= applied.benefit
    assert basket.total == sum(line.total for line in basket.lines)
    caps = {s.id: s.max_free for s in ss if s.kind == FREE_GOODS and s.max_free is not None}
    for scheme_id, _, free in basket.free_goods:
        assert free <= caps.get(scheme_id, free)


def _benefit(basket) -> D:
    return sum((a.benefit for line in basket.lines for a in line.applied), D(0))


single = st.one_of(
    st.builds(lambda b, f, cap: scheme(1, "F", FREE_GOODS, buy=b, free=f, max_free=cap), st.integers(1, 30), st.integers(1, 3),
              st.one_of(st.none(), st.integers(1, 5))).filter(lambda s: s.max_free is None),
    st.just(scheme(1, "Q", QUANTITY_SLAB, per="case", slabs=slabs((2, 4, 2), (5, 9, 4), (10, None, 6)))),
    st.just(scheme(1, "Q", QUANTITY_SLAB, slabs=slabs((10, 49, 1), (50, None, 2.5)))),
    st.just(scheme(1, "V", VALUE_SLAB, slabs=slabs((100, 500, 1), (500, None, 3)))),
)


@FAST
@given(st.sampled_from([1, 2, 3]), st.integers(1, 400), single, lists)
def test_one_more_unit_never_lowers_the_benefit_of_one_slab_or_free_goods_scheme(sku_id, qty, s, pls):
    assert _benefit(run([(sku_id, qty + 1)], pls, [s])) >= _benefit(run([(sku_id, qty)], pls, [s]))
