"""The geography tree over the API: validation and rules (access is in
distra/core/tests/test_api_access.py)."""

import pytest

from distra.geography.models import GeoNode

pytestmark = pytest.mark.django_db


def field_codes(response, name):
    return [problem["code"] for problem in response.json()["fields"][name]]


def test_node_create_sets_path_and_country_from_parent(org, api):
    area = org.nodes["A-PUN"]
    response = api(org.users["admin"]).post("/api/v1/geography/nodes", {"code": "T-ASR", "name": "Amritsar", "kind": "territory", "parent_id": area.pk, "country_code": "LK"})
    assert response.status_code == 201
    body = response.json()
    assert (body["path"], body["country_code"], body["parent_id"]) == (f"{area.path}{body['id']}/", "IN", area.pk)
    assert GeoNode.objects.get(pk=body["id"]).path == body["path"]


@pytest.mark.parametrize(("kind", "parent", "field", "code"), [
    ("territory", "NORTH", "parent", "invalid_parent"),  # a territory sits under an area
    ("region", None, "parent", "invalid_parent"),  # only countries are roots
    ("planet", "IN", "kind", "enum"),
])
def test_node_must_sit_under_the_kind_above_it(org, api, kind, parent, field, code):
    payload = {"code": "X-NEW", "name": "New", "kind": kind, "parent_id": org.nodes[parent].pk if parent else None}
    response = api(org.users["admin"]).post("/api/v1/geography/nodes", payload)
    assert response.status_code == 422, response.content
    assert field_codes(response, field)[0] == code
    assert not GeoNode.objects.filter(code="X-NEW").exists()


def test_node_with_unknown_parent_is_422(org, api):
    response = api(org.users["admin"]).post("/api/v1/geography/nodes", {"code": "X-NEW", "name": "New", "kind": "area", "parent_id": 987654})
    assert response.status_code == 422
    assert field_codes(response, "parent_id") == ["not_found"]
    assert not GeoNode.objects.filter(code="X-NEW").exists()


def test_node_code_is_unique(org, api):
    response = api(org.users["admin"]).patch(f"/api/v1/geography/nodes/{org.nodes['T-LDH'].pk}", {"code": "T-MUM"})
    assert response.status_code == 422
    assert field_codes(response, "code") == ["unique"]
    assert GeoNode.objects.get(pk=org.nodes["T-LDH"].pk).code == "T-LDH"


def test_node_in_use_cannot_be_deleted(org, api):
    node = org.nodes["T-DEL-1"]
    response = api(org.users["admin"]).delete(f"/api/v1/geography/nodes/{node.pk}")
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"
    assert GeoNode.objects.filter(pk=node.pk).exists()


def test_node_list_filters(org, api):
    client = api(org.users["admin"])
    assert [n["code"] for n in client.get("/api/v1/geography/nodes", {"kind": "area", "sort": "code"}).json()["items"]] == ["A-DEL", "A-MUM", "A-PUN"]
    assert [n["code"] for n in client.get("/api/v1/geography/nodes", {"parent_id": org.nodes["A-DEL"].pk}).json()["items"]] == ["T-DEL-1", "T-DEL-2"]
    assert client.get("/api/v1/geography/nodes", {"kind": "planet"}).status_code == 422
