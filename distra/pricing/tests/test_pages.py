"""The pricing pages with the test client: anonymous 401, role 403, scope 404; creating a price
list and a scheme through the forms (and refusals beside their fields, nothing written); the
preview; the lifecycle buttons; the performance section with its chart data."""

from decimal import Decimal as D

import pytest

from distra.pricing import services
from distra.pricing.models import PriceList, Scheme
from distra.pricing.tests.conftest import bare_order, live_price_list, live_scheme, today

pytestmark = pytest.mark.django_db


def as_user(client, org, username):
    client.force_login(org.users[username])
    return client


def test_pages_ask_anonymous_visitors_to_sign_in(client, org):
    for url in ("/pricing/price-lists", "/pricing/price-lists/new", "/pricing/schemes", "/pricing/schemes/new", "/pricing/schemes/1"):
        assert client.get(url).status_code == 401


def test_only_the_brand_sees_the_create_forms_and_others_see_their_scope(client, org, catalog):
    scheme = live_scheme(org, "D1-ONLY", targets={"distributor_ids": [org.distributors["D-ONE"].pk]})
    as_user(client, org, "rep_del1")
    assert client.get("/pricing/schemes/new").status_code == 403
    assert client.get("/pricing/schemes").status_code == 200
    assert client.get(f"/pricing/schemes/{scheme.pk}").status_code == 200
    assert b"action-pause" not in client.get(f"/pricing/schemes/{scheme.pk}").content
    assert as_user(client, org, "rep_mum").get(f"/pricing/schemes/{scheme.pk}").status_code == 404
    assert as_user(client, org, "rep_mum").post(f"/pricing/schemes/{scheme.pk}/pause").status_code == 404
    assert as_user(client, org, "rep_del1").post(f"/pricing/schemes/{scheme.pk}/pause").status_code == 403
    assert Scheme.objects.get().status == "active"


def test_a_price_list_through_the_form_refused_above_mrp_then_saved_and_activated(client, org, catalog):
    as_user(client, org, "brand")
    form = {"code": "PL-WEB", "name": "Web", "valid_from": str(today()), "priority": "0", "items": "SKU-1, 8.50, 7.00"}
    refused = client.post("/pricing/price-lists/new", form)
    assert refused.status_code == 422
    assert "above the MRP of 10.00" in refused.content.decode()
    assert not PriceList.objects.exists()
    saved = client.post("/pricing/price-lists/new", {**form, "items": "SKU-1, 7.00, 6.20\nSKU-2, 90.00, 80.00"})
    pl = PriceList.objects.get()
    assert saved.status_code == 302
    assert pl.items.count() == 2
    client.post(f"/pricing/price-lists/{pl.pk}/activate")
    page = client.get(f"/pricing/price-lists/{pl.pk}").content.decode()
    assert 'data-status="active"' in page
    assert ">0.80<" in page  # the margin of SKU-1


def test_a_scheme_through_the_form_with_slabs_refused_then_saved_previewed_and_its_performance(client, org, catalog):
    as_user(client, org, "brand")
    form = {"code": "QS-WEB", "name": "Slabs", "kind": "quantity_slab", "valid_from": str(today()), "priority": "0", "stacking": "combinable",
            "funding_share_pct": "100", "per": "case", "slabs": "5-9: 2\n9-: 4", "channels": ["general_trade"], "budget_basis": "value",
            "budget": "1000"}
    refused = client.post("/pricing/schemes/new", form)
    assert refused.status_code == 422
    assert "overlaps" in refused.content.decode()
    assert not Scheme.objects.exists()
    assert client.post("/pricing/schemes/new", {**form, "slabs": "2-4: 2\n5-: 4"}).status_code == 302
    scheme = Scheme.objects.get()
    assert (scheme.slabs, scheme.budgets.get().limit) == ([{"min": "2", "max": "4", "percent": "2"}, {"min": "5", "max": None, "percent": "4"}], 1000)
    preview = client.post(f"/pricing/schemes/{scheme.pk}", {"outlet_code": "O-DEL1-A", "basket": "SKU-1, 96"}).content.decode()
    assert 'data-scheme="QS-WEB"' in preview
    assert "3 more cases for the 4 % slab" in preview
    client.post(f"/pricing/schemes/{scheme.pk}/activate")
    priced = services.price_order_lines(outlet=org.outlets["O-DEL1-A"], lines=[(catalog["SKU-1"], 96)])
    order, lines = bare_order(org, lines=[(catalog["SKU-1"], 96)])
    services.scheme_budgets_consume(priced=priced, order_id=order.pk)
    services.scheme_benefits_record(priced=priced, order_lines=lines)
    page = client.get(f"/pricing/schemes/{scheme.pk}")
    assert page.context["perf"].spend_to_date == D("14.40")  # 96 x 7.50 x 2 %
    assert page.context["chart"]["spend"] == ["14.40"]
    assert order.number in page.content.decode()


def test_a_bad_preview_basket_is_shown_beside_the_field(client, org, catalog):
    pl = live_price_list(org)
    as_user(client, org, "brand")
    answer = client.post(f"/pricing/price-lists/{pl.pk}", {"outlet_code": "O-DEL1-A", "basket": "SKU-1, many"})
    assert answer.status_code == 422
    assert "whole number of units" in answer.content.decode()
