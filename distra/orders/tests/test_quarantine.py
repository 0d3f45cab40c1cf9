"""Damaged stock is never sold again: damaged customer returns and units damaged in transit end up
in the distributor's quarantine warehouse, from which no order is ever allocated; retries post
nothing twice; alerts at a quarantine only ask for expired stock to be written off.

At W-D-ONE (the ``stocked`` fixture): SKU-1 in S1-SOON (60 days, 50 units) and S1-LATE (200
days, 100 units); SKU-2 in S2-A (30 units).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from distra.core.errors import Conflict, ValidationFailed
from distra.inventory import services as stock
from distra.inventory import services_alerts
from distra.inventory.models import StockAlert, StockMove, StockReservation, StockThreshold
from distra.inventory.services import AllocationRequest
from distra.orders import services
from distra.orders.models import Order
from distra.orders.services import DeliveredLine, LineIn, ReturnedLine
from distra.orders.services.delivery import _quarantine
from distra.orders.tests.conftest import make_batch, receive
from distra.orders.tests.test_delivery import balances, by_sku, deliver, dispatched, full, snapshot
from distra.partners.models import Distributor, Warehouse
from distra.partners.services import quarantine_for

pytestmark = pytest.mark.django_db


def order_for(org, sku, quantity, user="dist_one"):
    return services.order_create(by=org.users[user], outlet=org.outlets["O-DEL1-A"], lines=[LineIn(sku=sku, quantity=quantity)],
                                 submit=True)


# The quarantine warehouse ----------------------------------------------------------------------------

def test_quarantine_for_makes_one_quarantine_per_distributor_seen_by_its_scopes(org):
    d_one = org.distributors["D-ONE"]
    quarantine = quarantine_for(d_one)
    assert (quarantine.code, quarantine.kind, quarantine.distributor_id, quarantine.is_quarantine) == (
        "Q-D-ONE", "quarantine", d_one.pk, True)
    assert quarantine_for(d_one).pk == quarantine.pk
    assert Warehouse.objects.filter(kind="quarantine").count() == 1
    for user, sees in [("dist_one", True), ("asm_delhi", True), ("admin", True), ("dist_four", False), ("asm_mumbai", False)]:
        assert Warehouse.objects.for_user(org.users[user]).filter(pk=quarantine.pk).exists() is sees, user


def test_quarantine_for_falls_back_to_the_distributor_id_when_its_code_is_taken_or_too_long(org):
    d_one, d_four = org.distributors["D-ONE"], org.distributors["D-FOUR"]
    Warehouse.objects.create(distributor=d_one, code="Q-D-ONE", name="A warehouse someone named so")
    assert quarantine_for(d_one).code == f"Q-{d_one.pk}"
    Distributor.objects.filter(pk=d_four.pk).update(code="D" * 32)
    d_four.refresh_from_db()
    assert quarantine_for(d_four).code == f"Q-{d_four.pk}"


def test_a_second_quarantine_for_one_distributor_is_refused_by_the_database(org):
    from django.db import IntegrityError, transaction

    quarantine_for(org.distributors["D-ONE"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Warehouse.objects.create(distributor=org.distributors["D-ONE"], kind="quarantine", code="Q-2", name="Second")


def test_orders_never_go_to_a_quarantine(org, stocked):
    quarantine = quarantine_for(org.distributors["D-ONE"])
    receive(org, quarantine, stocked["S2-A"], 5)
    before = Order.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"], warehouse=quarantine,
                              lines=[LineIn(sku=stocked["S2-A"].sku, quantity=1)], submit=True)
    assert [p.code for p in exc.value.fields["warehouse"]] == ["warehouse_not_of_distributor"]
    # Without a selling warehouse left, the quarantine is not chosen either.
    Warehouse.objects.filter(pk=org.warehouses["D-ONE"].pk).update(is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        order_for(org, stocked["S2-A"].sku, 1)
    assert [p.code for p in exc.value.fields["warehouse"]] == ["no_warehouse"]
    assert Order.objects.count() == before


def test_stock_in_quarantine_cannot_be_reserved_or_allocated(org, stocked):
    quarantine = quarantine_for(org.distributors["D-ONE"])
    batch = stocked["S2-A"]
    receive(org, quarantine, batch, 5)
    with pytest.raises(Conflict) as exc:
        stock.stock_allocate(by=org.users["admin"], warehouse=quarantine, requests=[AllocationRequest(batch.sku_id, 5, "k")],
                             earliest_expiry=timezone.localdate())
    assert exc.value.code == "warehouse_not_sellable"
    with pytest.raises(Conflict) as exc:
        stock.stock_reserve(by=org.users["admin"], warehouse=quarantine, sku=batch.sku, batch=batch, quantity=1, source_key="r")
    assert exc.value.code == "warehouse_not_sellable"
    assert not StockReservation.objects.filter(warehouse=quarantine).exists()
    assert balances(stocked, "quarantine") == {"S2-A": (5, 0)}


# Damaged returns ------------------------------------------------------------------------------------

def test_a_damaged_return_lands_in_quarantine_and_a_following_order_gets_only_sellable_stock(org, stocked, sku2, cancel_policy):
    order = dispatched(org, sku2, q1=10, q2=30)
    deliver(org, order, full(order))
    line = by_sku(order)["SKU-2"]
    services.order_return(by=org.users["dist_one"], order=order, reason="Crushed cartons",
                          lines=[ReturnedLine(line.pk, 5, "damaged"), ReturnedLine(line.pk, 3, "saleable")])
    assert balances(stocked)["S2-A"] == (3, 0)
    assert balances(stocked, "quarantine") == {"S2-A": (5, 0)}
    moves = StockMove.objects.filter(source_type="order_return").order_by("kind")
    assert [(m.kind, m.warehouse.code, m.quantity) for m in moves] == [("return_damaged", "Q-D-ONE", 5), ("return_saleable", "W-D-ONE", 3)]
    # The next order for SKU-2 gets the 3 sellable units, never the 5 damaged ones...
    second = order_for(org, sku2, 8)
    assert (second.lines.get().allocated, second.lines.get().cancelled) == (3, 5)
    # ...and with nothing sellable left, an order is a 409 insufficient_stock.
    before = Order.objects.count()
    with pytest.raises(Conflict) as exc:
        order_for(org, sku2, 1)
    assert exc.value.code == "insufficient_stock"
    assert Order.objects.count() == before
    assert balances(stocked, "quarantine") == {"S2-A": (5, 0)}


def test_an_order_waits_for_stock_rather_than_take_damaged_returns_under_the_backorder_policy(org, stocked, sku2):
    order = dispatched(org, sku2, q1=10, q2=30)
    deliver(org, order, full(order))
    services.order_return(by=org.users["dist_one"], order=order, reason="Crushed",
                          lines=[ReturnedLine(by_sku(order)["SKU-2"].pk, 4, "damaged")])
    second = order_for(org, sku2, 4)
    second.refresh_from_db()
    assert (second.status, second.awaiting_stock, second.lines.get().allocated) == ("approved", True, 0)
    assert services.backorders_fill(by=org.users["dist_one"], warehouse_id=org.warehouses["D-ONE"].pk) == []


def test_a_retried_damaged_return_posts_nothing_twice(org, stocked, sku2):
    order = dispatched(org, sku2)
    deliver(org, order, full(order))
    item = [ReturnedLine(by_sku(order)["SKU-2"].pk, 2, "damaged")]
    services.order_return(by=org.users["dist_one"], order=order, reason="r", lines=item, idempotency_key="dmg-1")
    after_first = snapshot(order)
    again = services.order_return(by=org.users["dist_one"], order=order, reason="r", lines=item, idempotency_key="dmg-1")
    assert again.replayed is True
    assert snapshot(order) == after_first
    assert balances(stocked, "quarantine") == {"S2-A": (2, 0)}


# Damaged in transit -----------------------------------------------------------------------------------

def test_units_damaged_in_transit_move_to_quarantine_through_a_received_transfer(org, stocked, sku2, cancel_policy):
    order = dispatched(org, sku2)  # SKU-1: S1-SOON 50 + S1-LATE 20; SKU-2: 10
    deliver(org, order, [DeliveredLine(by_sku(order)["SKU-1"].pk, 40, "damaged"), DeliveredLine(by_sku(order)["SKU-2"].pk, 10)])
    line = by_sku(order)["SKU-1"]
    assert (line.delivered, line.returned, line.shortfall_reason) == (40, 0, "damaged")
    # 40 of S1-SOON delivered; its other 10 and all 20 of S1-LATE were damaged on the way.
    assert balances(stocked) == {"S1-LATE": (80, 0), "S1-SOON": (0, 0), "S2-A": (20, 0)}
    assert balances(stocked, "quarantine") == {"S1-LATE": (20, 0), "S1-SOON": (10, 0)}
    moves = StockMove.objects.filter(kind__in=["transfer_out", "transfer_in"]).order_by("batch__batch_number", "kind")
    assert [(m.kind, m.warehouse.code, m.batch.batch_number, m.quantity) for m in moves] == [
        ("transfer_in", "Q-D-ONE", "S1-LATE", 20), ("transfer_out", "W-D-ONE", "S1-LATE", -20),
        ("transfer_in", "Q-D-ONE", "S1-SOON", 10), ("transfer_out", "W-D-ONE", "S1-SOON", -10)]
    out = moves.get(kind="transfer_out", batch=stocked["S1-LATE"])
    assert out.source_key == f"order:{order.pk}:{line.line_no}:{stocked['S1-LATE'].pk}:damaged"
    assert StockMove.objects.get(transfer_out=out).warehouse.code == "Q-D-ONE"
    # Only the 80 sellable units of SKU-1 are left to sell.
    second = order_for(org, org.skus["SKU-1"], 100)
    assert (second.lines.get().allocated, second.lines.get().cancelled) == (80, 20)


def test_other_shortfall_reasons_go_back_to_sellable_stock(org, stocked, sku2):
    order = dispatched(org, sku2)
    deliver(org, order, full(order, SKU1=(60, "outlet_closed"), SKU2=(5, "refused")))
    assert balances(stocked) == {"S1-LATE": (90, 0), "S1-SOON": (0, 0), "S2-A": (25, 0)}
    assert not Warehouse.objects.filter(kind="quarantine").exists()
    assert not StockMove.objects.filter(kind__in=["transfer_out", "transfer_in"]).exists()


def test_quarantining_again_for_the_same_order_lines_posts_nothing_twice(org, stocked, sku2):
    order = dispatched(org, sku2)
    deliver(org, order, full(order, SKU2=(4, "damaged")))
    after_first = snapshot(order)
    line = by_sku(order)["SKU-2"]
    allocation = line.allocations.select_related("batch", "reservation").get()
    _quarantine(by=org.users["dist_one"], order=order, quarantine=quarantine_for(org.distributors["D-ONE"]),
                damaged=[(line, allocation, 6)])
    assert snapshot(order) == after_first
    assert balances(stocked, "quarantine") == {"S2-A": (6, 0)}
    with pytest.raises(Conflict) as exc:
        deliver(org, order, full(order, SKU2=(4, "damaged")))
    assert exc.value.code == "transition_not_allowed"
    assert snapshot(order) == after_first


# Alerts and visibility ------------------------------------------------------------------------------

def test_alerts_at_a_quarantine_only_ask_for_expired_stock_to_be_written_off(org):
    d_one, sku = org.distributors["D-ONE"], org.skus["SKU-1"]
    StockThreshold.objects.create(distributor=d_one, reorder_level=100, near_expiry_days=30)
    quarantine = quarantine_for(d_one)
    batch = make_batch(org, sku, "Q-B", expires_in_days=10)
    receive(org, quarantine, batch, 5)  # below the reorder level and near expiry: no alert at a quarantine
    today = timezone.localdate()
    changes = services_alerts.stock_alerts_evaluate(warehouse_id=quarantine.pk, sku_ids=[sku.pk], today=today)
    assert changes.raised == []
    later = today + timedelta(days=11)
    changes = services_alerts.stock_alerts_evaluate(warehouse_id=quarantine.pk, sku_ids=[sku.pk], today=later)
    assert [(a.kind, a.batch_id) for a in changes.raised] == [("expired", batch.pk)]
    stock.stock_adjust(by=org.users["admin"], warehouse=quarantine, sku=sku, batch=batch, reason="expiry_write_off", quantity=-5)
    changes = services_alerts.stock_alerts_evaluate(warehouse_id=quarantine.pk, sku_ids=[sku.pk], today=later)
    assert len(changes.resolved) == 1  # written off; and no out-of-stock alert in its place
    assert not StockAlert.objects.exclude(status="resolved").exists()


def test_the_stock_api_and_page_show_quarantine_stock_with_its_warehouse(org, api, client, stocked):
    quarantine = quarantine_for(org.distributors["D-ONE"])
    receive(org, quarantine, stocked["S2-A"], 5)
    rows = api(org.users["dist_one"]).get("/api/v1/stock", {"warehouse_id": quarantine.pk}).json()["items"]
    assert [(r["warehouse_code"], r["warehouse_kind"], r["batch_number"], r["on_hand"]) for r in rows] == [
        ("Q-D-ONE", "quarantine", "S2-A", 5)]
    assert api(org.users["dist_four"]).get("/api/v1/stock", {"warehouse_id": quarantine.pk}).json()["count"] == 0
    client.force_login(org.users["dist_one"])
    page = client.get("/stock", {"warehouse": quarantine.pk}).content.decode()
    assert 'data-code="Q-D-ONE/SKU-2/S2-A"' in page
    assert "quarantine</span>" in page
