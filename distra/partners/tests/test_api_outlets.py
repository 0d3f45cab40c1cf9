from decimal import Decimal

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


# Validation, field by field ----------------------------------------------------------------------

def new_outlet(org, **changes):
    payload = {
        "code": "O-NEW", "name": "New Kirana", "territory_id": org.nodes["T-DEL-1"].pk,
        "distributor_id": org.distributors["D-ONE"].pk,
    }
    return {**payload, **changes}


def field_codes(response, name):
    return [problem["code"] for problem in response.json()["fields"][name]]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"phone": "12345"}, "phone", "invalid_phone"),
        ({"tax_id": "07AAACD1234A1ZK"}, "tax_id", "invalid_gstin"),
        ({"latitude": "90.5"}, "latitude", "less_than_equal"),
        ({"latitude": "-91"}, "latitude", "greater_than_equal"),
        ({"longitude": "180.1"}, "longitude", "less_than_equal"),
        ({"latitude": "28.1234567"}, "latitude", "decimal_max_places"),
        ({"latitude": "north"}, "latitude", "decimal_parsing"),
        ({"territory_id": 987654}, "territory_id", "not_found"),
        ({"distributor_id": 987654}, "distributor_id", "not_found"),
        ({"territory_id": "abc"}, "territory_id", "int_parsing"),
        ({"territory_id": 0}, "territory_id", "greater_than_equal"),
        ({"channel": "street_cart"}, "channel", "enum"),
        ({"outlet_class": "D"}, "outlet_class", "enum"),
        ({"code": ""}, "code", "string_too_short"),
        ({"name": ["a list"]}, "name", "string_type"),
    ],
)
def test_outlet_create_rejects_bad_field_with_its_code(org, api, changes, field, code):
    response = api(org.users["admin"]).post("/api/v1/outlets", new_outlet(org, **changes))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert field_codes(response, field) == [code]
    assert not Outlet.objects.filter(code="O-NEW").exists()


def test_outlet_create_needs_code_name_territory_and_distributor(org, api):
    response = api(org.users["admin"]).post("/api/v1/outlets", {})
    assert response.status_code == 422
    assert {name: field_codes(response, name) for name in response.json()["fields"]} == {
        "code": ["missing"], "name": ["missing"], "territory_id": ["missing"], "distributor_id": ["missing"],
    }


def test_outlet_must_sit_in_a_territory_not_an_area(org, api):
    response = api(org.users["admin"]).post("/api/v1/outlets", new_outlet(org, territory_id=org.nodes["A-DEL"].pk))
    assert response.status_code == 422
    assert field_codes(response, "territory") == ["not_a_territory"]
    assert not Outlet.objects.filter(code="O-NEW").exists()


def test_outlet_code_is_unique(org, api):
    response = api(org.users["admin"]).post("/api/v1/outlets", new_outlet(org, code="O-DEL1-A"))
    assert response.status_code == 422
    assert field_codes(response, "code") == ["unique"]
    assert Outlet.objects.filter(code="O-DEL1-A").count() == 1


def test_rep_cannot_move_an_outlet_into_another_scope(org, api):
    outlet = org.outlets["O-DEL1-A"]
    response = api(org.users["rep_del1"]).patch(
        f"/api/v1/outlets/{outlet.pk}",
        {"territory_id": org.nodes["T-MUM"].pk, "distributor_id": org.distributors["D-FOUR"].pk},
    )
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"territory_id", "distributor_id"}
    outlet.refresh_from_db()
    assert (outlet.territory, outlet.distributor) == (org.nodes["T-DEL-1"], org.distributors["D-ONE"])


def test_patch_changes_only_the_fields_sent(org, api):
    outlet = org.outlets["O-DEL1-A"]
    response = api(org.users["dist_one"]).patch(f"/api/v1/outlets/{outlet.pk}", {"outlet_class": "A", "phone": "+91 98123 45678"})
    assert response.status_code == 200
    body = response.json()
    assert (body["outlet_class"], body["phone"], body["name"]) == ("A", "+919812345678", "O-DEL1-A General Store")
    outlet.refresh_from_db()
    assert (outlet.outlet_class, outlet.phone, outlet.latitude) == ("A", "+919812345678", Decimal("28.613900"))


def test_patch_with_bad_phone_changes_nothing(org, api):
    outlet = org.outlets["O-DEL1-A"]
    response = api(org.users["admin"]).patch(f"/api/v1/outlets/{outlet.pk}", {"phone": "0000", "name": "Renamed"})
    assert response.status_code == 422
    assert field_codes(response, "phone") == ["invalid_phone"]
    outlet.refresh_from_db()
    assert (outlet.phone, outlet.name) == ("+919876543210", "O-DEL1-A General Store")


def test_collection_path_has_no_trailing_slash_and_post_is_answered_there(org, api):
    client = api(org.users["admin"])
    response = client.post("/api/v1/outlets", new_outlet(org))
    assert response.status_code == 201  # answered at this path, not redirected
    assert "Location" not in response
    slashed = client.post("/api/v1/outlets/", new_outlet(org, code="O-NEW-2"))
    assert slashed.status_code == 404
    assert not Outlet.objects.filter(code="O-NEW-2").exists()
    assert client.get("/api/v1/outlets/").status_code == 404
    assert client.get(f"/api/v1/outlets/{org.outlets['O-DEL1-A'].pk}/").status_code == 404
