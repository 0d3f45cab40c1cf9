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
