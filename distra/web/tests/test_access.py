"""Signing in and out, and what anonymous users and each role may open."""

import pytest
from django.test import Client
from django.urls import reverse

from distra.core.testing import PASSWORD
from distra.partners.models import Outlet
from distra.web.tests.helpers import is_login_form
from distra.web.urls import SIGNED_IN_PAGES

pytestmark = pytest.mark.django_db


def _page_url(pattern, org) -> str:
    kwargs = {}
    if "<int:pk>" in str(pattern.pattern):
        kwargs["pk"] = org.outlets["O-DEL1-A"].pk
    return reverse(pattern.name, kwargs=kwargs)


@pytest.mark.parametrize("pattern", SIGNED_IN_PAGES, ids=lambda p: p.name)
def test_anonymous_request_to_any_page_gets_401_with_the_login_form(org, pattern):
    url = _page_url(pattern, org) + "?tab=1"
    response = Client().get(url)
    assert response.status_code == 401
    assert is_login_form(response)
    assert f'name="next" value="{url}"' in response.content.decode()


def test_anonymous_post_to_a_form_writes_nothing(org):
    before = Outlet.objects.count()
    response = Client().post(reverse("outlet-create"), {"code": "O-X", "name": "X"})
    assert response.status_code == 401
    assert Outlet.objects.count() == before


def test_login_page_answers_200_and_signing_in_follows_next(org):
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "rep_del1", "password": PASSWORD, "next": "/outlets?q=DEL"})
    assert response.status_code == 302
    assert response["Location"] == "/outlets?q=DEL"
    assert client.get("/outlets?q=DEL").status_code == 200


def test_wrong_password_shows_the_form_again(org):
    response = Client().post(reverse("login"), {"username": "rep_del1", "password": "wrong"})
    assert response.status_code == 200
    assert is_login_form(response)
    assert "alert-danger" in response.content.decode()


def test_repeated_failures_lock_the_user_out_with_the_lockout_page(org, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": "rep_del1", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "rep_del1", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "web/locked_out.html" in [t.name for t in response.templates]


def test_sign_out_ends_the_session(org, client_for):
    client = client_for(org.users["rep_del1"])
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 401


@pytest.mark.parametrize(
    ("username", "url_name", "target"),
    [
        ("brand", "outlet-edit", "O-DEL1-A"),
        ("brand", "outlet-create", None),
        ("rep_del1", "distributor-edit", "D-ONE"),
        ("asm_delhi", "distributor-edit", "D-ONE"),
        ("dist_one", "distributor-edit", "D-ONE"),
        ("rep_del1", "warehouse-list", None),
    ],
)
def test_in_scope_but_not_allowed_is_403_with_a_friendly_page(org, client_for, username, url_name, target):
    kwargs = {}
    if target:
        kwargs["pk"] = (org.outlets.get(target) or org.distributors.get(target)).pk
    response = client_for(org.users[username]).get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_brand_manager_posting_an_outlet_edit_is_403_and_changes_nothing(org, client_for):
    outlet = org.outlets["O-DEL1-A"]
    response = client_for(org.users["brand"]).post(reverse("outlet-edit", args=[outlet.pk]), {"name": "Renamed"})
    assert response.status_code == 403
    outlet.refresh_from_db()
    assert outlet.name == "O-DEL1-A General Store"


@pytest.mark.parametrize(
    ("username", "url_name", "target"),
    [
        ("rep_del1", "outlet-detail", "O-MUM-A"),
        ("rep_del1", "outlet-edit", "O-DEL2-A"),
        ("dist_one", "outlet-detail", "O-DEL2-A"),
        ("asm_mumbai", "outlet-edit", "O-DEL1-A"),
        ("rep_del1", "distributor-detail", "D-TWO"),
        ("dist_four", "distributor-detail", "D-ONE"),
        ("asm_delhi", "distributor-detail", "D-FOUR"),
        ("admin", "distributor-edit", None),
        ("admin", "outlet-detail", None),
        ("admin", "sku-detail", None),
    ],
)
def test_object_outside_the_scope_is_404(org, client_for, username, url_name, target):
    pk = (org.outlets.get(target) or org.distributors.get(target)).pk if target else 999_999
    response = client_for(org.users[username]).get(reverse(url_name, args=[pk]))
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_admin_edits_a_distributor_through_the_service(org, client_for):
    distributor = org.distributors["D-ONE"]
    url = reverse("distributor-edit", args=[distributor.pk])
    data = {"legal_name": "D-One Traders Pvt Ltd", "trade_name": "One Mart", "tax_id": distributor.tax_id,
            "email": "", "phone": "011 2345 6789", "address": ""}
    response = client_for(org.users["admin"]).post(url, data)
    assert response.status_code == 302
    distributor.refresh_from_db()
    assert (distributor.trade_name, distributor.phone) == ("One Mart", "+911123456789")


def test_an_unknown_address_gets_the_friendly_404_page(org, client_for):
    response = client_for(org.users["rep_del1"]).get("/no-such-page")
    assert response.status_code == 404
    assert "Back to the home page" in response.content.decode()
