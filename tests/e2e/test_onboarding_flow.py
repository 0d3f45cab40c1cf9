"""A new distributor is onboarded and starts serving outlets; each role sees it as it should."""

import pytest

from distra.accounts.choices import Role
from distra.accounts.services import user_create
from distra.core.testing import valid_gstin

pytestmark = pytest.mark.django_db


def test_distributor_onboarding_to_first_outlet(org, api):
    admin = api(org.users["admin"])
    territory = org.nodes["T-LDH"]

    # The brand registers a prospect serving Ludhiana, then activates it.
    response = admin.post(
        "/api/v1/distributors",
        {"code": "D-NEW", "legal_name": "Punjab Foods LLP", "tax_id": valid_gstin("03AAACP9876A1Z"), "territory_ids": [territory.pk]},
    )
    assert response.status_code == 201, response.json()
    distributor = response.json()
    assert distributor["status"] == "prospect"
    assert admin.post(f"/api/v1/distributors/{distributor['id']}/status", {"status": "active"}).json()["status"] == "active"
    assert admin.post(f"/api/v1/distributors/{distributor['id']}/status", {"status": "prospect"}).status_code == 409

    warehouse = admin.post("/api/v1/warehouses", {"distributor_id": distributor["id"], "code": "W-NEW", "name": "Ludhiana godown"})
    assert warehouse.status_code == 201

    # Its user and a rep in Ludhiana.
    from distra.partners.models import Distributor

    dist_user = user_create(
        username="punjab_foods", password="a-long-password-1", role=Role.DISTRIBUTOR, distributor=Distributor.objects.get(pk=distributor["id"])
    )
    rep = user_create(username="rep_ldh", password="a-long-password-2", role=Role.FIELD_REP, geo_nodes=[territory])

    # The rep onboards an outlet served by the new distributor.
    response = api(rep).post(
        "/api/v1/outlets",
        {"code": "O-LDH-NEW", "name": "Gill Kirana", "phone": "+91 98140 12345", "territory_id": territory.pk, "distributor_id": distributor["id"], "outlet_class": "B"},
    )
    assert response.status_code == 201, response.json()
    outlet_id = response.json()["id"]

    # The distributor user sees exactly its new outlet and its warehouse; Delhi's ASM sees neither.
    mine = api(dist_user).get("/api/v1/outlets").json()
    assert [o["code"] for o in mine["items"]] == ["O-LDH-NEW"]
    assert [w["code"] for w in api(dist_user).get("/api/v1/warehouses").json()["items"]] == ["W-NEW"]
    assert api(org.users["asm_delhi"]).get(f"/api/v1/outlets/{outlet_id}").status_code == 404
    # The rep can see the serving distributor but not change it.
    assert api(rep).get(f"/api/v1/distributors/{distributor['id']}").status_code == 200
    assert api(rep).patch(f"/api/v1/distributors/{distributor['id']}", {"trade_name": "X"}).status_code == 403
