"""The stock API: who may call what (401/403/404/422/409), scope, filters and the stock card."""

from datetime import date

import pytest

from distra.inventory import services
from distra.inventory.models import Batch, StockBalance, StockMove

pytestmark = pytest.mark.django_db

USERS = ["admin", "brand", "asm_delhi", "asm_mumbai", "dist_one", "dist_four", "rep_del1", "rep_mum"]
VISIBLE_STOCK = {  # warehouse codes each user's stock list shows
    "admin": {"W-D-ONE", "W-D-FOUR"}, "brand": {"W-D-ONE", "W-D-FOUR"}, "asm_delhi": {"W-D-ONE"}, "asm_mumbai": {"W-D-FOUR"},
    "dist_one": {"W-D-ONE"}, "dist_four": {"W-D-FOUR"}, "rep_del1": {"W-D-ONE"}, "rep_mum": {"W-D-FOUR"},
}
POSTERS = {"admin", "brand", "dist_one", "dist_four"}  # brand managers run the brand's depots
HOME = {"admin": "D-ONE", "brand": "DEPOT", "dist_one": "D-ONE", "dist_four": "D-FOUR"}
AWAY = {"dist_one": "D-FOUR", "dist_four": "D-ONE"}


@pytest.fixture
def stocked(org, batch):
    for code, qty in (("D-ONE", 100), ("D-FOUR", 40)):
        services.stock_receive(by=org.users["admin"], warehouse=org.warehouses[code], sku=org.skus["SKU-1"], batch=batch, quantity=qty)
    return batch


def snapshot():
    return (list(StockMove.objects.values()), list(StockBalance.objects.values()), list(Batch.objects.values()))


def receipt(org, code="D-ONE", **changes):
    return {"warehouse_id": org.warehouses[code].pk, "sku_id": org.skus["SKU-1"].pk, "batch_number": "B-NEW",
            "manufactured_on": "2026-03-01", "expires_on": "2026-09-01", "cases": 1, "units": 2, **changes}


def adjustment(org, batch, code="D-ONE", **changes):
    return {"warehouse_id": org.warehouses[code].pk, "sku_id": org.skus["SKU-1"].pk, "batch_id": batch.pk,
            "reason": "damage", "quantity": -5, **changes}


@pytest.mark.parametrize("username", USERS)
def test_stock_list_shows_exactly_the_callers_scope(org, api, stocked, username):
    response = api(org.users[username]).get("/api/v1/stock", {"limit": 100})
    assert response.status_code == 200
    body = response.json()
    assert {item["warehouse_code"] for item in body["items"]} == VISIBLE_STOCK[username]
    assert body["count"] == len(VISIBLE_STOCK[username])


@pytest.mark.parametrize("username", USERS)
def test_move_list_shows_exactly_the_callers_scope(org, api, stocked, username):
    body = api(org.users[username]).get("/api/v1/stock/moves", {"limit": 100}).json()
    codes = {org.warehouses[c].pk for c in ("D-ONE", "D-FOUR") if f"W-{c}" in VISIBLE_STOCK[username]}
    assert {item["warehouse_id"] for item in body["items"]} == codes


@pytest.mark.parametrize("path", ["/api/v1/stock", "/api/v1/stock/moves"])
def test_reads_refuse_anonymous(org, api, path):
    response = api(None).get(path)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


@pytest.mark.parametrize("path", ["/api/v1/stock/receipts", "/api/v1/stock/adjustments"])
def test_writes_refuse_anonymous(org, api, stocked, path):
    before = snapshot()
    response = api(None).post(path, receipt(org) if path.endswith("receipts") else adjustment(org, stocked))
    assert response.status_code == 401
    assert snapshot() == before


def test_stock_row_has_available_and_value_at_base_price(org, api, stocked):
    services.stock_reserve(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"], batch=stocked,
                           quantity=30, source_key="o-1")
    (row,) = api(org.users["dist_one"]).get("/api/v1/stock").json()["items"]
    assert {k: row[k] for k in ("on_hand", "reserved", "available", "value", "batch_number", "expires_on", "sku_code")} == {
        "on_hand": 100, "reserved": 30, "available": 70, "value": "750.00", "batch_number": "B-001", "expires_on": "2026-07-01",
        "sku_code": "SKU-1",
    }
    services.stock_release(by=org.users["admin"], reservation=stocked.reservations.get())


def test_stock_list_filters_and_sorts(org, api, stocked, batch2):
    services.stock_receive(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"], batch=batch2, quantity=7)
    client = api(org.users["admin"])
    rows = client.get("/api/v1/stock", {"warehouse_id": org.warehouses["D-ONE"].pk, "sort": "-expires_on"}).json()["items"]
    assert [r["batch_number"] for r in rows] == ["B-002", "B-001"]
    rows = client.get("/api/v1/stock", {"expiring_before": "2026-07-15", "sort": "-on_hand"}).json()["items"]
    assert [(r["warehouse_code"], r["on_hand"]) for r in rows] == [("W-D-ONE", 100), ("W-D-FOUR", 40)]
    assert client.get("/api/v1/stock", {"distributor_id": org.distributors["D-FOUR"].pk}).json()["count"] == 1
    assert client.get("/api/v1/stock", {"sort": "bogus"}).status_code == 422


def test_stock_card_shows_running_balance_whatever_the_filter(org, api, stocked):
    services.stock_adjust(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"], batch=stocked,
                          quantity=-10, reason="shrinkage")
    client = api(org.users["dist_one"])
    params = {"warehouse_id": org.warehouses["D-ONE"].pk, "sku_id": org.skus["SKU-1"].pk, "sort": "created_at"}
    card = client.get("/api/v1/stock/moves", params).json()["items"]
    assert [(m["kind"], m["quantity"], m["balance_after"]) for m in card] == [("receipt", 100, 100), ("adjustment", -10, 90)]
    only = client.get("/api/v1/stock/moves", {**params, "kind": "adjustment"}).json()["items"]
    assert [(m["quantity"], m["balance_after"], m["reason"]) for m in only] == [(-10, 90, "shrinkage")]


@pytest.mark.parametrize("username", USERS)
def test_receipt_answers_each_role(org, api, depot, username):
    before = snapshot()
    response = api(org.users[username]).post("/api/v1/stock/receipts", receipt(org, HOME.get(username, "D-ONE")))
    if username not in POSTERS:
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        assert snapshot() == before
        return
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["quantity"], body["batch_number"], body["user_id"]) == ("receipt", 50, "B-NEW", org.users[username].pk)
    assert StockBalance.objects.get(batch__batch_number="B-NEW").on_hand == 50


@pytest.mark.parametrize("username", sorted(AWAY))
def test_receipt_into_another_distributors_warehouse_is_refused(org, api, username):
    before = snapshot()
    response = api(org.users[username]).post("/api/v1/stock/receipts", receipt(org, AWAY[username]))
    assert response.status_code == 422
    assert [p["code"] for p in response.json()["fields"]["warehouse_id"]] == ["not_found"]
    assert snapshot() == before


def test_receipt_with_one_source_key_posts_once(org, api):
    client = api(org.users["dist_one"])
    first = client.post("/api/v1/stock/receipts", receipt(org, source_key="grn-9-1"))
    again = client.post("/api/v1/stock/receipts", receipt(org, source_key="grn-9-1"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert StockBalance.objects.get().on_hand == 50


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"cases": 0, "units": 0}, "quantity", "invalid_quantity"),
    ({"quantity": 0, "cases": 0, "units": 0}, "quantity", "greater_than_equal"),
    ({"quantity": 1.5, "cases": 0, "units": 0}, "quantity", "int_from_float"),
    ({"expires_on": "2026-01-01"}, "expires_on", "expires_before_made"),
    ({"sku_id": 987654}, "sku_id", "not_found"),
    ({"warehouse_id": 987654}, "warehouse_id", "not_found"),
])
def test_bad_receipt_is_422_and_writes_nothing(org, api, changes, field, code):
    before = snapshot()
    response = api(org.users["admin"]).post("/api/v1/stock/receipts", receipt(org, **changes))
    assert response.status_code == 422, response.content
    assert [p["code"] for p in response.json()["fields"][field]] == [code]
    assert snapshot() == before


def test_receipt_into_a_known_batch_with_other_dates_is_refused(org, api, stocked):
    before = snapshot()
    response = api(org.users["admin"]).post("/api/v1/stock/receipts", receipt(org, batch_number="B-001"))
    assert response.status_code == 422
    assert response.json()["fields"]["batch_number"][0]["code"] == "batch_dates_differ"
    assert snapshot() == before


@pytest.mark.parametrize("username", USERS)
def test_adjustment_answers_each_role(org, api, stocked, depot, username):
    services.stock_receive(by=org.users["admin"], warehouse=depot, sku=org.skus["SKU-1"], batch=stocked, quantity=10)
    before = snapshot()
    response = api(org.users[username]).post("/api/v1/stock/adjustments", adjustment(org, stocked, HOME.get(username, "D-ONE")))
    if username not in POSTERS:
        assert response.status_code == 403
        assert snapshot() == before
        return
    assert response.status_code == 201, response.content
    assert (response.json()["quantity"], response.json()["reason"]) == (-5, "damage")


def test_adjustment_below_available_is_409_and_writes_nothing(org, api, stocked):
    before = snapshot()
    response = api(org.users["dist_four"]).post("/api/v1/stock/adjustments", adjustment(org, stocked, "D-FOUR", quantity=-41))
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert snapshot() == before


def test_adjustment_needs_a_reason_from_the_list(org, api, stocked):
    response = api(org.users["admin"]).post("/api/v1/stock/adjustments", adjustment(org, stocked, reason="lost"))
    assert response.status_code == 422
    assert response.json()["fields"]["reason"][0]["code"] == "enum"


def test_adjustment_for_an_unknown_batch_is_422(org, api, stocked):
    response = api(org.users["admin"]).post("/api/v1/stock/adjustments", {**adjustment(org, stocked), "batch_id": 987654})
    assert response.status_code == 422
    assert response.json()["fields"]["batch_id"][0]["code"] == "not_found"


def test_adjustment_in_cases_and_units(org, api, stocked):
    response = api(org.users["admin"]).post("/api/v1/stock/adjustments", adjustment(org, stocked, quantity=None, cases=-1, units=-2))
    assert response.status_code == 201
    assert response.json()["quantity"] == -50


def test_stock_list_pages_do_not_overlap(org, api, stocked, batch2):
    services.stock_receive(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"], batch=batch2, quantity=7)
    client = api(org.users["admin"])
    everything = [r["id"] for r in client.get("/api/v1/stock", {"limit": 100}).json()["items"]]
    paged = [r["id"] for offset in range(3) for r in client.get("/api/v1/stock", {"limit": 1, "offset": offset}).json()["items"]]
    assert paged == everything
    assert len(everything) == 3


def test_batch_dates_come_back_exact(org, api):
    api(org.users["admin"]).post("/api/v1/stock/receipts", receipt(org))
    assert Batch.objects.get(batch_number="B-NEW").expires_on == date(2026, 9, 1)
