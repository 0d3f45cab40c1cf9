"""Replenishment on the database: parameters from the forecast, the stock alerts' reorder point,
suggested orders into real purchase orders, autonomy, fair share, near expiry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from distra.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from distra.inventory import services as stock
from distra.inventory.models import Batch, StockAlert
from distra.inventory.services_alerts import stock_alerts_evaluate
from distra.partners.choices import WarehouseKind
from distra.partners.models import Warehouse
from distra.purchasing.models import PurchaseOrder
from distra.replenishment import selectors, services
from distra.replenishment.models import AutonomyPolicy, ReplenishmentParameter

pytestmark = pytest.mark.django_db


def _receive(org, warehouse_code: str, sku_code: str, quantity: int, expires_in: int = 200, number: str = "B-1") -> Batch:
    sku = org.skus[sku_code]
    today = timezone.localdate()
    batch, _ = Batch.objects.get_or_create(sku=sku, batch_number=number, defaults={
        "manufactured_on": today - timedelta(days=10), "expires_on": today + timedelta(days=expires_in)})
    stock.stock_receive(by=org.users["admin"], warehouse=org.warehouses[warehouse_code], sku=sku, batch=batch, quantity=quantity)
    return batch


def test_parameters_follow_the_forecast_error_lead_time_and_class(forecast_run, org):
    p = ReplenishmentParameter.objects.get(distributor=org.distributors["D-ONE"], sku=org.skus["SKU-1"])
    # class A (98 %: z 2.0537), weekly 16, σ 2.50, lead time 7 days (default)
    assert (p.sku_class, p.service_level, p.lead_time_days, p.run_id) == ("A", Decimal("0.9800"), 7, forecast_run.pk)
    assert (p.safety_stock, p.reorder_point, p.order_up_to) == (6, 22, 40)
    assert p.min_order_quantity == 48
    assert p.daily_rate == Decimal("2.2857")
    assert ReplenishmentParameter.objects.count() == 3


def test_stock_alerts_use_the_computed_reorder_point(forecast_run, org):
    _receive(org, "D-ONE", "SKU-1", 20)
    stock_alerts_evaluate(warehouse_id=org.warehouses["D-ONE"].pk, sku_ids=[org.skus["SKU-1"].pk])
    alert = StockAlert.objects.get(kind="below_reorder_level")
    assert alert.detail == "available 20 < reorder level 22"


def test_suggestion_from_position_and_parameters_becomes_a_purchase_order(forecast_run, org):
    _receive(org, "D-ONE", "SKU-1", 20)
    [order] = services.suggested_orders_generate(distributor_ids=[org.distributors["D-ONE"].pk])
    lines = {line.sku.code: line for line in order.lines.all()}
    # SKU-1: position 20 ≤ 22 → up to 40 = 20, raised to the MOQ 48 (one case); SKU-2: nothing in stock.
    assert (lines["SKU-1"].available, lines["SKU-1"].suggested_quantity) == (20, 48)
    assert "MOQ 48" in lines["SKU-1"].reason
    assert lines["SKU-2"].suggested_quantity % 24 == 0
    assert lines["SKU-2"].suggested_quantity >= 24
    assert order.status == "proposed"
    assert order.reason == "for review: autonomy is off"
    services.suggested_order_lines_set(by=org.users["dist_one"], order=order, quantities={lines["SKU-1"].pk: 96})
    approved = services.suggested_order_approve(by=org.users["dist_one"], order=order)
    po = approved.purchase_order
    assert (po.status, po.created_by, po.warehouse) == ("submitted", org.users["dist_one"], org.warehouses["D-ONE"])
    assert dict(po.lines.values_list("sku__code", "quantity")) == {"SKU-1": 96, "SKU-2": lines["SKU-2"].quantity}
    with pytest.raises(Conflict):
        services.suggested_order_approve(by=org.users["dist_one"], order=order)
    assert PurchaseOrder.objects.count() == 1
    assert [e.to_status for e in approved.events.order_by("id")] == ["proposed", "approved"]
    # The order on its way now counts in the position: nothing more to suggest for SKU-1.
    assert selectors.positions(distributor_id=org.distributors["D-ONE"].pk)[org.skus["SKU-1"].pk].on_order == 96


def test_a_new_generation_supersedes_the_open_proposal(forecast_run, org):
    [first] = services.suggested_orders_generate(distributor_ids=[org.distributors["D-ONE"].pk])
    [second] = services.suggested_orders_generate(distributor_ids=[org.distributors["D-ONE"].pk])
    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "proposed")


def test_brand_approves_for_a_managed_distributor_as_its_act_as_user(forecast_run, org):
    [order] = services.suggested_orders_generate(distributor_ids=[org.distributors["D-ONE"].pk])
    with pytest.raises(Forbidden):
        services.suggested_order_approve(by=org.users["brand"], order=order)
    services.autonomy_policy_set(by=org.users["dist_one"], distributor=org.distributors["D-ONE"], enabled=False)
    approved = services.suggested_order_approve(by=org.users["brand"], order=order)
    assert (approved.purchase_order.created_by, approved.decided_by) == (org.users["dist_one"], org.users["brand"])


def test_edit_refuses_bad_quantities_and_changes_nothing(forecast_run, org):
    [order] = services.suggested_orders_generate(distributor_ids=[org.distributors["D-ONE"].pk])
    line = order.lines.first()
    with pytest.raises(ValidationFailed) as exc:
        services.suggested_order_lines_set(by=org.users["dist_one"], order=order, quantities={line.pk: -1, 999999: 5})
    assert set(exc.value.fields) == {f"quantities.{line.pk}", "quantities.999999"}
    line.refresh_from_db()
    assert line.quantity == line.suggested_quantity


def test_autonomous_mode_submits_within_the_guardrails_and_explains_otherwise(forecast_run, org):
    d_one = org.distributors["D-ONE"]
    services.autonomy_policy_set(by=org.users["dist_one"], distributor=d_one, enabled=True, value_cap=Decimal("100"))
    [held] = services.suggested_orders_generate(distributor_ids=[d_one.pk])
    assert held.status == "proposed"
    assert "above the cap 100" in held.reason
    services.autonomy_policy_set(by=org.users["dist_one"], distributor=d_one, enabled=True, value_cap=Decimal("100000"))
    [auto] = services.suggested_orders_generate(distributor_ids=[d_one.pk])
    auto.refresh_from_db()
    assert (auto.status, auto.mode, auto.decided_by) == ("approved", "autonomous", None)
    assert auto.purchase_order.status == "submitted"
    assert "guardrails" in auto.reason
    with pytest.raises(ValidationFailed):
        services.autonomy_policy_set(by=org.users["brand"], distributor=d_one, enabled=True)  # no act-as user named
    assert AutonomyPolicy.objects.get(distributor=d_one).value_cap == Decimal("100000")


def test_fair_share_of_scarce_depot_stock(forecast_run, org):
    from distra.purchasing.services.orders import po_create, po_submit

    depot = Warehouse.objects.create(kind=WarehouseKind.DEPOT, code="DEPOT-N", name="North depot")
    org.warehouses["DEPOT"] = depot
    _receive(org, "DEPOT", "SKU-1", 60)
    _receive(org, "D-FOUR", "SKU-1", 30)  # D-FOUR has 3 weeks of cover, D-ONE none
    for code, user in (("D-ONE", "dist_one"), ("D-FOUR", "dist_four")):
        po = po_create(by=org.users[user], warehouse=org.warehouses[code], lines=[{"sku_id": org.skus["SKU-1"].pk, "quantity": 48}])
        po_submit(by=org.users[user], order=po)
    plan = selectors.fair_share_plan(user=org.users["brand"], depot_id=depot.pk, sku_id=org.skus["SKU-1"].pk)
    assert (plan["stock"], plan["requested"]) == (60, 96)
    got = {s["distributor"].code: s["allocated"] for s in plan["shares"]}
    assert sum(got.values()) == 60
    assert got["D-ONE"] > got["D-FOUR"]
    assert all("cover" in s["explanation"] or "all of it" in s["explanation"] for s in plan["shares"])


def test_near_expiry_lists_batches_that_will_not_sell_and_where_they_would(forecast_run, org):
    _receive(org, "D-ONE", "SKU-1", 100, expires_in=14, number="B-OLD")
    [action] = selectors.near_expiry_actions(user=org.users["dist_one"], within_days=30)
    # D-ONE sells 2.2857 a day: 32 units in 14 days; D-FOUR (1.4286 a day, nothing held) 20.
    assert (action["on_hand"], action["will_sell"], action["at_risk"]) == (100, 32, 68)
    assert action["transfers"] == [{"distributor_id": org.distributors["D-FOUR"].pk, "quantity": 20}]
    assert action["unplaced"] == 48
    assert selectors.near_expiry_actions(user=org.users["dist_four"], within_days=30) == []


def test_the_daily_task_proposes_and_submits_autonomous_orders(forecast_run, org):
    from distra.replenishment.tasks import suggest_orders

    services.autonomy_policy_set(by=org.users["dist_one"], distributor=org.distributors["D-ONE"], enabled=True)
    assert suggest_orders.call() == {"proposed": 1, "submitted": 1}  # D-FOUR for review, D-ONE submitted


def test_confirming_by_fair_share_cuts_submitted_orders_and_never_promises_more_than_exists(forecast_run, org):
    from distra.purchasing.services.orders import po_confirm, po_create, po_submit

    depot = Warehouse.objects.create(kind=WarehouseKind.DEPOT, code="DEPOT-N", name="North depot")
    org.warehouses["DEPOT"] = depot
    _receive(org, "DEPOT", "SKU-1", 108)
    _receive(org, "D-FOUR", "SKU-1", 30)
    sku1, sku2 = org.skus["SKU-1"].pk, org.skus["SKU-2"].pk
    promised = po_create(by=org.users["dist_one"], warehouse=org.warehouses["D-ONE"], lines=[{"sku_id": sku1, "quantity": 48}])
    po_submit(by=org.users["dist_one"], order=promised)
    po_confirm(by=org.users["brand"], order=promised)  # confirmed earlier: keeps its 48
    orders = {}
    for code, user in (("D-ONE", "dist_one"), ("D-FOUR", "dist_four")):
        orders[code] = po_create(by=org.users[user], warehouse=org.warehouses[code],
                                 lines=[{"sku_id": sku1, "quantity": 48}, {"sku_id": sku2, "quantity": 24}])
        po_submit(by=org.users[user], order=orders[code])
    results = services.fair_share_confirm(by=org.users["brand"], depot_id=depot.pk)
    got = {r["number"]: r for r in results}
    confirmed = {code: {line.sku_id: line.confirmed_quantity for line in o.lines.all()} for code, o in orders.items()}
    # 108 on hand, 48 promised: 60 shared; D-ONE (no stock) gets more than D-FOUR (3 weeks of cover)
    assert confirmed["D-ONE"][sku1] + confirmed["D-FOUR"][sku1] == 60
    assert confirmed["D-ONE"][sku1] > confirmed["D-FOUR"][sku1]
    # SKU-2: the depot holds none, so nothing of it is confirmed, with the reason given
    assert confirmed["D-ONE"][sku2] == confirmed["D-FOUR"][sku2] == 0
    for o in orders.values():
        o.refresh_from_db()
        assert o.status == "confirmed"
        assert got[o.number]["confirmed"]
        assert all(line["explanation"] for line in got[o.number]["lines"])
        assert o.events.last().note.startswith("Fair share of DEPOT-N: ")
    # nothing submitted is left: a second run confirms nothing more
    assert services.fair_share_confirm(by=org.users["brand"], depot_id=depot.pk) == []


def test_fair_share_confirm_is_for_the_brand_and_a_real_depot(forecast_run, org):

    with pytest.raises(Forbidden):
        services.fair_share_confirm(by=org.users["dist_one"], depot_id=org.warehouses["D-ONE"].pk)
    with pytest.raises(NotFound):
        services.fair_share_confirm(by=org.users["brand"], depot_id=org.warehouses["D-ONE"].pk)
