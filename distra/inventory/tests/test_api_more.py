"""The stock API beyond receipts and adjustments: supply terms, thresholds, alerts, transfers,
reversals, counts and days of cover; each with anonymous, out-of-scope and refused-role cases."""

from datetime import timedelta

import pytest
from django.utils import timezone

from distra.inventory import services, services_alerts
from distra.inventory.models import (
    Batch,
    StockAlert,
    StockBalance,
    StockMove,
    StockThreshold,
    SupplyTerm,
)

pytestmark = pytest.mark.django_db
USERS = ["admin", "brand", "asm_delhi", "asm_mumbai", "dist_one", "dist_four", "rep_del1", "rep_mum"]


@pytest.fixture
def fresh(org):
    return Batch.objects.create(sku=org.skus["SKU-1"], batch_number="FRESH", manufactured_on=timezone.localdate(),
                                expires_on=timezone.localdate() + timedelta(days=3650))


@pytest.fixture
def stocked(org, fresh):
    for code, qty in (("D-ONE", 100), ("D-FOUR", 40)):
        services.stock_receive(by=org.users["admin"], warehouse=org.warehouses[code], sku=org.skus["SKU-1"], batch=fresh, quantity=qty)
    return fresh


def ledger():
    return list(StockMove.objects.order_by("pk").values_list("kind", "quantity", "warehouse__code"))


# Supply terms ------------------------------------------------------------------------------------------

def term(org, code="D-ONE", **changes):
    return {"distributor_id": org.distributors[code].pk, "sku_id": org.skus["SKU-1"].pk, "lead_time_days": 4,
            "min_order_quantity": 96, **changes}


@pytest.mark.parametrize(("username", "status"), [("admin", 201), ("brand", 201), ("asm_delhi", 403), ("dist_one", 403),
                                                  ("rep_del1", 403), (None, 401)])
def test_supply_term_put_answers_each_role(org, api, username, status):
    response = api(org.users.get(username)).put("/api/v1/stock/supply-terms", term(org))
    assert response.status_code == status
    if status == 201:
        assert {k: response.json()[k] for k in ("lead_time_days", "min_order_quantity")} == {"lead_time_days": 4, "min_order_quantity": 96}
        assert api(org.users[username]).put("/api/v1/stock/supply-terms", term(org, lead_time_days=9)).status_code == 200
        assert list(SupplyTerm.objects.values_list("lead_time_days", flat=True)) == [9]
    else:
        assert not SupplyTerm.objects.exists()


def test_bad_supply_term_is_422_field_by_field(org, api):
    response = api(org.users["admin"]).put("/api/v1/stock/supply-terms", term(org, lead_time_days=400, min_order_quantity=0))
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"lead_time_days", "min_order_quantity"}
    assert not SupplyTerm.objects.exists()


def test_distributors_read_their_own_supply_terms(org, api):
    for code in ("D-ONE", "D-FOUR"):
        api(org.users["admin"]).put("/api/v1/stock/supply-terms", term(org, code))
    body = api(org.users["dist_one"]).get("/api/v1/stock/supply-terms").json()
    assert [item["distributor_id"] for item in body["items"]] == [org.distributors["D-ONE"].pk]
    assert api(org.users["admin"]).get("/api/v1/stock/supply-terms", {"distributor_id": org.distributors["D-FOUR"].pk}).json()["count"] == 1
    assert api(org.users["rep_del1"]).get("/api/v1/stock/supply-terms").status_code == 403
    assert api(None).get("/api/v1/stock/supply-terms").status_code == 401


# Thresholds --------------------------------------------------------------------------------------------

def test_thresholds_put_and_list(org, api):
    sku = org.skus["SKU-1"]
    response = api(org.users["brand"]).put("/api/v1/stock/thresholds", {"category_id": sku.category_id, "near_expiry_days": 45})
    assert (response.status_code, response.json()["near_expiry_days"], response.json()["reorder_level"]) == (201, 45, None)
    own = {"sku_id": sku.pk, "distributor_id": org.distributors["D-ONE"].pk, "reorder_level": 24}
    assert api(org.users["dist_one"]).put("/api/v1/stock/thresholds", own).status_code == 201
    away = {**own, "distributor_id": org.distributors["D-FOUR"].pk}
    response = api(org.users["dist_one"]).put("/api/v1/stock/thresholds", away)
    assert (response.status_code, list(response.json()["fields"])) == (422, ["distributor_id"])
    assert api(org.users["dist_one"]).put("/api/v1/stock/thresholds", {"sku_id": sku.pk, "reorder_level": 1}).status_code == 403
    assert api(org.users["asm_delhi"]).put("/api/v1/stock/thresholds", own).status_code == 403
    assert StockThreshold.objects.count() == 2
    assert api(org.users["dist_four"]).get("/api/v1/stock/thresholds").json()["count"] == 1  # the brand-wide row only
    assert api(None).get("/api/v1/stock/thresholds").status_code == 401


# Alerts ------------------------------------------------------------------------------------------------

@pytest.fixture
def alerts(org, stocked):
    """Out of stock at D-ONE and D-FOUR."""
    for code, qty in (("D-ONE", 100), ("D-FOUR", 40)):
        services.stock_reserve(by=org.users["admin"], warehouse=org.warehouses[code], sku=org.skus["SKU-1"], batch=stocked,
                               quantity=qty, source_key=f"o-{code}")
        services_alerts.stock_alerts_evaluate(warehouse_id=org.warehouses[code].pk, sku_ids=[org.skus["SKU-1"].pk])
    return {a.warehouse.code: a for a in StockAlert.objects.select_related("warehouse")}


VISIBLE_ALERTS = {"admin": {"W-D-ONE", "W-D-FOUR"}, "brand": {"W-D-ONE", "W-D-FOUR"}, "asm_delhi": {"W-D-ONE"},
                  "asm_mumbai": {"W-D-FOUR"}, "dist_one": {"W-D-ONE"}, "dist_four": {"W-D-FOUR"}, "rep_del1": {"W-D-ONE"},
                  "rep_mum": {"W-D-FOUR"}}


@pytest.mark.parametrize("username", USERS)
def test_alert_list_shows_exactly_the_callers_scope(org, api, alerts, username):
    body = api(org.users[username]).get("/api/v1/stock/alerts").json()
    codes = {code for code, alert in alerts.items() if alert.pk in {item["id"] for item in body["items"]}}
    assert codes == VISIBLE_ALERTS[username]


def test_alert_list_filters(org, api, alerts):
    client = api(org.users["admin"])
    assert client.get("/api/v1/stock/alerts", {"warehouse_id": org.warehouses["D-ONE"].pk}).json()["count"] == 1
    assert client.get("/api/v1/stock/alerts", {"distributor_id": org.distributors["D-FOUR"].pk}).json()["count"] == 1
    assert client.get("/api/v1/stock/alerts", {"kind": "out_of_stock", "status": "open"}).json()["count"] == 2
    assert client.get("/api/v1/stock/alerts", {"kind": "expired"}).json()["count"] == 0
    assert client.get("/api/v1/stock/alerts", {"status": "nope"}).status_code == 422
    assert api(None).get("/api/v1/stock/alerts").status_code == 401


@pytest.mark.parametrize(("username", "where", "status"), [
    ("dist_one", "D-ONE", 200), ("dist_one", "D-FOUR", 404), ("admin", "D-FOUR", 200), ("brand", "D-ONE", 200),
    ("rep_del1", "D-ONE", 403), ("asm_delhi", "D-ONE", 403), (None, "D-ONE", 401),
])
def test_acknowledge_answers_each_role_and_scope(org, api, alerts, username, where, status):
    alert = alerts[f"W-{where}"]
    response = api(org.users.get(username)).post(f"/api/v1/stock/alerts/{alert.pk}/acknowledge")
    assert response.status_code == status
    alert.refresh_from_db()
    assert alert.status == ("acknowledged" if status == 200 else "open")
    if status == 200:
        assert response.json()["acknowledged_by_id"] == org.users[username].pk


def test_acknowledging_a_resolved_alert_is_409(org, api, alerts):
    alert = alerts["W-D-ONE"]
    StockAlert.objects.filter(pk=alert.pk).update(status="resolved", resolved_at=timezone.now())
    response = api(org.users["admin"]).post(f"/api/v1/stock/alerts/{alert.pk}/acknowledge")
    assert (response.status_code, response.json()["code"]) == (409, "alert_resolved")


# Transfers and reversals -------------------------------------------------------------------------------

def test_transfer_send_list_in_transit_and_receive(org, api, stocked):
    d_two = org.warehouses["D-TWO"]
    payload = {"from_warehouse_id": org.warehouses["D-ONE"].pk, "to_warehouse_id": d_two.pk, "sku_id": org.skus["SKU-1"].pk,
               "batch_id": stocked.pk, "quantity": 30, "source_key": "t-1"}
    sent = api(org.users["admin"]).post("/api/v1/stock/transfers", payload)
    assert (sent.status_code, sent.json()["quantity"], sent.json()["kind"]) == (201, -30, "transfer_out")
    assert api(org.users["admin"]).post("/api/v1/stock/transfers", payload).status_code == 200  # retried: posted once
    transfer_id = sent.json()["id"]
    in_transit = api(org.users["asm_delhi"]).get("/api/v1/stock/transfers", {"in_transit": "true"}).json()
    assert [item["id"] for item in in_transit["items"]] == [transfer_id]
    assert api(org.users["dist_four"]).get("/api/v1/stock/transfers", {"in_transit": "true"}).json()["count"] == 0
    assert api(org.users["dist_four"]).post(f"/api/v1/stock/transfers/{transfer_id}/receive").status_code == 404
    received = api(org.users["admin"]).post(f"/api/v1/stock/transfers/{transfer_id}/receive")
    assert received.status_code == 201, received.json()
    assert (received.status_code, received.json()["quantity"], received.json()["warehouse_id"]) == (201, 30, d_two.pk)
    assert api(org.users["admin"]).post(f"/api/v1/stock/transfers/{transfer_id}/receive").status_code == 200
    assert api(org.users["admin"]).get("/api/v1/stock/transfers", {"in_transit": "true"}).json()["count"] == 0
    assert api(org.users["admin"]).get("/api/v1/stock/transfers", {"in_transit": "false"}).json()["count"] == 1
    assert StockBalance.objects.get(warehouse=d_two).on_hand == 30


def test_transfer_refusals_write_nothing(org, api, stocked):
    before = ledger()
    payload = {"from_warehouse_id": org.warehouses["D-ONE"].pk, "to_warehouse_id": org.warehouses["D-FOUR"].pk,
               "sku_id": org.skus["SKU-1"].pk, "batch_id": stocked.pk, "quantity": 30}
    assert api(org.users["dist_one"]).post("/api/v1/stock/transfers", payload).status_code == 422  # D-FOUR out of scope
    assert api(org.users["rep_del1"]).post("/api/v1/stock/transfers", payload).status_code == 403
    assert api(None).post("/api/v1/stock/transfers", payload).status_code == 401
    response = api(org.users["admin"]).post("/api/v1/stock/transfers", {**payload, "quantity": 101})
    assert (response.status_code, response.json()["code"]) == (409, "insufficient_stock")
    assert ledger() == before


def test_move_reverse(org, api, stocked):
    move = StockMove.objects.get(warehouse=org.warehouses["D-ONE"])
    assert api(org.users["dist_four"]).post(f"/api/v1/stock/moves/{move.pk}/reverse", {}).status_code == 404
    assert api(org.users["rep_del1"]).post(f"/api/v1/stock/moves/{move.pk}/reverse", {}).status_code == 403
    response = api(org.users["dist_one"]).post(f"/api/v1/stock/moves/{move.pk}/reverse", {"note": "wrong batch"})
    assert (response.status_code, response.json()["quantity"], response.json()["reverses_id"]) == (201, -100, move.pk)
    assert api(org.users["dist_one"]).post(f"/api/v1/stock/moves/{move.pk}/reverse", {}).status_code == 200
    again = api(org.users["dist_one"]).post(f"/api/v1/stock/moves/{response.json()['id']}/reverse", {})
    assert (again.status_code, again.json()["code"]) == (409, "not_reversible")


# Counts ------------------------------------------------------------------------------------------------

def count(org, batch, counted, **changes):
    return {"warehouse_id": org.warehouses["D-ONE"].pk, "lines": [{"batch_id": batch.pk, "counted": counted}], **changes}


def test_count_dry_run_reports_the_variance_and_posts_nothing(org, api, stocked):
    before = ledger()
    response = api(org.users["dist_one"]).post("/api/v1/stock/counts", count(org, stocked, 97, dry_run=True))
    assert response.status_code == 200
    assert response.json() == {"warehouse_id": org.warehouses["D-ONE"].pk, "posted": False,
                               "lines": [{"batch_id": stocked.pk, "book": 100, "counted": 97, "difference": -3}]}
    assert ledger() == before


def test_count_posts_the_variance_as_an_adjustment(org, api, stocked):
    response = api(org.users["dist_one"]).post("/api/v1/stock/counts", count(org, stocked, 97))
    assert (response.status_code, response.json()["posted"]) == (201, True)
    move = StockMove.objects.latest("pk")
    assert (move.kind, move.reason, move.quantity) == ("adjustment", "count_variance", -3)


@pytest.mark.parametrize("dry_run", [True, False])
def test_count_of_a_batch_that_does_not_exist_is_422_unknown_batch(org, api, stocked, dry_run):
    before = ledger()
    payload = {"warehouse_id": org.warehouses["D-ONE"].pk, "dry_run": dry_run,
               "lines": [{"batch_id": stocked.pk, "counted": 1}, {"batch_id": 987654, "counted": 1}]}
    response = api(org.users["admin"]).post("/api/v1/stock/counts", payload)
    assert (response.status_code, response.json()["code"]) == (422, "unknown_batch")
    assert ledger() == before


def test_count_refusals(org, api, stocked):
    before = ledger()
    assert api(org.users["dist_four"]).post("/api/v1/stock/counts", count(org, stocked, 1)).status_code == 422  # warehouse out of scope
    assert api(org.users["rep_del1"]).post("/api/v1/stock/counts", count(org, stocked, 1)).status_code == 403
    assert api(None).post("/api/v1/stock/counts", count(org, stocked, 1)).status_code == 401
    twice = {"warehouse_id": org.warehouses["D-ONE"].pk, "lines": [{"batch_id": stocked.pk, "counted": 1}] * 2}
    response = api(org.users["admin"]).post("/api/v1/stock/counts", twice)
    assert (response.status_code, response.json()["fields"]["lines"][0]["code"]) == (422, "duplicate_batch")
    assert ledger() == before


# Days of cover -----------------------------------------------------------------------------------------

def test_stock_rows_carry_days_of_cover(org, api, stocked):
    reservation = services.stock_reserve(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"],
                                         batch=stocked, quantity=56, source_key="o-1")
    services.stock_issue_reserved(by=org.users["admin"], reservation=reservation, quantity=56)  # 2 a day over 28 days
    rows = {r["warehouse_code"]: r for r in api(org.users["admin"]).get("/api/v1/stock").json()["items"]}
    assert rows["W-D-ONE"]["days_of_cover"] == "22.0"  # 44 available ÷ 2 a day
    assert rows["W-D-FOUR"]["days_of_cover"] is None  # nothing sold
    assert rows["W-D-ONE"]["value"] == "330.00"  # 44 on hand at the base price 7.50
