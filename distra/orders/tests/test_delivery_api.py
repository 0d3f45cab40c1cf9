"""The delivery API: dispatch, proof of delivery and returns over HTTP; errors line by line,
roles and scope. Failure tests also assert that nothing was written."""

import pytest

from distra.billing.models import CreditNote
from distra.orders.models import OrderReturn
from distra.orders.tests.test_delivery import by_sku, dispatched, invoiced, snapshot

pytestmark = pytest.mark.django_db


def url(order, action):
    return f"/api/v1/orders/{order.pk}/{action}"


def test_create_to_return_over_http(org, api, stocked, sku2):
    client = api(org.users["dist_one"])
    order = invoiced(org, sku2)
    response = client.post(url(order, "dispatch"), {"vehicle": "DL-1C-4321", "driver": "Ravi"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["dispatch_note"]) == ("dispatched", "DL-1C-4321 / Ravi")
    lines = by_sku(order)
    response = client.post(url(order, "deliver"), {"received_by": "Mr Sharma", "lines": [
        {"line_id": lines["SKU-1"].pk, "delivered": 60, "reason": "damaged"},
        {"line_id": lines["SKU-2"].pk, "delivered": 10}]})
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["status"] == "partially_delivered"
    assert [(li["sku_code"], li["delivered"], li["shortfall_reason"]) for li in out["lines"]] == [
        ("SKU-1", 60, "damaged"), ("SKU-2", 10, "")]
    assert [(a["batch_number"], a["delivered"]) for a in out["lines"][0]["allocations"]] == [("S1-SOON", 50), ("S1-LATE", 10)]
    assert out["events"][-1]["detail"]["received_by"] == "Mr Sharma"
    response = client.post(url(order, "returns"), {"reason": "Expiring soon", "lines": [
        {"line_id": lines["SKU-1"].pk, "quantity": 12, "condition": "saleable"}]}, HTTP_IDEMPOTENCY_KEY="r-1")
    assert response.status_code == 201, response.content
    ret = OrderReturn.objects.get()
    assert response.json() == {
        "id": ret.pk, "order_id": order.pk, "reason": "Expiring soon", "credit_note_id": ret.credit_note_id,
        "created_by_id": org.users["dist_one"].pk, "created_at": response.json()["created_at"], "status": "recorded",
        "lines": [{"line_id": lines["SKU-1"].pk, "sku_id": org.skus["SKU-1"].pk, "batch_id": stocked["S1-LATE"].pk,
                   "batch_number": "S1-LATE", "quantity": 10, "condition": "saleable"},
                  {"line_id": lines["SKU-1"].pk, "sku_id": org.skus["SKU-1"].pk, "batch_id": stocked["S1-SOON"].pk,
                   "batch_number": "S1-SOON", "quantity": 2, "condition": "saleable"}]}
    assert CreditNote.objects.get(pk=ret.credit_note_id).kind == "return"
    again = client.post(url(order, "returns"), {"reason": "Expiring soon", "lines": [
        {"line_id": lines["SKU-1"].pk, "quantity": 12, "condition": "saleable"}]}, HTTP_IDEMPOTENCY_KEY="r-1")
    assert (again.status_code, again.json()["id"], OrderReturn.objects.count()) == (200, ret.pk, 1)


def test_proof_of_delivery_errors_are_reported_per_line(org, api, stocked, sku2):
    order = dispatched(org, sku2)
    lines = by_sku(order)
    before = snapshot(order)
    response = api(org.users["dist_one"]).post(url(order, "deliver"), {"lines": [
        {"line_id": lines["SKU-1"].pk, "delivered": 71},
        {"line_id": lines["SKU-2"].pk, "delivered": 3, "reason": "lost"}]})
    assert response.status_code == 422
    assert {name: [p["code"] for p in problems] for name, problems in response.json()["fields"].items()} == {
        "lines[0].delivered": ["more_than_allocated"], "lines[1].reason": ["invalid_choice"]}
    assert snapshot(order) == before


def test_returning_more_than_delivered_is_a_422_on_the_line(org, api, stocked, sku2):
    order = dispatched(org, sku2)
    lines = by_sku(order)
    client = api(org.users["dist_one"])
    client.post(url(order, "deliver"), {"lines": [{"line_id": lines["SKU-1"].pk, "delivered": 70},
                                                  {"line_id": lines["SKU-2"].pk, "delivered": 10}]})
    before = snapshot(order)
    response = client.post(url(order, "returns"), {"reason": "r", "lines": [
        {"line_id": lines["SKU-2"].pk, "quantity": 11, "condition": "damaged"}]})
    assert response.status_code == 422
    assert [p["code"] for p in response.json()["fields"]["lines[0].quantity"]] == ["more_than_delivered"]
    assert snapshot(order) == before


def test_forbidden_transitions_are_409(org, api, stocked, sku2):
    order = invoiced(org, sku2)
    client = api(org.users["dist_one"])
    before = snapshot(order)
    deliver = client.post(url(order, "deliver"), {"lines": [{"line_id": by_sku(order)["SKU-1"].pk, "delivered": 1}]})
    returns = client.post(url(order, "returns"), {"reason": "r", "lines": [
        {"line_id": by_sku(order)["SKU-1"].pk, "quantity": 1, "condition": "saleable"}]})
    assert (deliver.status_code, deliver.json()["code"]) == (409, "transition_not_allowed")
    assert (returns.status_code, returns.json()["code"]) == (409, "order_not_delivered")
    assert client.post(url(order, "dispatch"), {"vehicle": "V", "driver": "D"}).status_code == 200
    again = client.post(url(order, "dispatch"), {"vehicle": "V", "driver": "D"})
    assert (again.status_code, again.json()["code"]) == (409, "transition_not_allowed")
    assert snapshot(order)["lines"] == before["lines"]


@pytest.mark.parametrize(("user", "status"), [
    (None, 401), ("rep_del1", 403), ("brand", 403), ("asm_delhi", 403), ("dist_four", 404), ("asm_mumbai", 404),
    ("admin", 200), ("dist_one", 200),
])
def test_who_may_dispatch(org, api, stocked, sku2, user, status):
    order = invoiced(org, sku2)
    before = snapshot(order)
    response = api(org.users[user] if user else None).post(url(order, "dispatch"), {"vehicle": "V", "driver": "D"})
    assert response.status_code == status, response.content
    if status != 200:
        assert snapshot(order) == before


@pytest.mark.parametrize(("user", "status"), [
    (None, 401), ("rep_del1", 403), ("asm_delhi", 403), ("dist_four", 404), ("admin", 200),
])
def test_who_may_deliver(org, api, stocked, sku2, user, status):
    order = dispatched(org, sku2)
    lines = by_sku(order)
    before = snapshot(order)
    response = api(org.users[user] if user else None).post(url(order, "deliver"), {"lines": [
        {"line_id": lines["SKU-1"].pk, "delivered": 70}, {"line_id": lines["SKU-2"].pk, "delivered": 10}]})
    assert response.status_code == status, response.content
    if status != 200:
        assert snapshot(order) == before
