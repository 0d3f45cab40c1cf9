"""Distributors and warehouses over the API: validation, lifecycle and contacts (access is in
distra/core/tests/test_api_access.py)."""

import pytest

from distra.partners.models import Distributor, DistributorContact, DistributorTerritory, Warehouse

pytestmark = pytest.mark.django_db


def field_codes(response, name):
    return [problem["code"] for problem in response.json()["fields"][name]]


def new_distributor(org, **changes):
    return {"code": "D-NEW", "legal_name": "New Traders Pvt Ltd", "territory_ids": [org.nodes["T-LDH"].pk], **changes}


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"tax_id": "07AAACH1234A1ZG"}, "tax_id", "invalid_gstin"),  # check character wrong
        ({"tax_id": "07AAACH1234A1Z"}, "tax_id", "invalid_gstin"),
        ({"country_code": "DE", "tax_id": "DE136695977"}, "tax_id", "invalid_tax_id"),
        ({"phone": "+91 12"}, "phone", "invalid_phone"),
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"territory_ids": [987654]}, "territory_ids", "not_found"),
        ({"territory_ids": "T-LDH"}, "territory_ids", "list_type"),
        ({"country_code": "IND"}, "country_code", "string_too_long"),
        ({"legal_name": ""}, "legal_name", "string_too_short"),
    ],
)
def test_distributor_create_rejects_bad_field_with_its_code(org, api, changes, field, code):
    response = api(org.users["admin"]).post("/api/v1/distributors", new_distributor(org, **changes))
    assert response.status_code == 422, response.content
    assert field_codes(response, field) == [code]
    assert not Distributor.objects.filter(code="D-NEW").exists()


def test_distributor_must_serve_territories_not_areas(org, api):
    response = api(org.users["admin"]).post("/api/v1/distributors", new_distributor(org, territory_ids=[org.nodes["A-PUN"].pk]))
    assert response.status_code == 422
    assert field_codes(response, "territories") == ["invalid_territory"]
    assert not Distributor.objects.filter(code="D-NEW").exists()


def test_distributor_create_normalises_identifiers_and_starts_as_prospect(org, api):
    payload = new_distributor(org, tax_id="03aaach1234a1zn", phone="0161 234 5678")
    response = api(org.users["admin"]).post("/api/v1/distributors", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["tax_id"], body["phone"], body["status"]) == ("03AAACH1234A1ZN", "+911612345678", "prospect")
    assert body["territory_ids"] == [org.nodes["T-LDH"].pk]
    assert (body["contacts"], body["warehouse_ids"]) == ([], [])


def test_duplicate_gstin_is_rejected_on_its_field(org, api):
    # Regression: the unique constraint answered on "__all__" with the constraint's name.
    taken = org.distributors["D-ONE"].tax_id
    response = api(org.users["admin"]).post("/api/v1/distributors", new_distributor(org, tax_id=taken))
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "tax_id": [{"code": "duplicate", "message": f"Another distributor is registered with {taken}."}]
    }
    assert Distributor.objects.filter(tax_id=taken).count() == 1


def test_patch_with_invalid_gstin_changes_nothing(org, api):
    distributor = org.distributors["D-ONE"]
    response = api(org.users["admin"]).patch(f"/api/v1/distributors/{distributor.pk}", {"tax_id": "07AAACD1234A1ZK", "trade_name": "X"})
    assert response.status_code == 422
    assert field_codes(response, "tax_id") == ["invalid_gstin"]
    distributor.refresh_from_db()
    assert (distributor.tax_id, distributor.trade_name) == ("07AAACD1234A1ZJ", "")


def test_territory_still_serving_outlets_cannot_be_dropped(org, api):
    distributor = org.distributors["D-ONE"]
    response = api(org.users["admin"]).patch(f"/api/v1/distributors/{distributor.pk}", {"territory_ids": [org.nodes["T-DEL-1"].pk]})
    assert response.status_code == 422
    assert field_codes(response, "territories") == ["territory_in_use"]
    assert DistributorTerritory.objects.filter(distributor=distributor).count() == 2


@pytest.mark.parametrize(("start", "target", "expected"), [
    ("active", "suspended", 200), ("active", "prospect", 409), ("suspended", "active", 200),
    ("terminated", "active", 409), ("prospect", "suspended", 409),
])
def test_status_follows_the_lifecycle(org, api, start, target, expected):
    distributor = org.distributors["D-TWO"]
    Distributor.objects.filter(pk=distributor.pk).update(status=start)
    response = api(org.users["admin"]).post(f"/api/v1/distributors/{distributor.pk}/status", {"status": target})
    assert response.status_code == expected
    distributor.refresh_from_db()
    if expected == 200:
        assert distributor.status == target
    else:
        assert response.json()["code"] == "invalid_transition"
        assert distributor.status == start


def test_unknown_status_is_422(org, api):
    distributor = org.distributors["D-TWO"]
    response = api(org.users["admin"]).post(f"/api/v1/distributors/{distributor.pk}/status", {"status": "asleep"})
    assert response.status_code == 422
    assert field_codes(response, "status") == ["enum"]
    distributor.refresh_from_db()
    assert distributor.status == "active"


def test_distributor_in_use_cannot_be_deleted(org, api):
    distributor = org.distributors["D-ONE"]
    response = api(org.users["admin"]).delete(f"/api/v1/distributors/{distributor.pk}")
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"
    assert Distributor.objects.filter(pk=distributor.pk).exists()


def test_new_primary_contact_replaces_the_old_one(org, api):
    distributor = org.distributors["D-ONE"]
    client = api(org.users["dist_one"])
    path = f"/api/v1/distributors/{distributor.pk}/contacts"
    first = client.post(path, {"name": "Asha", "is_primary": True}).json()
    second = client.post(path, {"name": "Ravi", "is_primary": True, "phone": "98123 45678"}).json()
    assert second["phone"] == "+919812345678"
    assert [(c.name, c.is_primary) for c in DistributorContact.objects.filter(distributor=distributor)] == [("Ravi", True), ("Asha", False)]
    again = client.post(path, {"name": "Asha", "designation": "Owner"}).json()
    assert again["id"] == first["id"]  # same name: the contact is updated, not duplicated
    detail = client.get(f"/api/v1/distributors/{distributor.pk}").json()
    assert [c["name"] for c in detail["contacts"]] == ["Ravi", "Asha"]


def test_contact_with_invalid_phone_is_422(org, api):
    distributor = org.distributors["D-ONE"]
    response = api(org.users["admin"]).post(f"/api/v1/distributors/{distributor.pk}/contacts", {"name": "Asha", "phone": "12"})
    assert response.status_code == 422
    assert field_codes(response, "phone") == ["invalid_phone"]
    assert not DistributorContact.objects.exists()


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"latitude": 91}, "latitude", "less_than_equal"),
    ({"longitude": -181}, "longitude", "greater_than_equal"),
    ({"distributor_id": 987654}, "distributor_id", "not_found"),
    ({"is_active": "sometimes"}, "is_active", "bool_parsing"),
])
def test_warehouse_create_rejects_bad_field(org, api, changes, field, code):
    payload = {"distributor_id": org.distributors["D-ONE"].pk, "code": "W-NEW", "name": "New", **changes}
    response = api(org.users["admin"]).post("/api/v1/warehouses", payload)
    assert response.status_code == 422
    assert field_codes(response, field) == [code]
    assert not Warehouse.objects.filter(code="W-NEW").exists()


def test_distributor_user_updates_own_warehouse(org, api):
    warehouse = org.warehouses["D-ONE"]
    response = api(org.users["dist_one"]).patch(f"/api/v1/warehouses/{warehouse.pk}", {"latitude": "28.5", "is_active": False})
    assert response.status_code == 200
    assert (response.json()["latitude"], response.json()["is_active"]) == ("28.5", False)
    warehouse.refresh_from_db()
    assert warehouse.is_active is False


def test_lists_filter_by_territory_and_distributor(org, api):
    client = api(org.users["admin"])
    by_territory = client.get("/api/v1/distributors", {"territory_id": org.nodes["T-DEL-2"].pk}).json()
    assert [d["code"] for d in by_territory["items"]] == ["D-ONE", "D-TWO"]
    by_distributor = client.get("/api/v1/warehouses", {"distributor_id": org.distributors["D-FOUR"].pk}).json()
    assert [w["code"] for w in by_distributor["items"]] == ["W-D-FOUR"]
    assert client.get("/api/v1/distributors", {"status": "bogus"}).status_code == 422
