"""The pages: the suggestion on the outlet page (and the prefilled order it starts), the acceptance
KPI page and the must-sell lists page."""

import pytest
from django.test import Client

from distra.suggestions.models import MustSellList, Suggestion

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_outlet_page_shows_todays_suggestion_and_records_it_for_the_rep(org, weekly_buyer, must_sell):
    page = signed_in(org.users["rep_del1"]).get(f"/outlets/{org.outlets['O-DEL1-A'].pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="outlet-suggestion"' in html
    assert "2 cases" in html
    assert "Orders every 7 days" in html
    assert Suggestion.objects.filter(given_by=org.users["rep_del1"], through="web").count() == 1
    # Refreshing the page the same day is not a second suggestion.
    signed_in(org.users["rep_del1"]).get(f"/outlets/{org.outlets['O-DEL1-A'].pk}")
    assert Suggestion.objects.filter(superseded_at__isnull=True).count() == 1


def test_the_brand_sees_the_suggestion_without_it_being_recorded(org, weekly_buyer):
    page = signed_in(org.users["brand"]).get(f"/outlets/{org.outlets['O-DEL1-A'].pk}")
    assert 'data-testid="outlet-suggestion"' in page.content.decode()
    assert Suggestion.objects.count() == 0


def test_start_an_order_posts_the_lines_to_the_order_entry(org, weekly_buyer):
    client = signed_in(org.users["rep_del1"])
    outlet = org.outlets["O-DEL1-A"]
    html = client.get(f"/outlets/{outlet.pk}").content.decode()
    assert f'action="/orders/new?outlet={outlet.pk}"' in html
    form = {"lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200",
            "idempotency_key": "k1", "action": "recalculate",
            "lines-0-sku": str(org.skus["SKU-1"].pk), "lines-0-cases": "2", "lines-0-units": "0",
            "lines-1-sku": str(org.skus["SKU-2"].pk), "lines-1-cases": "0", "lines-1-units": "5"}
    assert 'name="lines-0-cases" value="2"' in html
    entry = client.post(f"/orders/new?outlet={outlet.pk}", form)
    assert entry.status_code == 200
    assert "SKU-2" in entry.content.decode()


def test_outlet_out_of_scope_is_404(org, weekly_buyer):
    assert signed_in(org.users["rep_mum"]).get(f"/outlets/{org.outlets['O-DEL1-A'].pk}").status_code == 404
    assert Suggestion.objects.count() == 0


def test_acceptance_page_shows_the_share(org, weekly_buyer):
    from distra.suggestions import services
    from distra.suggestions.tests.conftest import at, place

    services.suggestion_give(by=org.users["rep_del1"], outlet_id=org.outlets["O-DEL1-A"].pk, now=at(10, 9))
    place(org, "O-DEL1-A", at(9), [("SKU-1", 96)])
    page = signed_in(org.users["asm_delhi"]).get("/suggestions/acceptance")
    html = page.content.decode()
    assert page.status_code == 200
    # SKU-1 and SKU-2 suggested, the next order took SKU-1: 50 %.
    assert 'data-testid="acceptance-overall">50 %' in html
    assert "rep_del1" in html
    assert 'id="acceptance-chart-data"' in html


def test_must_sell_page_the_brand_saves_a_list_and_a_rep_only_reads(org, sku2):
    brand = signed_in(org.users["brand"])
    saved = brand.post("/suggestions/must-sell", {"code": "MS-1", "name": "Core", "channel": "general_trade", "outlet_class": "",
                                                  "is_active": "1", "items": "SKU-1 12\nSKU-2\n"})
    assert saved.status_code == 302
    listing = MustSellList.objects.get(code="MS-1")
    assert sorted((i.sku.code, i.quantity) for i in listing.items.all()) == [("SKU-1", 12), ("SKU-2", None)]
    bad = brand.post("/suggestions/must-sell", {"code": "MS-2", "name": "Bad", "items": "NOPE\n"})
    assert bad.status_code == 422
    assert "No SKU NOPE." in bad.content.decode()
    assert not MustSellList.objects.filter(code="MS-2").exists()
    rep = signed_in(org.users["rep_del1"]).get("/suggestions/must-sell").content.decode()
    assert "MS-1" in rep
    assert "Save list" not in rep


def test_acceptance_page_ignores_dates_it_cannot_use(org):
    client = signed_in(org.users["asm_delhi"])
    for query in ("?to=9999-12-31", "?from=0001-01-01", "?from=nonsense&to=2026-02-30", "?from=2026-03-01&to=2026-01-01"):
        assert client.get("/suggestions/acceptance" + query).status_code == 200


def test_admin_lists_must_sell_lists_and_suggestions(org, weekly_buyer, must_sell):
    from distra.suggestions import services

    suggestion, _proposal = services.suggestion_give(by=org.users["rep_del1"], outlet_id=org.outlets["O-DEL1-A"].pk)
    admin = signed_in(org.users["admin"])
    for path in ("/admin/suggestions/mustselllist/", "/admin/suggestions/mustselllist/add/",
                 f"/admin/suggestions/mustselllist/{must_sell.pk}/change/", "/admin/suggestions/suggestion/",
                 f"/admin/suggestions/suggestion/{suggestion.pk}/change/"):
        assert admin.get(path).status_code == 200, path
