"""The replenishment API: anonymous, other-scope and allowed answers for each endpoint."""

import pytest

from distra.purchasing.models import PurchaseOrder
from distra.replenishment import services

pytestmark = pytest.mark.django_db
BASE = "/api/v1/replenishment"


@pytest.fixture
def proposal(forecast_run, org):
    [order] = services.suggested_orders_generate(distributor_ids=[org.distributors["D-ONE"].pk])
    return order


def test_anonymous_gets_401(api, proposal):
    for path in ["/suggested-orders", f"/suggested-orders/{proposal.pk}", "/parameters", "/near-expiry", "/fair-share?depot_id=1&sku_id=1"]:
        assert api(None).get(BASE + path).status_code == 401, path
    for path in ["/suggested-orders/generate", f"/suggested-orders/{proposal.pk}/approve", f"/suggested-orders/{proposal.pk}/dismiss"]:
        assert api(None).post(BASE + path, {}).status_code == 401, path
    assert api(None).put(f"{BASE}/autonomy/1", {"enabled": False}).status_code == 401


def test_review_edit_and_approve_as_the_distributor(api, proposal, org):
    client = api(org.users["dist_one"])
    body = client.get(f"{BASE}/suggested-orders/{proposal.pk}").json()
    assert body["status"] == "proposed"
    assert body["events"][0]["to_status"] == "proposed"
    line = next(line for line in body["lines"] if line["sku_code"] == "SKU-1")
    assert (line["suggested_quantity"], line["reorder_point"], line["order_up_to"]) == (48, 22, 40)
    edited = client.put(f"{BASE}/suggested-orders/{proposal.pk}/lines", {"lines": [{"line_id": line["id"], "quantity": 96}]})
    assert edited.status_code == 200
    approved = client.post(f"{BASE}/suggested-orders/{proposal.pk}/approve", {"note": "ok"}).json()
    assert approved["status"] == "approved"
    po = PurchaseOrder.objects.get(pk=approved["purchase_order_id"])
    assert po.lines.get(sku=org.skus["SKU-1"]).quantity == 96
    again = client.post(f"{BASE}/suggested-orders/{proposal.pk}/approve", {})
    assert (again.status_code, again.json()["code"]) == (409, "not_proposed")


def test_other_scopes_get_404_and_roles_without_the_right_403(api, proposal, org):
    assert api(org.users["dist_four"]).get(f"{BASE}/suggested-orders/{proposal.pk}").status_code == 404
    assert api(org.users["dist_four"]).post(f"{BASE}/suggested-orders/{proposal.pk}/approve", {}).status_code == 404
    assert api(org.users["dist_four"]).get(f"{BASE}/suggested-orders").json()["items"] == []
    assert api(org.users["asm_delhi"]).post(f"{BASE}/suggested-orders/{proposal.pk}/approve", {}).status_code == 403
    assert api(org.users["rep_del1"]).get(f"{BASE}/suggested-orders").status_code == 403
    assert api(org.users["dist_four"]).put(f"{BASE}/autonomy/{org.distributors['D-ONE'].pk}", {"enabled": False}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_parameters_near_expiry_and_autonomy(api, forecast_run, org):
    mine = api(org.users["dist_one"]).get(f"{BASE}/parameters").json()["items"]
    assert {p["distributor_id"] for p in mine} == {org.distributors["D-ONE"].pk}
    assert api(org.users["dist_one"]).get(f"{BASE}/near-expiry").json() == []
    assert api(org.users["dist_one"]).get(f"{BASE}/near-expiry?within_days=0").status_code == 422
    d_one = org.distributors["D-ONE"].pk
    on = api(org.users["dist_one"]).put(f"{BASE}/autonomy/{d_one}", {"enabled": True, "value_cap": "5000"})
    assert on.status_code == 200
    assert on.json()["act_as_id"] == org.users["dist_one"].pk
    generated = api(org.users["dist_one"]).post(f"{BASE}/suggested-orders/generate", {"distributor_id": d_one}).json()
    assert [g["mode"] for g in generated] == ["autonomous"]


def test_fair_share_is_for_the_brand(api, forecast_run, org):
    assert api(org.users["dist_one"]).get(f"{BASE}/fair-share?depot_id=1&sku_id=1").status_code == 403
    assert api(org.users["brand"]).get(f"{BASE}/fair-share?depot_id={org.warehouses['D-ONE'].pk}&sku_id=1").status_code == 404


def test_fair_share_confirm_over_the_api(api, forecast_run, org):
    assert api(org.users["dist_one"]).post(f"{BASE}/fair-share/confirm", {"depot_id": 1}).status_code == 403
    answer = api(org.users["brand"]).post(f"{BASE}/fair-share/confirm", {"depot_id": org.warehouses["D-ONE"].pk})
    assert answer.status_code == 404
    bad = api(org.users["brand"]).post(f"{BASE}/fair-share/confirm", {"depot_id": "x", "note": "n" * 201})
    assert bad.status_code == 422
    assert {"depot_id", "note"} <= set(bad.json()["fields"])
