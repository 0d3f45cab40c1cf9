"""The order API: create (idempotent), list, detail, edit lines, actions; errors field by field,
scope and roles. Failure tests also assert that nothing was written."""

from decimal import Decimal

import pytest

from distra.inventory.models import StockBalance, StockReservation
from distra.orders.models import Order, OrderEvent, OrderLine, OrderPolicy
from distra.orders.tests.conftest import make_batch, receive

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders"


def body(org, outlet="O-DEL1-A", **extra):
    return {"outlet_id": org.outlets[outlet].pk, "lines": [{"sku_id": org.skus["SKU-1"].pk, "quantity": 10}], **extra}


def counts():
    return (Order.objects.count(), OrderLine.objects.count(), OrderEvent.objects.count(),
            StockReservation.objects.count(), list(StockBalance.objects.order_by("pk").values_list("reserved", flat=True)))


def test_create_submit_answers_201_with_lines_allocations_and_timeline(org, api, stocked, sku2):
    payload = body(org, submit=True, note="Deliver before noon", requested_on="2030-01-02")
    payload["lines"] = [{"sku_id": org.skus["SKU-1"].pk, "cases": 1, "units": 12, "discount_pct": "5"},
                        {"sku_id": sku2.pk, "quantity": 40}]
    response = api(org.users["rep_del1"]).post(URL, payload, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content
    out = response.json()
    order = Order.objects.get(backorder_of=None)
    assert (out["id"], out["number"], out["status"], out["channel"]) == (order.pk, f"SO-{order.pk:07d}", "allocated", "api")
    assert (out["outlet_code"], out["distributor_code"], out["warehouse_code"]) == ("O-DEL1-A", "D-ONE", "W-D-ONE")
    assert (out["note"], out["requested_on"], out["awaiting_stock"], out["backorder_of_id"]) == (
        "Deliver before noon", "2030-01-02", False, None)
    first, second = out["lines"]
    assert (first["quantity"], first["cases"], first["units"], first["allocated"], first["discount_pct"]) == (60, 1, 12, 60, "5.00")
    assert [(a["batch_number"], a["quantity"]) for a in first["allocations"]] == [("S1-SOON", 50), ("S1-LATE", 10)]
    assert first["allocations"][0]["expires_on"] == stocked["S1-SOON"].expires_on.isoformat()
    assert (second["quantity"], second["allocated"], second["backordered"], second["cancelled"]) == (40, 30, 10, 0)
    backorder = Order.objects.get(backorder_of=order)
    assert out["shortfall"] == {"missing": 10, "awaiting_stock": False, "backorder_ids": [backorder.pk], "lines": [
        {"line_no": 2, "sku_id": sku2.pk, "sku_code": "SKU-2", "ordered": 40, "allocated": 30, "missing": 10,
         "resolution": "backordered"}]}
    assert [(e["kind"], e["to_status"]) for e in out["events"]] == [
        ("created", "draft"), ("status", "submitted"), ("status", "approved"), ("allocated", ""), ("shortfall", ""),
        ("status", "allocated")]
    assert out["events"][0]["username"] == "rep_del1"
    assert out["events"][0]["channel"] == "api"
    assert Decimal(out["total"]) == order.total


def test_retry_with_the_same_key_answers_200_with_the_first_order_and_writes_nothing(org, api, stocked):
    client = api(org.users["dist_one"])
    first = client.post(URL, body(org, submit=True), HTTP_IDEMPOTENCY_KEY="abc")
    before = counts()
    again = client.post(URL, body(org, submit=True), HTTP_IDEMPOTENCY_KEY="abc")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["status"] == "allocated"
    assert counts() == before


def test_client_order_id_works_as_the_key(org, api, stocked):
    client = api(org.users["dist_one"])
    first = client.post(URL, body(org, client_order_id="tab-7:31"))
    again = client.post(URL, body(org, client_order_id="tab-7:31"), HTTP_IDEMPOTENCY_KEY="tab-7:31")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.get().idempotency_key == "tab-7:31"


def test_same_key_with_another_body_is_422_and_writes_nothing(org, api, stocked):
    client = api(org.users["dist_one"])
    client.post(URL, body(org), HTTP_IDEMPOTENCY_KEY="abc")
    before = counts()
    other = body(org)
    other["lines"][0]["quantity"] = 11
    response = client.post(URL, other, HTTP_IDEMPOTENCY_KEY="abc")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert list(response.json()["fields"]) == ["idempotency_key"]
    assert counts() == before


def test_key_and_client_order_id_that_differ_are_422(org, api):
    response = api(org.users["dist_one"]).post(URL, body(org, client_order_id="a"), HTTP_IDEMPOTENCY_KEY="b")
    assert response.status_code == 422
    assert response.json()["fields"]["client_order_id"][0]["code"] == "idempotency_key_mismatch"
    assert Order.objects.count() == 0


def test_the_mobile_app_says_so_in_a_header(org, api):
    response = api(org.users["rep_del1"]).post(URL, body(org), HTTP_X_DISTRA_CHANNEL="mobile")
    assert response.status_code == 201
    assert response.json()["channel"] == "mobile"
    assert response.json()["events"][0]["channel"] == "mobile"


@pytest.mark.parametrize(("line", "path", "code"), [
    ({"quantity": 0}, "lines[1].quantity", "greater_than_equal"),
    ({"quantity": -3}, "lines[1].quantity", "greater_than_equal"),
    ({"quantity": 1.5}, "lines[1].quantity", "int_from_float"),
    ({"quantity": "ten"}, "lines[1].quantity", "int_parsing"),
    ({"quantity": 5, "discount_pct": "100.5"}, "lines[1].discount_pct", "less_than_equal"),
    ({"quantity": 5, "discount_pct": "1.234"}, "lines[1].discount_pct", "decimal_max_places"),
    ({}, "lines[1].quantity", "invalid_quantity"),
    ({"quantity": 5, "cases": 1}, "lines[1].quantity", "invalid_quantity"),
])
def test_bad_line_quantities_are_422_on_the_line_field(org, api, stocked, line, path, code):
    payload = body(org)
    payload["lines"].append({"sku_id": org.skus["SKU-1"].pk, **line})
    before = counts()
    response = api(org.users["dist_one"]).post(URL, payload)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert [p["code"] for p in response.json()["fields"][path]] == [code]
    assert counts() == before


def test_unknown_sku_and_out_of_scope_outlet_are_422_on_their_fields(org, api):
    client = api(org.users["dist_one"])
    payload = body(org)
    payload["lines"].append({"sku_id": 987654, "quantity": 1})
    response = client.post(URL, payload)
    assert response.status_code == 422
    assert response.json()["fields"] == {"lines[1].sku_id": [{"code": "not_found", "message": "No SKU with id 987654."}]}
    response = client.post(URL, body(org, outlet="O-MUM-A"))
    assert response.status_code == 422
    assert [p["code"] for p in response.json()["fields"]["outlet_id"]] == ["not_found"]
    response = client.post(URL, body(org, warehouse_id=org.warehouses["D-FOUR"].pk))
    assert [p["code"] for p in response.json()["fields"]["warehouse_id"]] == ["not_found"]
    response = client.post(URL, body(org, outlet="O-DEL2-B", warehouse_id=org.warehouses["D-ONE"].pk, lines=[]))
    assert [p["code"] for p in response.json()["fields"]["lines"]] == ["too_short"]
    assert Order.objects.count() == 0


def test_inactive_sku_and_duplicate_lines_are_422(org, api, sku2):
    sku2.is_active = False
    sku2.save()
    payload = body(org)
    payload["lines"] += [{"sku_id": sku2.pk, "quantity": 1}, {"sku_id": org.skus["SKU-1"].pk, "quantity": 2}]
    response = api(org.users["dist_one"]).post(URL, payload)
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert ([p["code"] for p in fields["lines[1].sku"]], [p["code"] for p in fields["lines[2].sku"]]) == (
        ["sku_inactive"], ["duplicate_sku"])
    assert Order.objects.count() == 0


def test_nothing_allocatable_under_the_cancel_policy_is_409_and_nothing_is_written(org, api, stocked, cancel_policy):
    StockBalance.objects.all()  # stock exists only at D-ONE; order from a batch-less SKU
    payload = body(org, submit=True)
    payload["lines"] = [{"sku_id": org.skus["SKU-1"].pk, "quantity": 10}]
    client = api(org.users["dist_one"])
    for balance in StockBalance.objects.filter(sku=org.skus["SKU-1"]):  # reserve all of SKU-1 first
        client.post(URL, {**body(org, submit=True), "lines": [{"sku_id": org.skus["SKU-1"].pk, "quantity": balance.on_hand}]})
    before = counts()
    response = client.post(URL, payload, HTTP_IDEMPOTENCY_KEY="late")
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert counts() == before


def test_an_order_whose_amounts_are_inexact_in_binary_floating_point_is_taken(org, api, sku2):
    # SQLite sums decimals in floating point: 418.00 + 50.16 != 468.16 there (the money checks
    # compare to the paisa since ab9247d).
    payload = {"outlet_id": org.outlets["O-DEL1-A"].pk, "lines": [{"sku_id": sku2.pk, "quantity": 19}]}
    response = api(org.users["dist_one"]).post(URL, payload)
    assert response.status_code == 201
    assert (response.json()["net"], response.json()["tax"], response.json()["total"]) == ("418.00", "50.16", "468.16")


def test_roles_without_order_taking_get_403_and_anonymous_401(org, api):
    assert api(org.users["brand"]).post(URL, body(org)).status_code == 403
    response = api(None).post(URL, body(org))
    assert response.status_code == 401
    assert api(None).get(URL).status_code == 401
    assert Order.objects.count() == 0


# List and detail -------------------------------------------------------------------------------

def make_orders(org, api):
    rep, dist4 = api(org.users["rep_del1"]), api(org.users["dist_four"])
    a = rep.post(URL, body(org)).json()
    b = rep.post(URL, body(org, outlet="O-DEL1-B", submit=True)).json()  # no stock: awaits stock (back-order policy)
    c = dist4.post(URL, body(org, outlet="O-MUM-A")).json()
    return a, b, c


def test_list_shows_only_the_callers_scope_with_filters_and_search(org, api):
    a, b, c = make_orders(org, api)
    ids = lambda response: [item["id"] for item in response.json()["items"]]  # noqa: E731
    admin = api(org.users["admin"])
    assert ids(admin.get(URL)) == [c["id"], b["id"], a["id"]]
    assert ids(api(org.users["dist_one"]).get(URL)) == [b["id"], a["id"]]
    assert ids(api(org.users["rep_mum"]).get(URL)) == [c["id"]]
    assert ids(admin.get(URL, {"status": "approved"})) == [b["id"]]
    assert ids(admin.get(URL, {"awaiting_stock": "true"})) == [b["id"]]
    assert ids(admin.get(URL, {"distributor_id": org.distributors["D-FOUR"].pk})) == [c["id"]]
    assert ids(admin.get(URL, {"outlet_id": org.outlets["O-DEL1-A"].pk})) == [a["id"]]
    assert ids(admin.get(URL, {"search": a["number"]})) == [a["id"]]
    assert ids(admin.get(URL, {"search": "mum"})) == [c["id"]]
    assert ids(admin.get(URL, {"sort": "created_at"})) == [a["id"], b["id"], c["id"]]
    page = admin.get(URL, {"limit": 1, "offset": 1}).json()
    assert (page["count"], [i["id"] for i in page["items"]]) == (3, [b["id"]])
    assert admin.get(URL, {"sort": "outlet"}).status_code == 422


def test_detail_is_404_outside_the_scope(org, api):
    a, b, c = make_orders(org, api)
    assert api(org.users["dist_one"]).get(f"{URL}/{c['id']}").status_code == 404
    assert api(org.users["dist_one"]).get(f"{URL}/987654").status_code == 404
    detail = api(org.users["rep_mum"]).get(f"{URL}/{c['id']}")
    assert detail.status_code == 200
    assert detail.json()["lines"][0]["sku_code"] == "SKU-1"


def test_awaiting_stock_order_shows_its_whole_shortfall(org, api):
    _, b, _ = make_orders(org, api)
    assert b["status"] == "approved"
    assert b["shortfall"] == {"missing": 10, "awaiting_stock": True, "backorder_ids": [], "lines": [
        {"line_no": 1, "sku_id": org.skus["SKU-1"].pk, "sku_code": "SKU-1", "ordered": 10, "allocated": 0, "missing": 10,
         "resolution": "awaiting_stock"}]}


# Actions -----------------------------------------------------------------------------------------

def test_edit_lines_then_submit_then_cancel_releases_the_stock(org, api, stocked, sku2):
    client = api(org.users["dist_one"])
    order = client.post(URL, body(org)).json()
    edited = client.put(f"{URL}/{order['id']}/lines", {"lines": [{"sku_id": sku2.pk, "cases": 1}]})
    assert edited.status_code == 200, edited.content
    assert [(li["sku_code"], li["quantity"]) for li in edited.json()["lines"]] == [("SKU-2", 24)]
    submitted = client.post(f"{URL}/{order['id']}/submit")
    assert submitted.json()["status"] == "allocated"
    assert StockBalance.objects.get(batch=stocked["S2-A"]).reserved == 24
    refused = client.put(f"{URL}/{order['id']}/lines", {"lines": [{"sku_id": sku2.pk, "quantity": 1}]})
    assert (refused.status_code, refused.json()["code"]) == (409, "order_not_editable")
    assert client.post(f"{URL}/{order['id']}/cancel", {"reason": ""}).status_code == 422
    cancelled = client.post(f"{URL}/{order['id']}/cancel", {"reason": "Outlet closed for a wedding"})
    assert (cancelled.status_code, cancelled.json()["status"], cancelled.json()["cancel_reason"]) == (
        200, "cancelled", "Outlet closed for a wedding")
    assert cancelled.json()["shortfall"]["lines"] == []
    assert StockBalance.objects.get(batch=stocked["S2-A"]).reserved == 0


def test_approval_rule_then_approve_or_reject(org, api, stocked):
    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], approval_value_above=Decimal("50"))
    rep, dist = api(org.users["rep_del1"]), api(org.users["dist_one"])
    first = rep.post(URL, body(org, submit=True)).json()
    second = rep.post(URL, body(org, submit=True)).json()
    assert (first["status"], second["status"]) == ("pending_approval", "pending_approval")
    assert rep.post(f"{URL}/{first['id']}/approve").status_code == 403  # reps take orders, they do not approve
    approved = dist.post(f"{URL}/{first['id']}/approve", {"note": "Known outlet"})
    assert approved.json()["status"] == "allocated"
    rejected = dist.post(f"{URL}/{second['id']}/reject", {"reason": "Duplicate of the first"})
    assert (rejected.json()["status"], rejected.json()["cancel_reason"]) == ("rejected", "Duplicate of the first")
    again = dist.post(f"{URL}/{second['id']}/approve")
    assert (again.status_code, again.json()["code"]) == (409, "transition_not_allowed")


def test_allocate_after_stock_arrives(org, api):
    client = api(org.users["dist_one"])
    order = client.post(URL, body(org, submit=True)).json()
    assert order["awaiting_stock"] is True
    receive(org, org.warehouses["D-ONE"], make_batch(org, org.skus["SKU-1"], "NEW", expires_in_days=100), 8)
    allocated = client.post(f"{URL}/{order['id']}/allocate")
    assert allocated.status_code == 200, allocated.content
    out = allocated.json()
    assert (out["status"], out["awaiting_stock"], out["lines"][0]["allocated"], out["lines"][0]["backordered"]) == (
        "allocated", False, 8, 2)
    assert out["shortfall"]["lines"][0]["resolution"] == "backordered"


def test_actions_on_an_order_of_another_scope_are_404_and_change_nothing(org, api, stocked):
    order = api(org.users["dist_four"]).post(URL, body(org, outlet="O-MUM-A")).json()
    client = api(org.users["dist_one"])
    before = counts()
    for action, payload in [("submit", None), ("approve", None), ("allocate", None), ("cancel", {"reason": "x"}),
                            ("reject", {"reason": "x"})]:
        response = client.post(f"{URL}/{order['id']}/{action}", payload)
        assert (action, response.status_code) == (action, 404)
    assert client.put(f"{URL}/{order['id']}/lines", {"lines": [{"sku_id": org.skus["SKU-1"].pk, "quantity": 1}]}).status_code == 404
    assert counts() == before
    assert Order.objects.get(pk=order["id"]).status == "draft"


@pytest.mark.parametrize(("method", "path"), [
    ("get", ""), ("post", ""), ("get", "/metrics"), ("get", "/{id}"), ("put", "/{id}/lines"), ("post", "/{id}/submit"),
    ("post", "/{id}/approve"), ("post", "/{id}/reject"), ("post", "/{id}/cancel"), ("post", "/{id}/allocate"),
])
def test_every_order_endpoint_refuses_an_anonymous_caller(org, api, method, path):
    order = api(org.users["dist_one"]).post(URL, body(org)).json()
    before = counts()
    response = getattr(api(None), method)(URL + path.format(id=order["id"]), *([{"reason": "x"}] if method != "get" else []))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert counts() == before


@pytest.mark.parametrize(("user", "action", "payload", "expected"), [
    ("brand", "submit", None, 403),       # brand managers approve, they do not take orders
    ("brand", "cancel", {"reason": "x"}, 403),
    ("rep_del1", "approve", None, 403),
    ("rep_del1", "reject", {"reason": "x"}, 403),
    ("rep_mum", "submit", None, 404),     # another territory's order
    ("asm_delhi", "submit", None, 200),
])
def test_actions_answer_each_role_and_scope(org, api, user, action, payload, expected):
    order = api(org.users["dist_one"]).post(URL, body(org)).json()
    before = counts()
    response = api(org.users[user]).post(f"{URL}/{order['id']}/{action}", payload)
    assert response.status_code == expected, response.content
    if expected != 200:
        assert response.json()["code"] == {403: "forbidden", 404: "not_found"}[expected]
        assert counts() == before
