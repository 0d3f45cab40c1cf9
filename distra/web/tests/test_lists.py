"""Each role sees exactly its scope in each list; search, filters, sorting and pagination work."""

import pytest
from django.urls import reverse

from distra.core.testing import VISIBLE_OUTLETS
from distra.partners.models import Outlet
from distra.web.tests.helpers import row_codes, row_order

pytestmark = pytest.mark.django_db

ALL_DISTRIBUTORS = {"D-ONE", "D-TWO", "D-THREE", "D-FOUR"}
VISIBLE_DISTRIBUTORS = {
    "admin": ALL_DISTRIBUTORS,
    "brand": ALL_DISTRIBUTORS,
    "asm_delhi": {"D-ONE", "D-TWO"},
    "asm_mumbai": {"D-FOUR"},
    "dist_one": {"D-ONE"},
    "dist_four": {"D-FOUR"},
    "rep_del1": {"D-ONE"},
    "rep_mum": {"D-FOUR"},
}
ALL_NODES = {"IN", "NORTH", "WEST", "A-DEL", "A-PUN", "A-MUM", "T-DEL-1", "T-DEL-2", "T-LDH", "T-MUM"}
VISIBLE_NODES = {
    "admin": ALL_NODES,
    "brand": ALL_NODES,
    "asm_delhi": {"A-DEL", "T-DEL-1", "T-DEL-2"},
    "asm_mumbai": {"A-MUM", "T-MUM"},
    "dist_one": {"T-DEL-1", "T-DEL-2"},
    "dist_four": {"T-MUM"},
    "rep_del1": {"T-DEL-1"},
    "rep_mum": {"T-MUM"},
}
USERS = sorted(VISIBLE_OUTLETS)


@pytest.mark.parametrize("username", USERS)
def test_outlet_list_shows_exactly_the_scope(org, client_for, username):
    response = client_for(org.users[username]).get(reverse("outlet-list"))
    assert response.status_code == 200
    assert row_codes(response) == VISIBLE_OUTLETS[username]


@pytest.mark.parametrize("username", USERS)
def test_distributor_list_shows_exactly_the_scope(org, client_for, username):
    response = client_for(org.users[username]).get(reverse("distributor-list"))
    assert row_codes(response) == VISIBLE_DISTRIBUTORS[username]


@pytest.mark.parametrize("username", [u for u in USERS if not u.startswith("rep_")])
def test_warehouse_list_shows_exactly_the_scope(org, client_for, username):
    response = client_for(org.users[username]).get(reverse("warehouse-list"))
    assert row_codes(response) == {f"W-{code}" for code in VISIBLE_DISTRIBUTORS[username]}


@pytest.mark.parametrize("username", USERS)
def test_geography_shows_exactly_the_scope(org, client_for, username):
    response = client_for(org.users[username]).get(reverse("geography"))
    assert row_codes(response) == VISIBLE_NODES[username]


@pytest.mark.parametrize("username", USERS)
def test_every_role_sees_the_whole_catalog(org, client_for, username):
    response = client_for(org.users[username]).get(reverse("sku-list"))
    assert row_codes(response) == {"SKU-1"}


@pytest.mark.parametrize("username", USERS)
def test_filter_choices_offer_only_the_scope(org, client_for, username):
    html = client_for(org.users[username]).get(reverse("outlet-list")).content.decode()
    for code, distributor in org.distributors.items():
        offered = f'<option value="{distributor.pk}"' in html.split('name="distributor"')[1].split("</select>")[0]
        assert offered == (code in VISIBLE_DISTRIBUTORS[username]), code


def test_outlet_search_matches_code_name_owner_and_city(org, client_for):
    client = client_for(org.users["asm_delhi"])
    assert row_codes(client.get(reverse("outlet-list"), {"q": "del1"})) == {"O-DEL1-A", "O-DEL1-B"}
    Outlet.objects.filter(code="O-DEL2-A").update(city="Gurugram", owner_name="Sharma")
    assert row_codes(client.get(reverse("outlet-list"), {"q": "gurugram"})) == {"O-DEL2-A"}
    assert row_codes(client.get(reverse("outlet-list"), {"q": "sharma"})) == {"O-DEL2-A"}


def test_search_never_reaches_outside_the_scope(org, client_for):
    response = client_for(org.users["rep_del1"]).get(reverse("outlet-list"), {"q": "O-MUM"})
    assert row_codes(response) == set()
    assert "No outlets match." in response.content.decode()


def test_outlet_filters_by_territory_distributor_channel_class_and_status(org, client_for):
    Outlet.objects.filter(code="O-DEL1-B").update(channel="pharmacy", outlet_class="A", status="closed")
    client = client_for(org.users["admin"])
    url = reverse("outlet-list")
    assert row_codes(client.get(url, {"territory": org.nodes["T-DEL-2"].pk})) == {"O-DEL2-A", "O-DEL2-B"}
    assert row_codes(client.get(url, {"distributor": org.distributors["D-ONE"].pk})) == {"O-DEL1-A", "O-DEL1-B", "O-DEL2-B"}
    assert row_codes(client.get(url, {"channel": "pharmacy"})) == {"O-DEL1-B"}
    assert row_codes(client.get(url, {"outlet_class": "A"})) == {"O-DEL1-B"}
    assert row_codes(client.get(url, {"status": "closed"})) == {"O-DEL1-B"}
    both = {"territory": org.nodes["T-DEL-2"].pk, "distributor": org.distributors["D-ONE"].pk}
    assert row_codes(client.get(url, both)) == {"O-DEL2-B"}


def test_a_territory_outside_the_scope_is_ignored_as_a_filter(org, client_for):
    response = client_for(org.users["rep_del1"]).get(reverse("outlet-list"), {"territory": org.nodes["T-MUM"].pk})
    assert response.status_code == 200
    assert row_codes(response) == VISIBLE_OUTLETS["rep_del1"]


def test_malformed_filters_and_sorts_fall_back_to_defaults(org, client_for):
    response = client_for(org.users["admin"]).get(reverse("outlet-list"), {"territory": "x", "sort": "password", "page": "zz"})
    assert response.status_code == 200
    assert row_codes(response) == VISIBLE_OUTLETS["admin"]


def test_distributor_filters_by_territory_and_status_and_searches(org, client_for):
    org.distributors["D-TWO"].__class__.objects.filter(code="D-TWO").update(status="suspended")
    client = client_for(org.users["admin"])
    url = reverse("distributor-list")
    assert row_codes(client.get(url, {"territory": org.nodes["T-DEL-2"].pk})) == {"D-ONE", "D-TWO"}
    assert row_codes(client.get(url, {"status": "suspended"})) == {"D-TWO"}
    assert row_codes(client.get(url, {"q": "three"})) == {"D-THREE"}


def test_warehouse_filter_and_search(org, client_for):
    client = client_for(org.users["admin"])
    url = reverse("warehouse-list")
    assert row_codes(client.get(url, {"distributor": org.distributors["D-FOUR"].pk})) == {"W-D-FOUR"}
    assert row_codes(client.get(url, {"q": "w-d-t"})) == {"W-D-TWO", "W-D-THREE"}


def test_sku_search_filters_and_gtin(org, client_for):
    client = client_for(org.users["rep_del1"])
    url = reverse("sku-list")
    assert row_codes(client.get(url, {"q": "8901234567890"})) == {"SKU-1"}
    assert row_codes(client.get(url, {"q": "glucose"})) == {"SKU-1"}
    assert row_codes(client.get(url, {"category": org.categories["FOOD"].pk})) == {"SKU-1"}
    assert row_codes(client.get(url, {"active": "no"})) == set()


def test_geography_filters_by_kind_and_searches(org, client_for):
    client = client_for(org.users["asm_delhi"])
    assert row_codes(client.get(reverse("geography"), {"kind": "territory"})) == {"T-DEL-1", "T-DEL-2"}
    assert row_codes(client.get(reverse("geography"), {"q": "gurug"})) == {"T-DEL-2"}


def test_sorting_by_a_column_both_ways(org, client_for):
    client = client_for(org.users["admin"])
    ascending = row_order(client.get(reverse("outlet-list"), {"sort": "territory"}))
    assert ascending[0] in {"O-DEL1-A", "O-DEL1-B"}  # Delhi Central sorts first
    descending = row_order(client.get(reverse("outlet-list"), {"sort": "-code"}))
    assert descending == sorted(VISIBLE_OUTLETS["admin"], reverse=True)


def test_lists_show_50_rows_a_page_and_keep_filters_across_pages(org, client_for):
    territory, distributor = org.nodes["T-DEL-1"], org.distributors["D-ONE"]
    Outlet.objects.bulk_create(
        Outlet(code=f"O-BULK-{i:03}", name=f"Bulk {i}", territory=territory, distributor=distributor) for i in range(60)
    )
    client = client_for(org.users["rep_del1"])
    first = client.get(reverse("outlet-list"), {"q": "bulk", "sort": "code"})
    assert len(row_order(first)) == 50
    assert "?q=bulk&amp;sort=code&amp;page=2" in first.content.decode()
    second = client.get(reverse("outlet-list"), {"q": "bulk", "sort": "code", "page": 2})
    assert row_order(second) == [f"O-BULK-{i:03}" for i in range(50, 60)]
    assert "62 results" in client.get(reverse("outlet-list")).content.decode()
