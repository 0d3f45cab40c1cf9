"""The purchasing API: every endpoint × every role × own/other scope (401/403/404/2xx, as
distra/core/tests/test_api_access.py does for the master data), lists, idempotent creation,
and bad input answered with a stable code and nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from distra.inventory.models import StockBalance, StockMove
from distra.partners.models import Warehouse
from distra.purchasing import services
from distra.purchasing.models import GoodsReceipt, PurchaseOrder, PurchaseOrderEvent, Shipment

pytestmark = pytest.mark.django_db

USERS = ["admin", "brand", "asm_delhi", "asm_mumbai", "dist_one", "dist_four", "rep_del1", "rep_mum"]
VIEWERS = set(USERS) - {"rep_del1", "rep_mum"}
ORDERERS = {"admin", "dist_one", "dist_four"}
BRAND = {"admin", "brand"}
HOME = {"admin": "D-ONE", "brand": "D-ONE", "asm_delhi": "D-ONE", "asm_mumbai": "D-FOUR", "dist_one": "D-ONE",
        "dist_four": "D-FOUR", "rep_del1": "D-ONE", "rep_mum": "D-FOUR"}
AWAY = {"asm_delhi": "D-FOUR", "asm_mumbai": "D-ONE", "dist_one": "D-FOUR", "dist_four": "D-ONE", "rep_del1": "D-FOUR", "rep_mum": "D-ONE"}
VISIBLE_ORDERS = {"admin": {"D-ONE", "D-FOUR"}, "brand": {"D-ONE", "D-FOUR"}, "asm_delhi": {"D-ONE"}, "asm_mumbai": {"D-FOUR"},
                  "dist_one": {"D-ONE"}, "dist_four": {"D-FOUR"}}
ORDER_BY = {"D-ONE": "dist_one", "D-FOUR": "dist_four"}
STEPS = ["draft", "submitted", "confirmed", "shipped", "received"]


def written():
    return (list(PurchaseOrder.objects.values()), list(PurchaseOrderEvent.objects.values()), list(Shipment.objects.values()),
            list(GoodsReceipt.objects.values()), list(StockMove.objects.values("id")), list(StockBalance.objects.values()),
            list(Warehouse.objects.values()))


def order_at(org, depot, code: str, status: str) -> PurchaseOrder:
    """An order of distributor ``code`` (100 units of SKU-1) taken as far as ``status``."""
    owner, admin = org.users[ORDER_BY[code]], org.users["admin"]
    order = services.po_create(by=owner, warehouse=org.warehouses[code], lines=[{"sku_id": org.skus["SKU-1"].pk, "quantity": 100}])
    reached = STEPS.index(status)
    if reached >= 1:
        services.po_submit(by=owner, order=order)
    if reached >= 2:
        services.po_confirm(by=admin, order=order)
    if reached >= 3:
        shipment = services.po_ship(by=admin, order=order, depot=depot.warehouse)
    if reached >= 4:
        services.grn_post(by=owner, shipment=shipment)
    order.refresh_from_db()
    return order


@dataclass
class Endpoint:
    name: str
    method: str
    path: str  # with {pk}
    status: str  # the order's status the call needs
    allowed: set[str]
    success: int = 200
    payload: Callable | None = None  # (org, depot, order) -> body
    on_shipment: bool = False
    view_first: bool = False
    after: str | None = None  # the order's status after a successful call


def _lines(org, depot, order):
    return {"lines": [{"sku_id": org.skus["SKU-1"].pk, "cases": 2}]}


ENDPOINTS = [
    Endpoint("get", "get", "/orders/{pk}", "draft", VIEWERS, view_first=True, after="draft"),
    Endpoint("lines", "put", "/orders/{pk}/lines", "draft", ORDERERS, payload=_lines, after="draft"),
    Endpoint("submit", "post", "/orders/{pk}/submit", "draft", ORDERERS, after="submitted"),
    Endpoint("confirm", "post", "/orders/{pk}/confirm", "submitted", BRAND, payload=lambda o, d, order: {}, after="confirmed"),
    Endpoint("cancel", "post", "/orders/{pk}/cancel", "submitted", BRAND | ORDERERS, payload=lambda o, d, order: {}, after="cancelled"),
    Endpoint("close", "post", "/orders/{pk}/close", "received", BRAND | ORDERERS, payload=lambda o, d, order: {}, after="closed"),
    Endpoint("ship", "post", "/orders/{pk}/ship", "confirmed", BRAND, success=201,
             payload=lambda o, depot, order: {"depot_id": depot.warehouse.pk}, after="shipped"),
    Endpoint("shipment_get", "get", "/shipments/{pk}", "shipped", VIEWERS, on_shipment=True, view_first=True, after="shipped"),
    Endpoint("receipt", "post", "/shipments/{pk}/receipt", "shipped", ORDERERS, success=201, payload=lambda o, d, order: {},
             on_shipment=True, after="received"),
]


def _expected(endpoint: Endpoint, username: str, where: str) -> int:
    if endpoint.view_first and username not in endpoint.allowed:
        return 403
    if where == "away":
        return 404
    return endpoint.success if username in endpoint.allowed else 403


CASES = [
    pytest.param(e, u, w, _expected(e, u, w), id=f"{e.name}-{u}-{w}")
    for e in ENDPOINTS for u in USERS for w in ("home", "away") if w == "home" or u in AWAY
]


def _call(client, endpoint: Endpoint, path: str, payload):
    if endpoint.method == "get":
        return client.get(path)
    return client._send(endpoint.method, path, payload if payload is not None else {})


@pytest.mark.parametrize(("endpoint", "username", "where", "expected"), CASES)
def test_endpoint_answers_each_role_and_scope(org, api, depot, endpoint, username, where, expected):
    order = order_at(org, depot, (HOME if where == "home" else AWAY)[username], endpoint.status)
    row = order.shipments.get() if endpoint.on_shipment else order
    payload = endpoint.payload(org, depot, order) if endpoint.payload else None
    before = written()
    response = _call(api(org.users[username]), endpoint, "/api/v1/purchasing" + endpoint.path.format(pk=row.pk), payload)
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["code"] == {403: "forbidden", 404: "not_found"}[expected]
        assert written() == before
        return
    order.refresh_from_db()
    assert order.status == endpoint.after
    body = response.json()
    assert body["id"] == (GoodsReceipt.objects.get().pk if endpoint.name == "receipt" else
                          Shipment.objects.get().pk if endpoint.name in ("ship", "shipment_get") else order.pk)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_endpoint_refuses_anonymous_caller(org, api, depot, endpoint):
    order = order_at(org, depot, "D-ONE", endpoint.status)
    row = order.shipments.get() if endpoint.on_shipment else order
    before = written()
    response = _call(api(None), endpoint, "/api/v1/purchasing" + endpoint.path.format(pk=row.pk), {})
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert written() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_endpoint_answers_404_for_an_id_that_does_not_exist(org, api, depot, endpoint):
    payload = endpoint.payload(org, depot, None) if endpoint.payload else None
    response = _call(api(org.users["admin"]), endpoint, "/api/v1/purchasing" + endpoint.path.format(pk=987654), payload)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("username", USERS)
def test_order_list_shows_exactly_the_callers_scope(org, api, depot, username):
    for code in ("D-ONE", "D-FOUR"):
        order_at(org, depot, code, "draft")
    response = api(org.users[username]).get("/api/v1/purchasing/orders", {"limit": 100})
    if username not in VIEWERS:
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        return
    body = response.json()
    assert {item["distributor_code"] for item in body["items"]} == VISIBLE_ORDERS[username]
    assert body["count"] == len(VISIBLE_ORDERS[username])


def test_order_list_filters(org, api, depot):
    draft = order_at(org, depot, "D-ONE", "draft")
    shipped = order_at(org, depot, "D-ONE", "shipped")
    four = order_at(org, depot, "D-FOUR", "submitted")
    client = api(org.users["brand"])

    def ids(**params):
        return [item["id"] for item in client.get("/api/v1/purchasing/orders", params).json()["items"]]

    assert ids() == [four.pk, shipped.pk, draft.pk]
    assert ids(status="shipped") == [shipped.pk]
    assert ids(distributor_id=org.distributors["D-FOUR"].pk) == [four.pk]
    assert ids(search="PO-00002") == [shipped.pk]
    assert ids(sort="number") == [draft.pk, four.pk, shipped.pk]  # PO-00001 of D-ONE and of D-FOUR, then PO-00002
    assert client.get("/api/v1/purchasing/orders", {"status": "lost"}).status_code == 422


@pytest.mark.parametrize("username", USERS)
def test_depots_are_listed_only_for_the_brands_own_users(org, api, depot, username):
    response = api(org.users[username]).get("/api/v1/purchasing/depots")
    if username in ("rep_del1", "rep_mum"):
        assert response.status_code == 403
        return
    assert [d["code"] for d in response.json()["items"]] == (["DEPOT-N"] if username in BRAND else [])


@pytest.mark.parametrize("username", USERS)
def test_depot_create_is_for_administrators(org, api, username):
    before = written()
    response = api(org.users[username]).post("/api/v1/purchasing/depots", {"code": "DEPOT-S", "name": "South depot"})
    if username != "admin":
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        assert written() == before
        return
    assert response.status_code == 201
    depot = Warehouse.objects.get(code="DEPOT-S")
    assert (depot.kind, depot.distributor_id, response.json()["id"]) == ("depot", None, depot.pk)


def test_warehouses_and_stock_show_a_depot_to_the_brand_only(org, api, depot):
    brand = api(org.users["brand"]).get("/api/v1/warehouses", {"limit": 100}).json()["items"]
    assert {(w["code"], w["kind"], w["distributor_id"]) for w in brand if w["code"] == "DEPOT-N"} == {("DEPOT-N", "depot", None)}
    stock = api(org.users["brand"]).get("/api/v1/stock", {"warehouse_id": depot.warehouse.pk}).json()["items"]
    assert {(s["batch_number"], s["distributor_id"]) for s in stock} == {("EARLY", None), ("LATE", None), ("EXPIRED", None)}
    for username in ("asm_delhi", "dist_one", "rep_del1"):
        assert "DEPOT-N" not in {w["code"] for w in api(org.users[username]).get("/api/v1/warehouses").json().get("items", [])}
        assert api(org.users[username]).get("/api/v1/stock", {"warehouse_id": depot.warehouse.pk}).json()["items"] == []


@pytest.mark.parametrize("username", USERS)
def test_create_answers_each_role(org, api, username):
    before = written()
    body = {"warehouse_id": org.warehouses[HOME[username]].pk, "lines": [{"sku_id": org.skus["SKU-1"].pk, "cases": 1, "units": 2}]}
    response = api(org.users[username]).post("/api/v1/purchasing/orders", body)
    if username not in ORDERERS:
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
        assert written() == before
        return
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["status"], body["total"]) == ("PO-00001", "draft", "375.00")
    assert [(ln["sku_code"], ln["quantity"], ln["price"], ln["amount"]) for ln in body["lines"]] == [("SKU-1", 50, "7.50", "375.00")]
    assert [(e["action"], e["to_status"], e["channel"], e["username"]) for e in body["events"]] == [("created", "draft", "api", username)]


@pytest.mark.parametrize("username", ["dist_one", "dist_four"])
def test_create_for_another_distributors_warehouse_is_422_on_that_field(org, api, username):
    before = written()
    body = {"warehouse_id": org.warehouses[AWAY[username]].pk, "lines": [{"sku_id": org.skus["SKU-1"].pk, "quantity": 60}]}
    response = api(org.users[username]).post("/api/v1/purchasing/orders", body)
    assert response.status_code == 422
    assert [p["code"] for p in response.json()["fields"]["warehouse_id"]] == ["not_found"]
    assert written() == before


def test_create_refuses_anonymous(org, api):
    response = api(None).post("/api/v1/purchasing/orders", {"warehouse_id": org.warehouses["D-ONE"].pk, "lines": []})
    assert response.status_code == 401
    assert PurchaseOrder.objects.count() == 0


def test_a_retried_create_with_the_same_idempotency_key_returns_the_first_order(org, api):
    client = api(org.users["dist_one"])
    body = {"warehouse_id": org.warehouses["D-ONE"].pk, "lines": [{"sku_id": org.skus["SKU-1"].pk, "quantity": 96}]}
    first = client.post("/api/v1/purchasing/orders", body, HTTP_IDEMPOTENCY_KEY="po-2026-001")
    again = client.post("/api/v1/purchasing/orders", body, HTTP_IDEMPOTENCY_KEY="po-2026-001")
    other = client.post("/api/v1/purchasing/orders", body, HTTP_IDEMPOTENCY_KEY="po-2026-002")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json() == first.json()
    assert PurchaseOrder.objects.count() == 2
    too_long = client.post("/api/v1/purchasing/orders", body, HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert too_long.status_code == 422
    assert PurchaseOrder.objects.count() == 2


@pytest.mark.parametrize(("line", "field", "code"), [
    ({"quantity": 0}, "lines[0].quantity", "greater_than_equal"),
    ({"quantity": -5}, "lines[0].quantity", "greater_than_equal"),
    ({"quantity": 1.5}, "lines[0].quantity", "int_from_float"),
    ({"quantity": "many"}, "lines[0].quantity", "int_parsing"),
    ({"cases": 0, "units": 0}, "lines[0].quantity", "invalid_quantity"),
    ({"cases": -1, "units": 0}, "lines[0].cases", "greater_than_equal"),
    ({"quantity": 10}, "lines[0].quantity", "below_moq"),
    ({"sku_id": 987654, "quantity": 60}, "lines[0].sku_id", "not_found"),
    ({"sku_id": 0, "quantity": 60}, "lines[0].sku_id", "greater_than_equal"),
])
def test_bad_order_lines_are_422_field_by_field_and_write_nothing(org, api, line, field, code):
    before = written()
    body = {"warehouse_id": org.warehouses["D-ONE"].pk, "lines": [{"sku_id": org.skus["SKU-1"].pk, **line}]}
    response = api(org.users["dist_one"]).post("/api/v1/purchasing/orders", body)
    assert response.status_code == 422, response.content
    assert [p["code"] for p in response.json()["fields"].get(field, [])] == [code], response.json()
    assert written() == before


def test_a_depot_or_unknown_warehouse_cannot_be_ordered_into(org, api, depot):
    before = written()
    lines = [{"sku_id": org.skus["SKU-1"].pk, "quantity": 60}]
    for user, warehouse_id, code in (("admin", depot.warehouse.pk, "not_orderable"), ("dist_one", depot.warehouse.pk, "not_found"),
                                     ("dist_one", 987654, "not_found")):
        response = api(org.users[user]).post("/api/v1/purchasing/orders", {"warehouse_id": warehouse_id, "lines": lines})
        assert response.status_code == 422
        assert [p["code"] for p in response.json()["fields"]["warehouse_id"]] == [code]
    assert written() == before


@pytest.mark.parametrize(("status", "action", "user"), [
    ("draft", "confirm", "brand"), ("submitted", "submit", "dist_one"), ("confirmed", "submit", "dist_one"),
    ("shipped", "cancel", "brand"), ("received", "cancel", "dist_one"), ("submitted", "close", "brand"),
])
def test_a_forbidden_transition_is_409_invalid_transition_and_writes_nothing(org, api, depot, status, action, user):
    order = order_at(org, depot, "D-ONE", status)
    before = written()
    response = api(org.users[user]).post(f"/api/v1/purchasing/orders/{order.pk}/{action}", {})
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    assert written() == before


def test_ship_and_receive_over_http_with_cuts_and_a_discrepancy(org, api, depot):
    order = order_at(org, depot, "D-ONE", "submitted")
    line = order.lines.get()
    brand, dist = api(org.users["brand"]), api(org.users["dist_one"])
    confirmed = brand.post(f"/api/v1/purchasing/orders/{order.pk}/confirm", {"lines": [{"line_id": line.pk, "quantity": 70}]}).json()
    assert (confirmed["status"], confirmed["lines"][0]["confirmed_quantity"], confirmed["total"]) == ("confirmed", 70, "525.00")
    too_much = brand.post(f"/api/v1/purchasing/orders/{order.pk}/ship",
                          {"depot_id": depot.warehouse.pk, "lines": [{"line_id": line.pk, "quantity": 71}]})
    assert (too_much.status_code, too_much.json()["code"]) == (409, "more_than_confirmed")
    shipment = brand.post(f"/api/v1/purchasing/orders/{order.pk}/ship", {"depot_id": depot.warehouse.pk}).json()
    assert [(sl["batch_number"], sl["quantity"]) for sl in shipment["lines"]] == [("EARLY", 60), ("LATE", 10)]
    early, late = (sl["id"] for sl in shipment["lines"])
    over = dist.post(f"/api/v1/purchasing/shipments/{shipment['id']}/receipt", {"lines": [{"shipment_line_id": late, "good": 11}]})
    assert (over.status_code, over.json()["code"], list(over.json()["fields"])) == (422, "more_than_shipped", ["lines[0]"])
    grn = dist.post(f"/api/v1/purchasing/shipments/{shipment['id']}/receipt",
                    {"lines": [{"shipment_line_id": early, "good": 58, "damaged": 2}, {"shipment_line_id": late, "good": 10, "excess": 1}]})
    assert grn.status_code == 201
    body = grn.json()
    assert body["has_discrepancy"] is True
    assert [(ln["shipped"], ln["good"], ln["damaged"], ln["short"], ln["excess"]) for ln in body["lines"]] == [(60, 58, 2, 0, 0), (10, 10, 0, 0, 1)]
    again = dist.post(f"/api/v1/purchasing/shipments/{shipment['id']}/receipt", {})
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    detail = dist.get(f"/api/v1/purchasing/orders/{order.pk}").json()
    assert detail["status"] == "received"
    assert [e["action"] for e in detail["events"]] == ["created", "submitted", "confirmed", "shipped", "received"]
    assert detail["shipments"][0]["receipt"]["number"] == body["number"]
    stock = {b.batch.batch_number: b.on_hand for b in StockBalance.objects.filter(warehouse=org.warehouses["D-ONE"]).select_related("batch")}
    assert stock == {"EARLY": 58, "LATE": 11}
