"""Who posts stock where by hand: a brand manager at the brand's depots only (403 depot_only at a
distributor's warehouse, nothing written), a distributor user at its own warehouses, an
administrator anywhere; through the API and the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from distra.inventory import services
from distra.inventory.access import stock_post_warehouses
from distra.inventory.models import Batch, StockBalance, StockMove

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(org, depot):
    batch = Batch.objects.create(sku=org.skus["SKU-1"], batch_number="FRESH", manufactured_on=timezone.localdate(),
                                 expires_on=timezone.localdate() + timedelta(days=3650))
    for code in ("D-ONE", "DEPOT"):
        services.stock_receive(by=org.users["admin"], warehouse=org.warehouses[code], sku=org.skus["SKU-1"], batch=batch, quantity=50)
    return batch


def ledger():
    return list(StockMove.objects.order_by("pk").values_list("kind", "quantity", "warehouse__code"))


def post(org, api, username, kind, fresh, at="D-ONE", to="D-TWO"):
    """One hand-posted stock operation of ``kind`` at the warehouse ``at``."""
    sku, where = org.skus["SKU-1"], org.warehouses[at]
    payloads = {
        "receipts": {"warehouse_id": where.pk, "sku_id": sku.pk, "batch_number": "B-NEW", "manufactured_on": "2026-03-01",
                     "expires_on": "2026-09-01", "quantity": 5},
        "adjustments": {"warehouse_id": where.pk, "sku_id": sku.pk, "batch_id": fresh.pk, "reason": "damage", "quantity": -5},
        "transfers": {"from_warehouse_id": where.pk, "to_warehouse_id": org.warehouses[to].pk, "sku_id": sku.pk,
                      "batch_id": fresh.pk, "quantity": 5},
        "counts": {"warehouse_id": where.pk, "lines": [{"batch_id": fresh.pk, "counted": 45}]},
    }
    return api(org.users[username]).post(f"/api/v1/stock/{kind}", payloads[kind])


KINDS = ["receipts", "adjustments", "transfers", "counts"]


@pytest.mark.parametrize("kind", KINDS)
def test_brand_manager_may_not_post_at_a_distributors_warehouse(org, api, fresh, kind):
    before = ledger()
    response = post(org, api, "brand", kind, fresh, at="D-ONE")
    assert (response.status_code, response.json()["code"]) == (403, "depot_only")
    assert "W-D-ONE" in response.json()["message"]
    assert ledger() == before


@pytest.mark.parametrize("kind", ["receipts", "adjustments", "counts"])
def test_brand_manager_posts_at_a_depot(org, api, fresh, kind):
    response = post(org, api, "brand", kind, fresh, at="DEPOT")
    assert response.status_code == 201, response.content
    assert StockMove.objects.latest("pk").warehouse.code == "DEPOT-N"


def test_brand_manager_may_not_transfer_from_a_depot_to_a_distributor(org, api, fresh):
    """Brand stock reaches a distributor through a purchase order's shipment, not a hand transfer."""
    before = ledger()
    response = post(org, api, "brand", "transfers", fresh, at="DEPOT", to="D-ONE")
    assert (response.status_code, response.json()["code"]) == (403, "depot_only")
    assert ledger() == before


@pytest.mark.parametrize("kind", KINDS)
def test_distributor_user_posts_at_its_own_warehouse(org, api, fresh, kind):
    response = post(org, api, "dist_one", kind, fresh, at="D-ONE", to="D-ONE" if kind != "transfers" else "D-TWO")
    if kind == "transfers":  # D-TWO is another distributor's: out of scope, as before
        assert response.status_code == 422
        return
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("kind", KINDS)
def test_administrator_posts_anywhere(org, api, fresh, kind):
    assert post(org, api, "admin", kind, fresh, at="D-ONE").status_code == 201
    assert post(org, api, "admin", kind, fresh, at="DEPOT", to="D-ONE").status_code in (200, 201)


def test_distributor_user_never_sees_a_depot(org, api, fresh):
    response = post(org, api, "dist_one", "receipts", fresh, at="DEPOT")
    assert response.status_code == 422
    assert response.json()["fields"]["warehouse_id"][0]["code"] == "not_found"


def test_brand_manager_may_not_reverse_or_receive_at_a_distributors_warehouse(org, api, fresh):
    receipt = StockMove.objects.get(warehouse=org.warehouses["D-ONE"])
    transfer = services.stock_transfer(by=org.users["admin"], from_warehouse=org.warehouses["DEPOT"],
                                       to_warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"], batch=fresh, quantity=5)
    before = ledger()
    client = api(org.users["brand"])
    reverse_answer = client.post(f"/api/v1/stock/moves/{receipt.pk}/reverse", {})
    receive_answer = client.post(f"/api/v1/stock/transfers/{transfer.pk}/receive")
    assert [(r.status_code, r.json()["code"]) for r in (reverse_answer, receive_answer)] == [(403, "depot_only")] * 2
    assert ledger() == before
    found = services.stock_adjust(by=org.users["admin"], warehouse=org.warehouses["DEPOT"], sku=org.skus["SKU-1"], batch=fresh,
                                  reason="count_variance", quantity=3)
    assert client.post(f"/api/v1/stock/moves/{found.pk}/reverse", {}).status_code == 201
    assert api(org.users["dist_one"]).post(f"/api/v1/stock/transfers/{transfer.pk}/receive").status_code == 201


def test_postable_warehouses_per_role(org, fresh):
    def codes(username):
        return set(stock_post_warehouses(org.users[username]).values_list("code", flat=True))

    assert codes("brand") == {"DEPOT-N"}
    assert codes("dist_one") == {"W-D-ONE"}
    assert codes("admin") == {"DEPOT-N", "W-D-ONE", "W-D-TWO", "W-D-THREE", "W-D-FOUR"}


def test_count_page_offers_a_brand_manager_its_depots_only(client, org, fresh):
    client.force_login(org.users["brand"])
    url = reverse("stock-count")
    page = client.get(url).content.decode()
    assert "DEPOT-N" in page
    assert "W-D-ONE" not in page
    assert client.get(url, {"warehouse": org.warehouses["D-ONE"].pk}).status_code == 404
    refused = client.post(url, {"warehouse": org.warehouses["D-ONE"].pk, f"count-{fresh.pk}": "1", "action": "post"})
    assert refused.status_code == 404
    posted = client.post(url, {"warehouse": org.warehouses["DEPOT"].pk, f"count-{fresh.pk}": "48", "action": "post",
                               "count_key": "count-page:depot"})
    assert posted.status_code == 302
    assert StockBalance.objects.get(warehouse=org.warehouses["DEPOT"]).on_hand == 48
    assert StockBalance.objects.get(warehouse=org.warehouses["D-ONE"]).on_hand == 50


def test_transfer_page_lets_only_the_destination_receive(client, org, fresh):
    transfer = services.stock_transfer(by=org.users["admin"], from_warehouse=org.warehouses["DEPOT"],
                                       to_warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"], batch=fresh, quantity=5)
    client.force_login(org.users["brand"])
    page = client.get(reverse("stock-transfers")).content.decode()
    assert f'data-transfer="{transfer.pk}"' in page
    assert "Receive" not in page
    assert client.post(reverse("stock-transfer-receive", args=[transfer.pk])).status_code == 403
    assert not StockMove.objects.filter(kind="transfer_in").exists()
    client.force_login(org.users["dist_one"])
    assert client.post(reverse("stock-transfer-receive", args=[transfer.pk])).status_code == 302
    assert StockBalance.objects.get(warehouse=org.warehouses["D-ONE"], batch=fresh).on_hand == 55
