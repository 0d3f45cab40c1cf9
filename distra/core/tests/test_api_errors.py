"""The error shape every endpoint shares: malformed bodies, wrong types, unknown sorts."""

import pytest
from django.test import Client

from distra.core.testing import api_token
from distra.core.tests.test_api_access import snapshot

pytestmark = pytest.mark.django_db

BODY_ENDPOINTS = [
    ("post", "/api/v1/geography/nodes"), ("patch", "/api/v1/geography/nodes/{node}"),
    ("post", "/api/v1/distributors"), ("patch", "/api/v1/distributors/{distributor}"),
    ("post", "/api/v1/distributors/{distributor}/status"), ("post", "/api/v1/distributors/{distributor}/contacts"),
    ("post", "/api/v1/warehouses"), ("patch", "/api/v1/warehouses/{warehouse}"),
    ("post", "/api/v1/outlets"), ("patch", "/api/v1/outlets/{outlet}"),
    ("post", "/api/v1/brands"), ("post", "/api/v1/categories"),
    ("post", "/api/v1/skus"), ("patch", "/api/v1/skus/{sku}"),
]


def path_for(org, template):
    return template.format(
        node=org.nodes["T-DEL-1"].pk, distributor=org.distributors["D-ONE"].pk, warehouse=org.warehouses["D-ONE"].pk,
        outlet=org.outlets["O-DEL1-A"].pk, sku=org.skus["SKU-1"].pk,
    )


def send(org, method, path, body, content_type="application/json"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(org.users['admin'])}"}
    return getattr(Client(), method)(path_for(org, path), body, content_type=content_type, **headers)


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
@pytest.mark.parametrize("body", ['{"name": "x"', "not json at all", '{"name": "x",}'], ids=["truncated", "text", "trailing-comma"])
def test_malformed_json_is_400_and_changes_nothing(org, method, path, body):
    before = snapshot()
    response = send(org, method, path, body)
    assert response.status_code == 400
    assert response.json() == {"code": "malformed_json", "message": "The request body is not valid JSON.", "fields": {}}
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
@pytest.mark.parametrize("body", ["[]", '"a string"', "42"], ids=["list", "string", "number"])
def test_body_that_is_not_an_object_is_422(org, method, path, body):
    before = snapshot()
    response = send(org, method, path, body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), [e for e in BODY_ENDPOINTS if e[0] == "patch"])
def test_patch_with_wrong_types_is_422_field_by_field(org, method, path):
    before = snapshot()
    response = send(org, method, path, '{"name": 42, "legal_name": {"a": 1}, "latitude": [1], "is_active": "perhaps"}')
    assert response.status_code == 422, response.content
    fields = response.json()["fields"]
    assert fields  # each endpoint names at least one of the fields it knows
    assert all(problems and {"code", "message"} == set(problems[0]) for problems in fields.values())
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/api/v1/outlets", "/api/v1/distributors", "/api/v1/skus", "/api/v1/geography/nodes"])
@pytest.mark.parametrize(("params", "field"), [
    ({"sort": "password"}, "sort"), ({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"offset": -1}, "offset"),
    ({"offset": 10**12}, "offset"), ({"limit": "ten"}, "limit"),
])
def test_bad_list_parameters_are_422_on_the_parameter(org, api, path, params, field):
    response = api(org.users["admin"]).get(path, params)
    assert response.status_code == 422, response.content
    assert list(response.json()["fields"]) == [field]


@pytest.mark.parametrize("path", ["/api/v1/outlets", "/api/v1/warehouses", "/api/v1/skus"])
def test_id_filter_beyond_64_bits_is_422_not_a_server_error(org, api, path):
    # Regression (schemathesis): SQLite raised OverflowError on such ids.
    name = {"/api/v1/outlets": "territory_id", "/api/v1/warehouses": "distributor_id", "/api/v1/skus": "brand_id"}[path]
    response = api(org.users["admin"]).get(path, {name: 2**63})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [name]


def test_unknown_method_is_405_in_the_error_shape(org, api):
    response = api(org.users["admin"]).client.put("/api/v1/outlets", "{}", content_type="application/json", **api(org.users["admin"]).headers)
    assert response.status_code == 405


def test_nul_character_in_a_query_is_400_not_500(org, api):
    response = api(org.users["admin"]).get("/api/v1/geography/nodes", {"search": "\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_character"


def test_nul_character_in_a_page_search_is_400(org, client):
    client.force_login(org.users["admin"])
    assert client.get("/outlets", {"q": "a\x00b"}).status_code == 400


def test_nul_character_in_a_json_body_is_refused_and_nothing_written(org, api):
    from django.db import connection

    from distra.catalog.models import Brand

    response = api(org.users["admin"]).post("/api/v1/brands", {"code": "NUL", "name": "Bad\x00name"})
    if connection.vendor == "postgresql":
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_character"
        assert not Brand.objects.filter(code="NUL").exists()
    else:  # SQLite stores the character as it is: no server error either way
        assert response.status_code == 201
