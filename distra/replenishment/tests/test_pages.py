"""The replenishment review pages: gate, scope, edit and approve from the form."""

import pytest
from django.test import Client

from distra.replenishment import services

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def proposal(forecast_run, org):
    [order] = services.suggested_orders_generate(distributor_ids=[org.distributors["D-ONE"].pk])
    return order


def test_pages_need_a_sign_in_and_follow_the_scope(proposal, org):
    for url in ["/replenishment", f"/replenishment/{proposal.pk}", "/replenishment/near-expiry"]:
        assert client_for(None).get(url).status_code == 401
    assert client_for(org.users["dist_four"]).get(f"/replenishment/{proposal.pk}").status_code == 404
    assert client_for(org.users["rep_del1"]).get("/replenishment").status_code == 403
    page = client_for(org.users["dist_one"]).get("/replenishment")
    assert [o.pk for o in page.context["listing"].page.object_list] == [proposal.pk]
    assert client_for(org.users["dist_one"]).get("/replenishment/near-expiry").status_code == 200


def test_edit_and_approve_from_the_review_page(proposal, org):
    client = client_for(org.users["dist_one"])
    page = client.get(f"/replenishment/{proposal.pk}")
    assert 'id="approve"' in page.content.decode()
    assert "reorder point" in page.content.decode()
    line = proposal.lines.get(sku=org.skus["SKU-1"])
    bad = client.post(f"/replenishment/{proposal.pk}/approve", {f"qty-{line.pk}": "x"}, follow=True)
    assert "whole number" in bad.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    client.post(f"/replenishment/{proposal.pk}/approve", {f"qty-{line.pk}": "144", "note": "festival"})
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    assert proposal.purchase_order.lines.get(sku=org.skus["SKU-1"]).quantity == 144
    assert client_for(org.users["asm_delhi"]).post(f"/replenishment/{proposal.pk}/dismiss").status_code == 403


def test_the_fair_share_page_shows_the_shares_and_confirms_with_them(forecast_run, org):
    from distra.partners.choices import WarehouseKind
    from distra.partners.models import Warehouse
    from distra.purchasing.services.orders import po_create, po_submit
    from distra.replenishment.tests.test_services import _receive

    depot = Warehouse.objects.create(kind=WarehouseKind.DEPOT, code="DEPOT-N", name="North depot")
    org.warehouses["DEPOT"] = depot
    _receive(org, "DEPOT", "SKU-1", 60)
    orders = []
    for code, user in (("D-ONE", "dist_one"), ("D-FOUR", "dist_four")):
        orders.append(po_create(by=org.users[user], warehouse=org.warehouses[code], lines=[{"sku_id": org.skus["SKU-1"].pk, "quantity": 48}]))
        po_submit(by=org.users[user], order=orders[-1])
    assert client_for(org.users["dist_one"]).get("/replenishment/fair-share").status_code == 403
    brand = client_for(org.users["brand"])
    page = brand.get("/replenishment/fair-share")
    text = page.content.decode()
    assert page.status_code == 200
    assert "60 available, 96 asked" in text
    assert sum(s["allocated"] for s in page.context["plans"][0]["shares"]) == 60
    assert brand.get("/replenishment/fair-share?depot=999999").status_code == 404
    done = brand.post("/replenishment/fair-share", {"depot": depot.pk}, follow=True)
    assert "2 of 2 submitted orders confirmed with their fair shares." in done.content.decode()
    for order in orders:
        order.refresh_from_db()
        assert order.status == "confirmed"
    assert sum(o.lines.get().confirmed_quantity for o in orders) == 60
