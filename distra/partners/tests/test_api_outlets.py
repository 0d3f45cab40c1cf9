import pytest

from distra.core.testing import VISIBLE_OUTLETS
from distra.partners.models import Outlet

pytestmark = pytest.mark.django_db


def codes(response):
    return {item["code"] for item in response.json()["items"]}


@pytest.mark.parametrize("username", sorted(VISIBLE_OUTLETS))
def test_each_role_lists_exactly_the_outlets_in_its_scope(org, api, username):
    response = api(org.users[username]).get("/api/v1/outlets", {"limit": 100})
    assert response.status_code == 200
    assert codes(response) == VISIBLE_OUTLETS[username]
    assert response.json()["count"] == len(VISIBLE_OUTLETS[username])


def test_anonymous_gets_401(org, api):
    response = api(None).get("/api/v1/outlets")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_out_of_scope_outlet_is_404_not_403(org, api):
    mumbai = org.outlets["O-MUM-A"]
    response = api(org.users["rep_del1"]).get(f"/api/v1/outlets/{mumbai.pk}")
    assert response.status_code == 404
    response = api(org.users["rep_del1"]).patch(f"/api/v1/outlets/{mumbai.pk}", {"name": "Hijacked"})
    assert response.status_code == 404
    mumbai.refresh_from_db()
    assert mumbai.name != "Hijacked"


def test_in_scope_but_not_allowed_is_403(org, api):
    outlet = org.outlets["O-DEL1-A"]
    response = api(org.users["rep_del1"]).delete(f"/api/v1/outlets/{outlet.pk}")
    assert response.status_code == 403
    assert Outlet.objects.filter(pk=outlet.pk).exists()


def test_rep_creates_outlet_in_own_territory(org, api):
    payload = {
        "code": "O-NEW", "name": "New Kirana", "phone": "98765 43210", "territory_id": org.nodes["T-DEL-1"].pk,
        "distributor_id": org.distributors["D-ONE"].pk, "latitude": "28.61", "longitude": "77.20",
    }
    response = api(org.users["rep_del1"]).post("/api/v1/outlets", payload)
    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == "+919876543210"


def test_outlet_distributor_must_serve_territory(org, api):
    payload = {"code": "O-NEW", "name": "New Kirana", "territory_id": org.nodes["T-DEL-1"].pk, "distributor_id": org.distributors["D-TWO"].pk}
    response = api(org.users["admin"]).post("/api/v1/outlets", payload)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"]["distributor"][0]["code"] == "does_not_serve_territory"
    assert not Outlet.objects.filter(code="O-NEW").exists()


def test_bad_input_is_422_field_by_field(org, api):
    payload = {"code": "", "name": "X", "territory_id": "abc", "distributor_id": 1, "latitude": 123}
    response = api(org.users["admin"]).post("/api/v1/outlets", payload)
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert {"code", "territory_id", "latitude"} <= set(fields)


def test_malformed_json_is_400(org, api):
    client = api(org.users["admin"])
    response = client.client.post("/api/v1/outlets", data="{not json", content_type="application/json", **client.headers)
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_list_sorts_and_filters(org, api):
    client = api(org.users["admin"])
    response = client.get("/api/v1/outlets", {"sort": "-code", "territory_id": org.nodes["T-DEL-2"].pk})
    assert [item["code"] for item in response.json()["items"]] == ["O-DEL2-B", "O-DEL2-A"]
    response = client.get("/api/v1/outlets", {"sort": "bogus"})
    assert response.status_code == 422
