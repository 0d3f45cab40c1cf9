"""Price lists, schemes, quoting for the order flow and budgets, on the database."""

import time
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from distra.core.errors import DomainError, ValidationFailed
from distra.pricing import services
from distra.pricing.models import (
    PriceList,
    PricingEvent,
    Scheme,
    SchemeBenefit,
    SchemeBudgetSlot,
    SchemeBudgetUse,
)
from distra.pricing.selectors import landing_price, scheme_performance
from distra.pricing.tests.conftest import bare_order, live_price_list, live_scheme, today

pytestmark = pytest.mark.django_db


def codes(exc: DomainError) -> dict[str, list[str]]:
    return {name: [p.code for p in problems] for name, problems in exc.fields.items()}


# Price lists ---------------------------------------------------------------------------------------

def test_a_price_above_the_mrp_is_refused_with_nothing_written(org, catalog):
    # 8.50 + 18 % = 10.03 > MRP 10.00.
    with pytest.raises(ValidationFailed) as caught:
        services.price_list_create(by=org.users["brand"], code="PL-X", name="x", valid_from=today(),
                                   items=[{"sku_id": catalog["SKU-1"].pk, "selling_price": "8.50", "landing_price": "7"}])
    assert codes(caught.value) == {"items[0].selling_price": ["above_mrp"]}
    assert "10.03, above the MRP of 10.00" in caught.value.fields["items[0].selling_price"][0].message
    assert not PriceList.objects.exists()


def test_price_list_bad_input_each_at_its_field(org, catalog):
    with pytest.raises(ValidationFailed) as caught:
        services.price_list_create(by=org.users["brand"], code="PL-X", name="x", valid_from=today(), valid_to=today() - timedelta(days=1),
                                   items=[{"sku_id": catalog["SKU-OLD"].pk, "selling_price": "1"},
                                          {"sku_id": catalog["SKU-2"].pk, "selling_price": "-1"},
                                          {"sku_id": catalog["SKU-2"].pk, "selling_price": "1.234"}])
    assert codes(caught.value) == {"valid_to": ["window_ends_before_start"], "items[0].sku_id": ["sku_inactive"],
                                   "items[1].selling_price": ["invalid_price"], "items[2].sku_id": ["duplicate_sku"],
                                   "items[2].selling_price": ["invalid_price"]}
    assert not PriceList.objects.exists()


def test_price_list_lifecycle_with_its_audit_trail(org, catalog):
    pl = live_price_list(org)
    services.price_list_transition(by=org.users["brand"], price_list=pl, to="paused", note="recall")
    with pytest.raises(services.TransitionNotAllowed):
        services.price_list_update(by=org.users["brand"], price_list=pl, name="renamed")
    services.price_list_transition(by=org.users["brand"], price_list=pl, to="ended")
    with pytest.raises(services.TransitionNotAllowed):
        services.price_list_transition(by=org.users["brand"], price_list=pl, to="active")
    trail = list(PricingEvent.objects.filter(price_list=pl).values_list("kind", "from_status", "to_status", "user__username"))
    assert trail == [("created", "", "draft", "brand"), ("status", "draft", "active", "brand"), ("status", "active", "paused", "brand"),
                     ("status", "paused", "ended", "brand")]


def test_only_the_brand_keeps_price_lists(org, catalog):
    with pytest.raises(DomainError) as caught:
        services.price_list_create(by=org.users["dist_one"], code="PL-X", name="x", valid_from=today())
    assert caught.value.status == 403


def test_a_price_change_is_seen_by_the_very_next_quote_and_a_scheduled_one_on_its_day(org, catalog):
    outlet, sku = org.outlets["O-DEL1-A"], catalog["SKU-1"]
    assert services.price_order_lines(outlet=outlet, lines=[(sku, 10)]).lines[0].unit_price == D("7.50")  # base price
    live_price_list(org)
    assert services.price_order_lines(outlet=outlet, lines=[(sku, 10)]).lines[0].unit_price == D("7.00")
    live_price_list(org, "PL-NEXT", [{"sku_id": sku.pk, "selling_price": "7.20", "landing_price": "6.30"}], valid_from=today() + timedelta(days=7))
    assert services.price_order_lines(outlet=outlet, lines=[(sku, 10)]).lines[0].unit_price == D("7.00")
    later = services.price_order_lines(outlet=outlet, lines=[(sku, 10)], on=today() + timedelta(days=7)).lines[0]
    assert (later.unit_price, later.price_list_code) == (D("7.20"), "PL-NEXT")
    assert landing_price(distributor_id=outlet.distributor_id, sku=sku) == D("6.20")


def test_a_distributor_price_list_beats_the_brand_wide_one(org, catalog):
    sku = catalog["SKU-1"]
    live_price_list(org)
    live_price_list(org, "PL-D1", [{"sku_id": sku.pk, "selling_price": "6.90", "landing_price": "6.00"}], distributor=org.distributors["D-ONE"])
    mine = services.price_order_lines(outlet=org.outlets["O-DEL1-A"], lines=[(sku, 1)]).lines[0]
    other = services.price_order_lines(outlet=org.outlets["O-DEL2-A"], lines=[(sku, 1)]).lines[0]
    assert (mine.price_list_code, other.price_list_code) == ("PL-D1", "PL-ALL")
    assert landing_price(distributor_id=org.distributors["D-ONE"].pk, sku=sku) == D("6.00")


# Schemes: bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "expected"), [
    ({"kind": "quantity_slab", "slabs": [{"min": "5", "max": "9", "percent": "2"}, {"min": "9", "percent": "4"}]}, {"slabs[1].min": ["slab_overlap"]}),
    ({"kind": "quantity_slab", "slabs": [{"min": "5", "max": "9", "percent": "2"}, {"min": "11", "percent": "4"}]}, {"slabs[1].min": ["slab_gap"]}),
    ({"kind": "quantity_slab", "slabs": [{"min": "0", "max": "9", "percent": "2"}]}, {"slabs[0].min": ["slab_not_positive"]}),
    ({"kind": "quantity_slab", "slabs": [{"min": "-5", "max": "9", "percent": "2"}]}, {"slabs[0].min": ["slab_not_positive"]}),
    ({"kind": "value_slab", "slabs": [{"min": "1000", "max": "5000", "percent": "3"}, {"min": "5000", "percent": "2"}]},
     {"slabs[1].percent": ["slab_percent_decreasing"]}),
    ({"kind": "value_slab", "slabs": [{"min": "1000", "percent": "1"}, {"min": "5000", "percent": "2"}]}, {"slabs[0].max": ["slab_overlap"]}),
    ({"kind": "percent_off", "percent": D(0)}, {"percent": ["invalid_percent"]}),
    ({"kind": "amount_off"}, {"amount": ["required"]}),
    ({"kind": "free_goods", "buy_quantity": 10, "free_quantity": 1, "free_sku": "SKU-OLD"}, {"free_sku_id": ["free_sku_inactive"]}),
    ({"kind": "combo", "percent": D(5), "combo_items": [{"sku_id": "SKU-1", "quantity": 2}]}, {"combo_items": ["combo_too_small"]}),
    ({"kind": "percent_off", "percent": D(5), "valid_to": -1}, {"valid_to": ["window_ends_before_start"]}),
    ({"kind": "percent_off", "percent": D(5), "budgets": [{"limit": "100"}]}, {"budget_basis": ["required"]}),
    ({"kind": "percent_off", "percent": D(5), "targets": {"channels": ["space"], "sku_ids": [10**9]}},
     {"channels": ["invalid_choice"], "sku_ids": ["not_found"]}),
])
def test_scheme_bad_input_is_refused_at_its_field_with_nothing_written(org, catalog, fields, expected):
    fields = dict(fields)
    if fields.get("free_sku"):
        fields["free_sku"] = catalog[fields["free_sku"]]
    for item in fields.get("combo_items", []):
        item["sku_id"] = catalog[item["sku_id"]].pk
    fields["valid_to"] = today() + timedelta(days=fields["valid_to"]) if "valid_to" in fields else None
    with pytest.raises(ValidationFailed) as caught:
        services.scheme_create(by=org.users["brand"], code="S-X", name="x", valid_from=today(), **fields)
    assert codes(caught.value) == expected
    assert not Scheme.objects.exists()
    assert not PricingEvent.objects.exists()


def test_two_exclusive_schemes_of_equal_priority_on_overlapping_targets_are_refused(org, catalog):
    live_scheme(org, "EX-1", stacking="exclusive", priority=5, targets={"channels": ["general_trade"]})
    with pytest.raises(ValidationFailed) as caught:
        live_scheme(org, "EX-2", stacking="exclusive", priority=5, targets={"geography_ids": [org.nodes["NORTH"].pk]})
    assert codes(caught.value) == {"priority": ["exclusive_overlap"]}
    assert list(Scheme.objects.values_list("code", flat=True)) == ["EX-1"]
    # Disjoint targets, another priority or a window that does not meet are fine.
    live_scheme(org, "EX-3", stacking="exclusive", priority=5, targets={"channels": ["pharmacy"]})
    live_scheme(org, "EX-4", stacking="exclusive", priority=6)
    live_scheme(org, "EX-5", stacking="exclusive", priority=5, valid_from=today() - timedelta(days=30), valid_to=today() - timedelta(days=1))


def test_activation_checks_the_free_sku_again(org, catalog):
    scheme = live_scheme(org, "FREE", "free_goods", activate=False, buy_quantity=10, free_quantity=1, free_sku=catalog["SKU-2"])
    catalog["SKU-2"].is_active = False
    catalog["SKU-2"].save()
    with pytest.raises(ValidationFailed) as caught:
        services.scheme_transition(by=org.users["brand"], scheme=scheme, to="active")
    assert codes(caught.value) == {"free_sku_id": ["free_sku_inactive"]}
    assert Scheme.objects.get().status == "draft"


# Quoting for the order flow ---------------------------------------------------------------------------

def test_a_paused_scheme_stops_applying_on_the_next_quote(org, catalog):
    outlet, sku = org.outlets["O-DEL1-A"], catalog["SKU-1"]
    scheme = live_scheme(org)
    assert services.price_order_lines(outlet=outlet, lines=[(sku, 100)]).discount == D("37.50")
    services.scheme_transition(by=org.users["brand"], scheme=scheme, to="paused")
    assert services.price_order_lines(outlet=outlet, lines=[(sku, 100)]).discount == 0


def test_first_order_and_performance_tier_read_the_outlets_history(org, catalog):
    outlet, sku = org.outlets["O-DEL1-A"], catalog["SKU-1"]
    live_scheme(org, "WELCOME", "first_order", percent=D(2))
    assert services.price_order_lines(outlet=outlet, lines=[(sku, 100)]).discount == D("15.00")
    bare_order(org)
    again = services.price_order_lines(outlet=outlet, lines=[(sku, 100)])
    assert (again.discount, again.not_applied[0].reason_code) == (0, "not_first_order")


def test_price_order_lines_reads_at_most_four_queries_and_is_fast(org, catalog):
    """The order hot path: a 5-line basket with a handful of live schemes (one budgeted)."""
    from distra.catalog.models import SKU

    skus = [catalog["SKU-1"], catalog["SKU-2"]]
    for i in range(3):
        skus.append(SKU.objects.create(code=f"SKU-B{i}", gtin=f"89012345680{i}{'397'[i]}"[:13].ljust(13, "0"), name=f"b{i}",
                                       brand=org.brand, category=org.categories["BISC"], hsn_code="1905", units_per_case=24,
                                       case_weight_kg=D(1), case_volume_l=D(1), mrp=D("20"), base_price=D("10"), tax_rate=D("18"), shelf_life_days=90))
    live_price_list(org)
    live_scheme(org, "P5")
    live_scheme(org, "QS", "quantity_slab", per="case", slabs=[{"min": "2", "max": "4", "percent": "1"}, {"min": "5", "percent": "2"}])
    live_scheme(org, "FG", "free_goods", buy_quantity=24, free_quantity=1, targets={"category_ids": [org.categories["BISC"].pk]})
    live_scheme(org, "VS", "value_slab", slabs=[{"min": "1000", "max": "5000", "percent": "1"}, {"min": "5000", "percent": "2"}],
                budget_basis="value", budgets=[{"limit": "100000"}])
    outlet, lines = org.outlets["O-DEL1-A"], [(sku, 96) for sku in skus]
    services.price_order_lines(outlet=outlet, lines=lines)  # warms the per-process cache
    with CaptureQueriesContext(connection) as queries:
        basket = services.price_order_lines(outlet=outlet, lines=lines)
    assert len(queries) <= 4, [q["sql"] for q in queries]
    assert len(basket.lines) == 5
    assert basket.schemes_applied() == set(Scheme.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    for _ in range(50):
        services.price_order_lines(outlet=outlet, lines=lines)
    per_quote_ms = (time.perf_counter() - started) * 1000 / 50
    assert per_quote_ms < 20  # the figure in docs/pricing.md was measured with bench settings; this only guards against a collapse


# Budgets and benefits ---------------------------------------------------------------------------------

def _budgeted(org, limit="100.00", basis="value", distributor=None):
    budgets = [{"limit": limit}] + ([{"distributor_id": org.distributors[distributor].pk, "limit": "60.00"}] if distributor else [])
    live_price_list(org)  # SKU-1 at 7.00
    return live_scheme(org, "B-10", percent=D(10), budget_basis=basis, budgets=budgets)


def test_budget_is_consumed_on_allocation_released_on_cancel_and_never_overspent(org, catalog):
    scheme, outlet, sku = _budgeted(org), org.outlets["O-DEL1-A"], catalog["SKU-1"]
    priced = services.price_order_lines(outlet=outlet, lines=[(sku, 100)])  # 700.00 x 10 % = 70.00
    assert priced.usage == {scheme.pk: D("70.00")}
    first, _ = bare_order(org)
    services.scheme_budgets_consume(priced=priced, order_id=first.pk)
    assert sum(SchemeBudgetSlot.objects.values_list("remaining", flat=True)) == D("30.00")
    # The next identical basket no longer fits: the quote says so, and a stale consumption is refused whole.
    again = services.price_order_lines(outlet=outlet, lines=[(sku, 100)])
    assert (again.discount, again.not_applied[0].reason_code) == (0, "budget_exhausted")
    second, _ = bare_order(org)
    with pytest.raises(services.SchemeBudgetExhausted) as caught:
        services.scheme_budgets_consume(priced=priced, order_id=second.pk)
    assert (caught.value.status, caught.value.code, caught.value.scheme_ids) == (409, "scheme_budget_exhausted", [scheme.pk])
    assert SchemeBudgetUse.objects.filter(order=second).count() == 0
    # Re-priced without it, the order goes through; cancelling the first gives its 70.00 back, once.
    assert services.price_order_lines(outlet=outlet, lines=[(sku, 100)], exclude_scheme_ids=caught.value.scheme_ids).discount == 0
    assert services.scheme_budgets_release(order_id=first.pk) == D("70.00")
    assert services.scheme_budgets_release(order_id=first.pk) == 0
    assert sum(SchemeBudgetSlot.objects.values_list("remaining", flat=True)) == D("100.00")


def test_a_consumption_larger_than_any_slot_takes_across_slots(org, catalog):
    scheme = _budgeted(org, limit="80.00")  # 8 slots of 10.00
    priced = services.price_order_lines(outlet=org.outlets["O-DEL1-A"], lines=[(catalog["SKU-1"], 100)])
    order, _ = bare_order(org)
    services.scheme_budgets_consume(priced=priced, order_id=order.pk)
    assert sum(SchemeBudgetSlot.objects.filter(budget__scheme=scheme).values_list("remaining", flat=True)) == D("10.00")
    assert sum(SchemeBudgetUse.objects.values_list("amount", flat=True)) == D("70.00")


def test_a_distributor_budget_caps_that_distributor_only(org, catalog):
    scheme = _budgeted(org, limit="1000.00", distributor="D-ONE")  # D-ONE may use 60.00
    sku = catalog["SKU-1"]
    mine = services.price_order_lines(outlet=org.outlets["O-DEL1-A"], lines=[(sku, 100)])
    other = services.price_order_lines(outlet=org.outlets["O-DEL2-A"], lines=[(sku, 100)])
    assert (mine.discount, other.discount) == (0, D("70.00"))
    assert mine.not_applied[0].reason_code == "budget_exhausted"
    assert scheme.budgets.count() == 2


def test_benefits_recorded_per_order_line_make_the_schemes_performance(org, catalog):
    scheme, sku = _budgeted(org, limit="1000.00"), catalog["SKU-1"]
    priced = services.price_order_lines(outlet=org.outlets["O-DEL1-A"], lines=[(sku, 100)])
    order, lines = bare_order(org, lines=[(sku, 100)])
    services.scheme_budgets_consume(priced=priced, order_id=order.pk)
    (benefit,) = services.scheme_benefits_record(priced=priced, order_lines=lines)
    assert (benefit.order_line_id, benefit.benefit, benefit.brand_funded, benefit.funding_share_pct) == (lines[0].pk, D("70.00"), D("70.00"), D(100))
    perf = scheme_performance(user=org.users["brand"], scheme=scheme)
    assert (perf.spend_to_date, perf.budget, perf.budget_left, perf.orders_touched) == (D("70.00"), D("1000.00"), D("930.00"), 1)
    assert [(p.spend, p.cumulative) for p in perf.series] == [(D("70.00"), D("70.00"))]
    assert perf.orders[0].number == order.number
    # Another distributor's user does not see the order, so not its spend either.
    assert scheme_performance(user=org.users["dist_four"], scheme=scheme).orders_touched == 0
    assert SchemeBenefit.objects.for_user(org.users["dist_one"]).count() == 1
