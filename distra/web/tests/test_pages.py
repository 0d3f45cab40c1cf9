"""The home page, the navigation and the detail pages, per role."""

import re

import pytest
from django.urls import reverse

from distra.partners.models import DistributorContact
from distra.web.tests.helpers import row_codes

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<a class="(?:nav-link|dropdown-item)[^"]*"\s+(?:aria-current="page"\s+)?href="([^"]+)"')


def nav_links(response) -> set[str]:
    return set(NAV_LINK.findall(response.content.decode()))


def tile_counts(response) -> dict[str, int]:
    html = response.content.decode()
    found = re.findall(r'data-testid="tile-([\w-]+)">\s*<div class="card-body">\s*<div class="tile-count" data-testid="count">(\d+)<', html)
    return {name: int(count) for name, count in found}


@pytest.mark.parametrize(
    ("username", "counts", "scope_words"),
    [
        ("admin", {"outlet-list": 6, "distributor-list": 4, "sku-list": 1, "geography": 4}, "whole organisation"),
        ("brand", {"outlet-list": 6, "distributor-list": 4, "sku-list": 1, "geography": 4}, "whole organisation"),
        ("asm_delhi", {"outlet-list": 4, "distributor-list": 2, "sku-list": 1, "geography": 2}, "Delhi NCR (Area): 2 territories (Delhi Central, Gurugram)"),
        ("dist_one", {"outlet-list": 3, "distributor-list": 1, "sku-list": 1, "geography": 2}, "distributor D-ONE"),
        ("rep_del1", {"outlet-list": 2, "distributor-list": 1, "sku-list": 1, "geography": 1}, "Delhi Central (Territory): 1 territory"),
    ],
)
def test_home_counts_and_describes_the_scope(org, client_for, username, counts, scope_words):
    response = client_for(org.users[username]).get(reverse("home"))
    assert response.status_code == 200
    assert tile_counts(response) == counts
    assert scope_words in response.content.decode()


def test_home_offers_new_outlet_only_to_roles_that_may_add_one(org, client_for):
    new_outlet = f'href="{reverse("outlet-create")}"'
    assert new_outlet in client_for(org.users["rep_del1"]).get("/").content.decode()
    assert new_outlet not in client_for(org.users["brand"]).get("/").content.decode()


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("admin", {"/", "/outlets", "/distributors", "/warehouses", "/skus", "/geography", "/stock"}),
        ("brand", {"/", "/outlets", "/distributors", "/warehouses", "/skus", "/geography", "/stock"}),
        ("dist_one", {"/", "/outlets", "/distributors", "/warehouses", "/skus", "/geography", "/stock"}),
        ("rep_del1", {"/", "/outlets", "/distributors", "/skus", "/geography", "/stock"}),
    ],
)
def test_navigation_shows_each_role_what_it_may_see(org, client_for, settings, username, expected):
    settings.ROOT_URLCONF = "distra.web.tests.urls_without_import"
    response = client_for(org.users[username]).get(reverse("home"))
    assert response.status_code == 200
    assert nav_links(response) == expected | {"/profile"}


@pytest.mark.parametrize(("username", "shown"), [("admin", True), ("asm_delhi", True), ("dist_one", True), ("rep_del1", False)])
def test_import_export_link_follows_the_export_permission(org, client_for, settings, username, shown):
    settings.ROOT_URLCONF = "distra.web.tests.urls_with_import"
    response = client_for(org.users[username]).get(reverse("home"))
    assert ("/data/import" in nav_links(response)) is shown
    assert ("Import / export" in response.content.decode()) is shown


def test_navigation_marks_the_current_section(org, client_for):
    html = client_for(org.users["admin"]).get(reverse("outlet-detail", args=[org.outlets["O-DEL1-A"].pk])).content.decode()
    assert 'class="dropdown-item active" aria-current="page" href="/outlets"' in html
    assert html.split("</nav>")[0].count('aria-current="page"') == 1
    group = re.search(r'data-testid="nav-group-partners">\s*<button type="button" class="([^"]+)" aria-current="true"', html)
    assert group is not None
    assert group.group(1) == "nav-link dropdown-toggle active"
    assert html.count('aria-current="true"') == 1


def test_outlet_detail_shows_the_outlet_and_an_edit_link_for_editors(org, client_for):
    outlet = org.outlets["O-DEL1-A"]
    html = client_for(org.users["rep_del1"]).get(reverse("outlet-detail", args=[outlet.pk])).content.decode()
    assert "O-DEL1-A General Store" in html
    assert "Delhi Central" in html
    assert "D-ONE" in html
    assert reverse("outlet-edit", args=[outlet.pk]) in html
    html = client_for(org.users["brand"]).get(reverse("outlet-detail", args=[outlet.pk])).content.decode()
    assert reverse("outlet-edit", args=[outlet.pk]) not in html


def test_distributor_detail_shows_warehouses_contacts_territories_and_outlet_count(org, client_for):
    distributor = org.distributors["D-ONE"]
    DistributorContact.objects.create(distributor=distributor, name="Asha Verma", phone="+919811111111", is_primary=True)
    html = client_for(org.users["dist_one"]).get(reverse("distributor-detail", args=[distributor.pk])).content.decode()
    assert "W-D-ONE" in html
    assert "Asha Verma" in html
    assert "Delhi Central" in html
    assert "Gurugram" in html
    assert "3 outlets" in html


def test_distributor_detail_for_a_field_rep_keeps_to_its_scope_and_permissions(org, client_for):
    distributor = org.distributors["D-ONE"]
    DistributorContact.objects.create(distributor=distributor, name="Asha Verma", is_primary=True)
    html = client_for(org.users["rep_del1"]).get(reverse("distributor-detail", args=[distributor.pk])).content.decode()
    assert "Delhi Central" in html
    assert "Gurugram" not in html
    assert "2 outlets" in html  # D-ONE's outlets in the rep's territory
    assert "W-D-ONE" not in html
    assert "Asha Verma" not in html


def test_sku_detail_shows_the_product(org, client_for):
    html = client_for(org.users["rep_mum"]).get(reverse("sku-detail", args=[org.skus["SKU-1"].pk])).content.decode()
    assert "Glucose biscuits 100 g" in html
    assert "8901234567890" in html
    assert "Biscuits" in html


def test_geography_indents_the_tree(org, client_for):
    response = client_for(org.users["asm_delhi"]).get(reverse("geography"))
    html = response.content.decode()
    assert row_codes(response) == {"A-DEL", "T-DEL-1", "T-DEL-2"}
    assert 'tree-indent-0">Delhi NCR' in html
    assert 'tree-indent-1">└ <a href="/outlets?territory=' in html


def test_profile_shows_role_and_scope(org, client_for):
    html = client_for(org.users["dist_one"]).get(reverse("profile")).content.decode()
    assert "Distributor user" in html
    assert "D-ONE" in html
    assert "Delhi Central" in html
