"""The navigation bar's groups: each role sees exactly the groups and links its permissions allow."""

import re

import pytest
from django.urls import reverse

from distra.accounts.permissions import role_permissions
from distra.web.context_processors import NAV

pytestmark = pytest.mark.django_db

PARTNERS_ALL = ["Outlets", "Distributors", "Warehouses", "Geography"]
CATALOG = ["SKUs", "Schemes and prices"]
SALES_ALL = ["Orders", "Deliveries", "Invoices", "Claims"]
PLANNING_ALL = ["Forecasts", "Replenishment", "Suggestion acceptance"]

EXPECTED = {
    "admin": {
        "home": ["Home"], "partners": PARTNERS_ALL, "catalog": CATALOG,
        "inventory": ["Stock", "Stock alerts", "Purchase orders"], "sales": SALES_ALL,
        "planning": PLANNING_ALL, "import-export": ["Import / export"],
    },
    "brand": {
        "home": ["Home"], "partners": PARTNERS_ALL, "catalog": CATALOG,
        "inventory": ["Stock", "Stock alerts", "Purchase orders"], "sales": ["Orders", "Invoices", "Claims"],
        "planning": PLANNING_ALL, "import-export": ["Import / export"],
    },
    "asm_delhi": {
        "home": ["Home"], "partners": PARTNERS_ALL, "catalog": CATALOG,
        "inventory": ["Stock", "Stock alerts", "Purchase orders"], "sales": ["Orders", "Invoices", "Claims"],
        "planning": PLANNING_ALL, "import-export": ["Import / export"],
    },
    "dist_one": {
        "home": ["Home"], "partners": PARTNERS_ALL, "catalog": CATALOG,
        "inventory": ["Stock", "Stock alerts", "Purchase orders"], "sales": SALES_ALL,
        "planning": PLANNING_ALL, "import-export": ["Import / export"],
    },
    # No warehouses, purchasing, deliveries, claims, forecasts, replenishment or export.
    "rep_del1": {
        "home": ["Home"], "partners": ["Outlets", "Distributors", "Geography"], "catalog": CATALOG,
        "inventory": ["Stock", "Stock alerts"], "sales": ["Orders", "Invoices"],
        "planning": ["Suggestion acceptance"],
    },
}


def shown(context) -> dict[str, list[str]]:
    return {group.key: [str(item.label) for item in group.items] for group in context["nav_groups"]}


@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_role_sees_exactly_the_groups_and_links_its_permissions_allow(org, client_for, username):
    user = org.users[username]
    response = client_for(user).get(reverse("home"))
    assert shown(response.context) == EXPECTED[username]
    # The same, derived from the role's permissions: a link per permission held, no empty group.
    perms = role_permissions(user.role)
    derived = {}
    for key, _label, entries in NAV:
        labels = [str(label) for label, _name, perm, _active in entries
                  if perm is None or user.is_superuser or perm in perms]
        if labels:
            derived[key] = labels
    assert derived == EXPECTED[username]
    assert [str(item.label) for item in response.context["nav_items"]] == [
        label for labels in EXPECTED[username].values() for label in labels
    ]


def test_a_group_without_a_visible_link_is_not_shown(org, client_for):
    html = client_for(org.users["rep_del1"]).get(reverse("home")).content.decode()
    assert 'data-testid="nav-group-planning"' in html
    assert 'href="/forecasts' not in html
    assert 'data-testid="nav-group-import-export"' not in html
    assert "Import / export" not in html


def test_groups_are_keyboard_dropdowns_and_the_current_page_marks_its_group(org, client_for):
    html = client_for(org.users["admin"]).get(reverse("order-list")).content.decode()
    toggles = re.findall(r'<button type="button" class="nav-link dropdown-toggle[^"]*"[^>]*data-bs-toggle="dropdown"', html)
    assert len(toggles) == 5  # partners, catalog, inventory, sales, planning: real buttons, focusable
    assert html.count('aria-current="true"') == 1
    assert 'class="nav-link dropdown-toggle active" aria-current="true"\n                  id="nav-group-sales"' in html
    assert 'class="dropdown-item active" aria-current="page" href="/orders"' in html
    assert html.split("</nav>")[0].count('aria-current="page"') == 1
