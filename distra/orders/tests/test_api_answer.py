"""A new order is answered from what the service holds in memory (no re-read): the answer must
be exactly what reading the order back gives."""

import pytest

from distra.orders.models import OrderPolicy
from distra.orders.tests.conftest import make_batch, receive

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("policy", ["backorder", "cancel"])
@pytest.mark.parametrize("submit", [True, False])
def test_the_create_answer_is_what_reading_the_order_back_gives(org, api, stocked, sku2, policy, submit):
    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], shortfall_policy=policy)
    receive(org, org.warehouses["D-ONE"], make_batch(org, sku2, "S2-B", expires_in_days=300), 5)
    client = api(org.users["dist_one"])
    created = client.post("/api/v1/orders", {
        "outlet_id": org.outlets["O-DEL1-A"].pk, "submit": submit,
        "lines": [{"sku_id": org.skus["SKU-1"].pk, "cases": 1, "units": 30, "discount_pct": "2.5"},
                  {"sku_id": sku2.pk, "quantity": 50}]}, headers={"Idempotency-Key": f"same-{policy}-{submit}"})
    assert created.status_code == 201
    body = created.json()
    assert body == client.get(f"/api/v1/orders/{body['id']}").json()
    if submit:
        assert body["status"] == "allocated"
        assert body["shortfall"]["missing"] == 15
        assert [a["batch_number"] for a in body["lines"][0]["allocations"]] == ["S1-SOON", "S1-LATE"]
