"""Every endpoint × every role of the test organisation: who gets 401, 403, 404 or a 2xx.

In the spirit of NetBox's utilities/testing/api.py, the cases are generated from two tables
written out by hand (not derived from the code under test): ``ENDPOINTS`` says, per endpoint,
which users may call it; ``VISIBLE_*`` say which rows each user's data scope covers. For each
endpoint and user the test calls it on a row in the user's own scope ("home") and on a row of
another scope ("away"), and asserts the exact status. Every refused call also asserts that no
master data changed; every allowed call checks what it returned or stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from distra.catalog.models import SKU, Brand, Category
from distra.core.testing import VISIBLE_OUTLETS
from distra.geography.choices import GeoKind
from distra.geography.models import GeoNode
from distra.partners.choices import DistributorStatus
from distra.partners.models import (
    Distributor,
    DistributorContact,
    DistributorTerritory,
    Outlet,
    Warehouse,
)

pytestmark = pytest.mark.django_db

USERS = ["admin", "brand", "asm_delhi", "asm_mumbai", "dist_one", "dist_four", "rep_del1", "rep_mum"]
EVERYONE = set(USERS)
SCOPED = EVERYONE - {"admin", "brand"}
OUTLET_KEEPERS = EVERYONE - {"brand"}  # area sales managers, distributor users and reps keep outlets current
CATALOG_KEEPERS = {"admin", "brand"}
DISTRIBUTOR_USERS = {"dist_one", "dist_four"}

# What each user of build_org() must see, besides VISIBLE_OUTLETS (distra/core/testing.py).
VISIBLE_NODES = {
    "admin": {"IN", "NORTH", "WEST", "A-DEL", "A-PUN", "A-MUM", "T-DEL-1", "T-DEL-2", "T-LDH", "T-MUM"},
    "brand": {"IN", "NORTH", "WEST", "A-DEL", "A-PUN", "A-MUM", "T-DEL-1", "T-DEL-2", "T-LDH", "T-MUM"},
    "asm_delhi": {"A-DEL", "T-DEL-1", "T-DEL-2"},
    "asm_mumbai": {"A-MUM", "T-MUM"},
    "dist_one": {"T-DEL-1", "T-DEL-2"},
    "dist_four": {"T-MUM"},
    "rep_del1": {"T-DEL-1"},
    "rep_mum": {"T-MUM"},
}
VISIBLE_DISTRIBUTORS = {
    "admin": {"D-ONE", "D-TWO", "D-THREE", "D-FOUR"},
    "brand": {"D-ONE", "D-TWO", "D-THREE", "D-FOUR"},
    "asm_delhi": {"D-ONE", "D-TWO"},
    "asm_mumbai": {"D-FOUR"},
    "dist_one": {"D-ONE"},
    "dist_four": {"D-FOUR"},
    "rep_del1": {"D-ONE"},
    "rep_mum": {"D-FOUR"},
}
# Field reps may not look at warehouses at all (their list is a 403, below).
VISIBLE_WAREHOUSES = {
    "admin": {"W-D-ONE", "W-D-TWO", "W-D-THREE", "W-D-FOUR"},
    "brand": {"W-D-ONE", "W-D-TWO", "W-D-THREE", "W-D-FOUR"},
    "asm_delhi": {"W-D-ONE", "W-D-TWO"},
    "asm_mumbai": {"W-D-FOUR"},
    "dist_one": {"W-D-ONE"},
    "dist_four": {"W-D-FOUR"},
}
ALL_BRANDS = {"SUN"}
ALL_CATEGORIES = {"FOOD", "BISC"}
ALL_SKUS = {"SKU-1"}

# Each user's own corner of the organisation, and a corner it cannot see.
HOME = {
    "admin": ("T-DEL-1", "D-ONE", "O-DEL1-A"),
    "brand": ("T-DEL-1", "D-ONE", "O-DEL1-A"),
    "asm_delhi": ("T-DEL-1", "D-ONE", "O-DEL1-A"),
    "asm_mumbai": ("T-MUM", "D-FOUR", "O-MUM-A"),
    "dist_one": ("T-DEL-1", "D-ONE", "O-DEL1-A"),
    "dist_four": ("T-MUM", "D-FOUR", "O-MUM-A"),
    "rep_del1": ("T-DEL-1", "D-ONE", "O-DEL1-A"),
    "rep_mum": ("T-MUM", "D-FOUR", "O-MUM-A"),
}
AWAY = {
    "asm_delhi": ("T-MUM", "D-FOUR", "O-MUM-A"),
    "asm_mumbai": ("T-DEL-1", "D-ONE", "O-DEL1-A"),
    "dist_one": ("T-MUM", "D-FOUR", "O-MUM-A"),
    "dist_four": ("T-DEL-1", "D-ONE", "O-DEL1-A"),
    "rep_del1": ("T-MUM", "D-FOUR", "O-MUM-A"),
    "rep_mum": ("T-DEL-1", "D-ONE", "O-DEL1-A"),
}


def corner(org, username, where):
    territory, distributor, outlet = (HOME if where == "home" else AWAY)[username]
    return org.nodes[territory], org.distributors[distributor], org.outlets[outlet]


def snapshot() -> dict:
    """All master data, to show that a refused call changed nothing."""
    models = [GeoNode, Distributor, DistributorTerritory, DistributorContact, Warehouse, Outlet, Brand, Category, SKU]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


# Endpoints on one row --------------------------------------------------------------------------

@dataclass
class RowEndpoint:
    name: str
    method: str
    path: str  # with {pk}
    target: Callable  # (org, username, where) -> the row the call names
    allowed: set[str]  # users whose role may do this
    success: int = 200
    payload: Callable | None = None  # (org, username) -> body
    fresh: Callable | None = None  # (org) -> a row to use in the allowed case (deletes)
    verify: Callable | None = None  # (org, row, body) -> asserts on what happened
    view_first: bool = False  # reads check the view permission before the scope


def _node(org, u, where):
    return corner(org, u, where)[0]


def _distributor(org, u, where):
    return corner(org, u, where)[1]


def _warehouse(org, u, where):
    return org.warehouses[corner(org, u, where)[1].code]


def _outlet(org, u, where):
    return corner(org, u, where)[2]


def _sku(org, u, where):
    return org.skus["SKU-1"]


def _fresh_node(org):
    node = GeoNode.objects.create(code="T-SPARE", name="Spare", kind=GeoKind.TERRITORY, parent=org.nodes["A-DEL"])
    node.path = f"{org.nodes['A-DEL'].path}{node.pk}/"
    node.save(update_fields=["path"])
    return node


def _fresh_distributor(org):
    return Distributor.objects.create(code="D-SPARE", legal_name="Spare Traders Pvt Ltd")


def _gone(model):
    def verify(org, row, body):
        assert not model.objects.filter(pk=row.pk).exists()

    return verify


def _renamed(model, field_name="name"):
    def verify(org, row, body):
        assert body["id"] == row.pk
        assert body[field_name] == "Renamed"
        assert getattr(model.objects.get(pk=row.pk), field_name) == "Renamed"

    return verify


def _same_row(org, row, body):
    assert body["id"] == row.pk
    assert body["code"] == row.code


def _suspended(org, row, body):
    assert body["status"] == "suspended"
    assert Distributor.objects.get(pk=row.pk).status == DistributorStatus.SUSPENDED


def _contact_added(org, row, body):
    contact = DistributorContact.objects.get(distributor=row, name="Asha Rao")
    assert body == {"id": contact.pk, "name": "Asha Rao", "designation": "Owner", "phone": "+919812345678", "email": "", "is_primary": True}


ROW_ENDPOINTS = [
    RowEndpoint("geonode_get", "get", "/api/v1/geography/nodes/{pk}", _node, EVERYONE, verify=_same_row, view_first=True),
    RowEndpoint("geonode_patch", "patch", "/api/v1/geography/nodes/{pk}", _node, {"admin"},
                payload=lambda org, u: {"name": "Renamed"}, verify=_renamed(GeoNode)),
    RowEndpoint("geonode_delete", "delete", "/api/v1/geography/nodes/{pk}", _node, {"admin"}, success=204,
                fresh=_fresh_node, verify=_gone(GeoNode)),
    RowEndpoint("distributor_get", "get", "/api/v1/distributors/{pk}", _distributor, EVERYONE, verify=_same_row, view_first=True),
    RowEndpoint("distributor_patch", "patch", "/api/v1/distributors/{pk}", _distributor, {"admin"},
                payload=lambda org, u: {"trade_name": "Renamed"}, verify=_renamed(Distributor, "trade_name")),
    RowEndpoint("distributor_status", "post", "/api/v1/distributors/{pk}/status", _distributor, {"admin"},
                payload=lambda org, u: {"status": "suspended"}, verify=_suspended),
    RowEndpoint("distributor_contacts", "post", "/api/v1/distributors/{pk}/contacts", _distributor, {"admin"} | DISTRIBUTOR_USERS,
                payload=lambda org, u: {"name": "Asha Rao", "designation": "Owner", "phone": "98123 45678", "is_primary": True},
                verify=_contact_added),
    RowEndpoint("distributor_delete", "delete", "/api/v1/distributors/{pk}", _distributor, {"admin"}, success=204,
                fresh=_fresh_distributor, verify=_gone(Distributor)),
    RowEndpoint("warehouse_get", "get", "/api/v1/warehouses/{pk}", _warehouse, EVERYONE - {"rep_del1", "rep_mum"},
                verify=_same_row, view_first=True),
    RowEndpoint("warehouse_patch", "patch", "/api/v1/warehouses/{pk}", _warehouse, {"admin"} | DISTRIBUTOR_USERS,
                payload=lambda org, u: {"name": "Renamed"}, verify=_renamed(Warehouse)),
    RowEndpoint("outlet_get", "get", "/api/v1/outlets/{pk}", _outlet, EVERYONE, verify=_same_row, view_first=True),
    RowEndpoint("outlet_patch", "patch", "/api/v1/outlets/{pk}", _outlet, OUTLET_KEEPERS,
                payload=lambda org, u: {"name": "Renamed"}, verify=_renamed(Outlet)),
    RowEndpoint("outlet_delete", "delete", "/api/v1/outlets/{pk}", _outlet, {"admin"}, success=204, verify=_gone(Outlet)),
    RowEndpoint("sku_get", "get", "/api/v1/skus/{pk}", _sku, EVERYONE, verify=_same_row, view_first=True),
    RowEndpoint("sku_patch", "patch", "/api/v1/skus/{pk}", _sku, CATALOG_KEEPERS,
                payload=lambda org, u: {"name": "Renamed"}, verify=_renamed(SKU)),
    RowEndpoint("sku_delete", "delete", "/api/v1/skus/{pk}", _sku, CATALOG_KEEPERS, success=204, verify=_gone(SKU)),
]


def _row_expectation(endpoint: RowEndpoint, username: str, where: str) -> int:
    if endpoint.view_first and username not in endpoint.allowed:
        return 403  # a role that may not read this kind of row learns nothing about any of them
    if where == "away":
        return 404  # out of scope: reported as missing, so its existence is not revealed
    return endpoint.success if username in endpoint.allowed else 403


ROW_CASES = [
    pytest.param(endpoint, username, where, _row_expectation(endpoint, username, where),
                 id=f"{endpoint.name}-{username}-{where}")
    for endpoint in ROW_ENDPOINTS
    for username in USERS
    for where in ("home", "away")
    if where == "home" or username in AWAY
    # Catalog rows are everyone's: there is no "away" SKU.
    if not (where == "away" and endpoint.target is _sku)
]


def _call(client, endpoint, path, payload):
    if endpoint.method in ("post", "patch"):
        return getattr(client, endpoint.method)(path, payload)
    return getattr(client, endpoint.method)(path)


@pytest.mark.parametrize(("endpoint", "username", "where", "expected"), ROW_CASES)
def test_row_endpoint_answers_each_role_and_scope(org, api, endpoint, username, where, expected):
    row = endpoint.target(org, username, where)
    if expected == endpoint.success and endpoint.fresh is not None:
        row = endpoint.fresh(org)
    payload = endpoint.payload(org, username) if endpoint.payload else None
    before = snapshot()

    response = _call(api(org.users[username]), endpoint, endpoint.path.format(pk=row.pk), payload)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["code"] == {403: "forbidden", 404: "not_found"}[expected]
        assert snapshot() == before
    elif endpoint.verify is not None:
        endpoint.verify(org, row, response.json() if response.content else None)


@pytest.mark.parametrize("endpoint", ROW_ENDPOINTS, ids=lambda e: e.name)
def test_row_endpoint_refuses_anonymous_caller(org, api, endpoint):
    row = endpoint.target(org, "admin", "home")
    payload = endpoint.payload(org, "admin") if endpoint.payload else None
    before = snapshot()
    response = _call(api(None), endpoint, endpoint.path.format(pk=row.pk), payload)
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "Sign in or send a valid bearer token.", "fields": {}}
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", [e for e in ROW_ENDPOINTS if e.target is not _sku], ids=lambda e: e.name)
def test_row_endpoint_answers_404_for_an_id_that_does_not_exist(org, api, endpoint):
    payload = endpoint.payload(org, "admin") if endpoint.payload else None
    before = snapshot()
    response = _call(api(org.users["admin"]), endpoint, endpoint.path.format(pk=987654), payload)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot() == before


# Lists -----------------------------------------------------------------------------------------

LISTS = {
    "/api/v1/geography/nodes": ("code", VISIBLE_NODES),
    "/api/v1/distributors": ("code", VISIBLE_DISTRIBUTORS),
    "/api/v1/warehouses": ("code", VISIBLE_WAREHOUSES),
    "/api/v1/outlets": ("code", VISIBLE_OUTLETS),
    "/api/v1/brands": ("code", dict.fromkeys(USERS, ALL_BRANDS)),
    "/api/v1/categories": ("code", dict.fromkeys(USERS, ALL_CATEGORIES)),
    "/api/v1/skus": ("code", dict.fromkeys(USERS, ALL_SKUS)),
}


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("path", sorted(LISTS))
def test_list_shows_exactly_the_callers_scope(org, api, path, username):
    key, visible = LISTS[path]
    response = api(org.users[username]).get(path, {"limit": 100})
    if username not in visible:
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        return
    assert response.status_code == 200
    body = response.json()
    assert {item[key] for item in body["items"]} == visible[username]
    assert body["count"] == len(visible[username])
    assert len(body["items"]) == len(visible[username])  # no row twice


@pytest.mark.parametrize("path", sorted(LISTS))
def test_list_refuses_anonymous_caller(org, api, path):
    response = api(None).get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("path", sorted(LISTS))
def test_list_pages_do_not_overlap(org, api, path):
    client = api(org.users["admin"])
    everything = [item["id"] for item in client.get(path, {"limit": 100}).json()["items"]]
    paged = []
    for offset in range(0, len(everything), 1):
        page = client.get(path, {"limit": 1, "offset": offset}).json()
        assert page["count"] == len(everything)
        paged += [item["id"] for item in page["items"]]
    assert paged == everything


# Creates ---------------------------------------------------------------------------------------

@dataclass
class CreateEndpoint:
    name: str
    path: str
    allowed: set[str]
    payload: Callable  # (org, username) -> a body valid in the user's own scope
    model: type
    away: Callable | None = None  # (org, username) -> (body naming rows of another scope, field)
    checks: dict = field(default_factory=dict)  # field -> expected value in the answer


def _node_payload(org, u):
    parent = org.nodes["A-DEL"] if u in ("admin", "brand") else org.nodes[HOME[u][0]]
    return {"code": "T-NEW", "name": "New territory", "kind": "territory", "parent_id": parent.pk}


def _distributor_payload(org, u):
    territory = org.nodes[HOME[u][0]]
    return {"code": "D-NEW", "legal_name": "New Traders Pvt Ltd", "tax_id": "07AAACH1234A1ZF", "territory_ids": [territory.pk]}


def _warehouse_payload(org, u):
    return {"distributor_id": org.distributors[HOME[u][1]].pk, "code": "W-NEW", "name": "New warehouse"}


def _outlet_payload(org, u):
    territory, distributor, _ = corner(org, u, "home")
    return {"code": "O-NEW", "name": "New Kirana", "phone": "98765 43210", "territory_id": territory.pk,
            "distributor_id": distributor.pk, "latitude": "28.61", "longitude": "77.2"}


def _sku_payload(org, u):
    return {
        "code": "SKU-2", "gtin": "4006381333931", "name": "Cream biscuits 50 g", "brand_id": org.brand.pk,
        "category_id": org.categories["BISC"].pk, "hsn_code": "1905", "units_per_case": 96, "case_weight_kg": "5.5",
        "case_volume_l": "11", "mrp": "10.00", "base_price": "8.47", "tax_rate": "18", "shelf_life_days": 120,
    }


def _away_territory(org, u):
    return org.nodes[AWAY[u][0]].pk


CREATE_ENDPOINTS = [
    CreateEndpoint("geonode_create", "/api/v1/geography/nodes", {"admin"}, _node_payload, GeoNode,
                   away=lambda org, u: ({**_node_payload(org, u), "parent_id": org.nodes["A-MUM" if u != "asm_mumbai" else "A-DEL"].pk}, "parent_id"),
                   checks={"code": "T-NEW", "kind": "territory"}),
    CreateEndpoint("distributor_create", "/api/v1/distributors", {"admin"}, _distributor_payload, Distributor,
                   away=lambda org, u: ({**_distributor_payload(org, u), "territory_ids": [_away_territory(org, u)]}, "territory_ids"),
                   checks={"code": "D-NEW", "status": "prospect", "tax_id": "07AAACH1234A1ZF"}),
    CreateEndpoint("warehouse_create", "/api/v1/warehouses", {"admin"}, _warehouse_payload, Warehouse,
                   away=lambda org, u: ({**_warehouse_payload(org, u), "distributor_id": org.distributors[AWAY[u][1]].pk}, "distributor_id"),
                   checks={"code": "W-NEW", "is_active": True}),
    CreateEndpoint("outlet_create", "/api/v1/outlets", OUTLET_KEEPERS, _outlet_payload, Outlet,
                   away=lambda org, u: ({**_outlet_payload(org, u), "territory_id": _away_territory(org, u)}, "territory_id"),
                   checks={"code": "O-NEW", "phone": "+919876543210", "latitude": "28.61", "longitude": "77.2"}),
    CreateEndpoint("brand_create", "/api/v1/brands", CATALOG_KEEPERS, lambda org, u: {"code": "MOON", "name": "Moonlight"}, Brand,
                   checks={"code": "MOON", "name": "Moonlight"}),
    CreateEndpoint("category_create", "/api/v1/categories", CATALOG_KEEPERS,
                   lambda org, u: {"code": "COOK", "name": "Cookies", "parent_id": org.categories["FOOD"].pk}, Category,
                   checks={"code": "COOK"}),
    CreateEndpoint("sku_create", "/api/v1/skus", CATALOG_KEEPERS, _sku_payload, SKU,
                   checks={"code": "SKU-2", "gtin": "4006381333931", "mrp": "10.00", "base_price": "8.47"}),
]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("endpoint", CREATE_ENDPOINTS, ids=lambda e: e.name)
def test_create_answers_each_role(org, api, endpoint, username):
    payload = endpoint.payload(org, username)
    before = snapshot()
    response = api(org.users[username]).post(endpoint.path, payload)
    if username not in endpoint.allowed:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "forbidden"
        assert snapshot() == before
        return
    assert response.status_code == 201, response.content
    body = response.json()
    row = endpoint.model.objects.get(pk=body["id"])
    assert row.code == payload["code"]
    for name, value in endpoint.checks.items():
        assert body[name] == value


@pytest.mark.parametrize("username", sorted(AWAY))
@pytest.mark.parametrize("endpoint", [e for e in CREATE_ENDPOINTS if e.away], ids=lambda e: e.name)
def test_create_naming_a_row_of_another_scope_is_422_on_that_field(org, api, endpoint, username):
    payload, field_name = endpoint.away(org, username)
    before = snapshot()
    response = api(org.users[username]).post(endpoint.path, payload)
    if username not in endpoint.allowed:  # the role is refused before its payload is looked at
        assert response.status_code == 403, response.content
        assert snapshot() == before
        return
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert [p["code"] for p in body["fields"][field_name]] == ["not_found"]
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", CREATE_ENDPOINTS, ids=lambda e: e.name)
def test_create_refuses_anonymous_caller(org, api, endpoint):
    before = snapshot()
    response = api(None).post(endpoint.path, endpoint.payload(org, "admin"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert snapshot() == before


def test_every_operation_in_the_openapi_document_is_covered_here():
    """A new endpoint of these routers must be added to the tables above (or to the auth tests)."""
    from distra.config.api import api

    covered = {(e.method, e.path.replace("{pk}", "{id}")) for e in ROW_ENDPOINTS}
    covered |= {("get", path) for path in LISTS} | {("post", e.path) for e in CREATE_ENDPOINTS}
    covered |= {("post", "/api/v1/auth/token"), ("delete", "/api/v1/auth/token"), ("get", "/api/v1/auth/me")}
    declared = set()
    for path, operations in api.get_openapi_schema()["paths"].items():
        if path.startswith(("/api/v1/imports", "/api/v1/exports", "/api/v1/stock", "/api/v1/orders", "/api/v1/purchasing", "/api/v1/billing",
                            "/api/v1/pricing", "/api/v1/forecasting", "/api/v1/replenishment")):
            continue  # the integrations', inventory's, orders', purchasing's, billing's, pricing's, forecasting's and replenishment's own tests cover those
        if path.startswith("/api/v1/suggestions") or path == "/api/v1/outlets/{outlet_id}/suggestion":
            continue  # distra/suggestions/tests/test_api.py covers those (anonymous, other scope, role)
        if path.startswith("/api/v1/claims"):
            continue  # distra/claims/tests/test_api.py covers those (anonymous on every operation, other scope, role)
        generic = path
        for name in ("node_id", "distributor_id", "warehouse_id", "outlet_id", "sku_id"):
            generic = generic.replace("{" + name + "}", "{id}")
        declared |= {(method, generic) for method in operations}
    assert declared == covered


def test_money_in_answers_is_exact(org, api):
    # Decimals travel as strings, so 7.50 stays 7.50 (never 7.4999...).
    body = api(org.users["rep_del1"]).get(f"/api/v1/skus/{org.skus['SKU-1'].pk}").json()
    assert (body["mrp"], body["base_price"], body["tax_rate"]) == ("10.00", "7.50", "18.00")
    assert Decimal(body["case_weight_kg"]) == Decimal("5.2")
