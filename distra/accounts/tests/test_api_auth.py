"""Signing in to the API, tokens, throttling, and who the caller is."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from distra.accounts.models import ApiToken, hash_token
from distra.core.testing import PASSWORD, api_token

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"


def sign_in(username, password, address="10.0.0.1"):
    return Client().post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json", REMOTE_ADDR=address
    )


def me(token):
    return Client().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_correct_password_gives_a_working_token(org):
    response = sign_in("rep_del1", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token"}
    assert body["token"].startswith("dst_")
    stored = ApiToken.objects.get(key_hash=hash_token(body["token"]))
    assert stored.user == org.users["rep_del1"]
    assert stored.expires_at - timezone.now() > timedelta(days=29)
    assert me(body["token"]).json()["username"] == "rep_del1"
    org.users["rep_del1"].refresh_from_db()
    assert org.users["rep_del1"].last_login is not None


@pytest.mark.parametrize(("username", "password"), [("rep_del1", "wrong-password"), ("nobody", PASSWORD), ("", "")])
def test_bad_credentials_are_401_and_issue_no_token(org, username, password):
    tokens = ApiToken.objects.count()
    response = sign_in(username, password)
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": "Invalid username or password.", "fields": {}}
    assert ApiToken.objects.count() == tokens


def test_inactive_user_cannot_sign_in(org):
    org.users["rep_del1"].is_active = False
    org.users["rep_del1"].save()
    response = sign_in("rep_del1", PASSWORD)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_five_failures_lock_that_username_and_address(org, settings):
    settings.AXES_FAILURE_LIMIT = 5
    address = "10.9.8.7"  # an address of this test's own; axes' database rows roll back with it
    codes = [sign_in("rep_del1", f"wrong-{i}", address).status_code for i in range(5)]
    assert codes == [401, 401, 401, 401, 429]  # the fifth failure is the one that locks
    locked = sign_in("rep_del1", PASSWORD, address)  # even the right password now
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json; charset=utf-8"
    assert locked.json() == {
        "code": "too_many_attempts",
        "message": "Too many failed sign-in attempts; try again in 15 minutes.",
        "fields": {},
    }
    assert not ApiToken.objects.filter(user=org.users["rep_del1"]).exists()
    assert AccessAttempt.objects.get(username="rep_del1", ip_address=address).failures_since_start >= 5
    # The lock is per username and address: others are not affected.
    assert sign_in("rep_del1", PASSWORD, "10.9.8.8").status_code == 200
    assert sign_in("rep_mum", PASSWORD, address).status_code == 200


def test_success_before_the_limit_resets_the_count(org, settings):
    # Regression: issuing a token did not tell django-axes about the successful sign-in, so
    # AXES_RESET_ON_SUCCESS never applied to the API and failures piled up across successes.
    settings.AXES_FAILURE_LIMIT = 5
    address = "10.9.8.9"
    for i in range(4):
        assert sign_in("rep_mum", f"wrong-{i}", address).status_code == 401
    assert sign_in("rep_mum", PASSWORD, address).status_code == 200
    assert sign_in("rep_mum", "wrong-again", address).status_code == 401


def test_delete_token_revokes_the_token_used(org):
    token = sign_in("dist_one", PASSWORD).json()["token"]
    other = api_token(org.users["dist_one"])
    response = Client().delete(TOKEN_URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 204
    assert response.content == b""
    assert ApiToken.objects.get(key_hash=hash_token(token)).revoked_at is not None
    assert me(token).status_code == 401
    again = Client().delete(TOKEN_URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.status_code == 401
    assert again.json()["code"] == "not_authenticated"
    assert me(other).status_code == 200  # the user's other tokens still work


def test_delete_token_refuses_anonymous_caller(org):
    response = Client().delete(TOKEN_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_expired_token_is_refused(org):
    token = api_token(org.users["admin"])
    ApiToken.objects.filter(key_hash=hash_token(token)).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = me(token)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_of_a_deactivated_user_is_refused(org):
    token = api_token(org.users["asm_delhi"])
    org.users["asm_delhi"].is_active = False
    org.users["asm_delhi"].save()
    assert me(token).status_code == 401


@pytest.mark.parametrize("header", ["Bearer dst_made-up", "Bearer ", "Token abc", "Basic YWRtaW46eA=="])
def test_unknown_or_malformed_authorization_is_401(org, header):
    response = Client().get(ME_URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_refused_token_on_a_write_is_401_not_a_csrf_failure(org):
    # Regression: the session fallback used to run Django's CSRF check first and answer 403.
    response = Client().patch(
        f"/api/v1/outlets/{org.outlets['O-DEL1-A'].pk}", '{"name": "X"}', content_type="application/json",
        HTTP_AUTHORIZATION="Bearer dst_made-up",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_signed_in_session_may_read_but_writes_need_the_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.users["admin"])
    assert client.get(ME_URL).json()["username"] == "admin"
    outlet = org.outlets["O-DEL1-A"]
    response = client.patch(f"/api/v1/outlets/{outlet.pk}", '{"name": "X"}', content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    outlet.refresh_from_db()
    assert outlet.name == "O-DEL1-A General Store"


@pytest.mark.parametrize(
    "body", ['{"username": "admin"}', '{"username": 1, "password": ["x"]}', "[]"], ids=["missing", "wrong-types", "not-object"]
)
def test_token_request_with_wrong_shape_is_422(org, body):
    response = Client().post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert not ApiToken.objects.exists()


def test_token_request_that_is_not_json_is_400(org):
    response = Client().post(TOKEN_URL, "{username: admin", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_token_request_with_broken_multipart_header_is_400_not_500(org):
    # Regression (schemathesis): axes reads request.POST on a failed sign-in; a multipart
    # Content-Type without a boundary made that a 500.
    response = Client().post(TOKEN_URL, '{"username": "x", "password": "y"}', content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"


EXPECTED_ME = {
    "admin": ("administrator", None, [], True),
    "brand": ("brand_manager", None, [], False),
    "asm_delhi": ("area_sales_manager", None, ["A-DEL"], False),
    "dist_one": ("distributor", "D-ONE", [], False),
    "rep_del1": ("field_rep", None, ["T-DEL-1"], False),
}


@pytest.mark.parametrize("username", sorted(EXPECTED_ME))
def test_me_describes_the_caller(org, api, username):
    role, distributor, nodes, deletes_outlets = EXPECTED_ME[username]
    body = api(org.users[username]).get(ME_URL).json()
    assert body["username"] == username
    assert body["id"] == org.users[username].pk
    assert body["role"] == role
    assert body["distributor_id"] == (org.distributors[distributor].pk if distributor else None)
    assert body["geo_node_ids"] == [org.nodes[code].pk for code in nodes]
    assert body["permissions"] == sorted(body["permissions"])
    assert "partners.view_outlet" in body["permissions"]
    assert ("partners.delete_outlet" in body["permissions"]) is deletes_outlets


def test_me_refuses_anonymous_caller(org, api):
    response = api(None).get(ME_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_permission_given_to_the_user_itself_counts_on_token_calls(org):
    """The token's statement also reads the user's own permissions (on PostgreSQL): one given in
    the admin counts on the next call, and a superuser keeps all of them."""
    from django.contrib.auth.models import Permission

    from distra.accounts.services import token_authenticate

    rep = org.users["rep_del1"]
    raw = api_token(rep)
    assert not token_authenticate(raw).has_perm("catalog.change_sku")
    rep.user_permissions.add(Permission.objects.get(content_type__app_label="catalog", codename="change_sku"))
    user = token_authenticate(raw)
    assert user.has_perm("catalog.change_sku")
    assert "catalog.change_sku" in user.get_all_permissions()
    admin = token_authenticate(api_token(org.users["admin"]))
    assert admin.is_superuser
    every = {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")}
    assert every <= admin.get_all_permissions()
