"""The admin shows and changes only what each role's scope and permissions allow."""

import pytest
from django.test import Client

from distra.core.testing import VISIBLE_OUTLETS
from distra.partners.models import Distributor, Outlet

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)  # Client.login() bypasses the request django-axes needs
    return client


@pytest.mark.parametrize("username", ["admin", "brand", "asm_delhi", "asm_mumbai", "dist_one", "dist_four"])
def test_admin_outlet_list_shows_only_the_scope(org, username):
    response = client_for(org.users[username]).get("/admin/partners/outlet/")
    assert response.status_code == 200
    shown = {o.code for o in response.context["cl"].result_list}
    assert shown == VISIBLE_OUTLETS[username]


def test_field_reps_have_no_admin(org):
    response = client_for(org.users["rep_del1"]).get("/admin/partners/outlet/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_out_of_scope_change_page_is_404(org):
    mumbai = org.outlets["O-MUM-A"]
    response = client_for(org.users["asm_delhi"]).get(f"/admin/partners/outlet/{mumbai.pk}/change/")
    assert response.status_code == 404


def test_role_without_permission_gets_403(org):
    response = client_for(org.users["asm_delhi"]).get("/admin/partners/distributor/add/")
    assert response.status_code == 403
    response = client_for(org.users["brand"]).get(f"/admin/partners/outlet/{org.outlets['O-DEL1-A'].pk}/delete/")
    assert response.status_code == 403


def test_foreign_key_choices_are_scoped(org):
    response = client_for(org.users["asm_mumbai"]).get("/admin/partners/outlet/add/")
    choices = {str(d) for d in response.context["adminform"].form.fields["distributor"].queryset}
    assert choices == {str(org.distributors["D-FOUR"])}


def test_admin_save_goes_through_the_service_rules(org):
    client = client_for(org.users["admin"])
    data = {
        "code": "O-ADM", "name": "Admin Store", "owner_name": "", "phone": "98765 43210", "address": "", "city": "",
        "postal_code": "", "latitude": "", "longitude": "", "channel": "general_trade", "outlet_class": "B",
        "territory": org.nodes["T-DEL-1"].pk, "distributor": org.distributors["D-TWO"].pk, "status": "active", "tax_id": "",
    }
    response = client.post("/admin/partners/outlet/add/", data)
    assert response.status_code == 200  # the form comes back with the error
    assert "does not serve" in response.content.decode()
    assert not Outlet.objects.filter(code="O-ADM").exists()

    data["distributor"] = org.distributors["D-ONE"].pk
    response = client.post("/admin/partners/outlet/add/", data)
    assert response.status_code == 302
    outlet = Outlet.objects.get(code="O-ADM")
    assert outlet.phone == "+919876543210"  # normalised by the service
    assert outlet.history.first().history_user == org.users["admin"]  # audit trail


def test_admin_distributor_territories_are_saved_by_the_service(org):
    client = client_for(org.users["admin"])
    data = {
        "code": "D-NEW", "legal_name": "New Distributors", "trade_name": "", "country_code": "IN", "tax_id": "07AAACD1234A1ZX",
        "email": "", "phone": "", "address": "", "status": "prospect", "territories": [org.nodes["T-DEL-1"].pk],
        "warehouses-TOTAL_FORMS": "0", "warehouses-INITIAL_FORMS": "0", "warehouses-MIN_NUM_FORMS": "0", "warehouses-MAX_NUM_FORMS": "1000",
    }
    response = client.post("/admin/partners/distributor/add/", data)
    assert response.status_code == 200
    assert "GSTIN" in response.content.decode()
    assert not Distributor.objects.filter(code="D-NEW").exists()
    data["tax_id"] = "07AAACZ1234A1Z" + "7"
    from stdnum.in_ import gstin

    data["tax_id"] = next(f"07AAACZ1234A1Z{c}" for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if gstin.is_valid(f"07AAACZ1234A1Z{c}"))
    response = client.post("/admin/partners/distributor/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    distributor = Distributor.objects.get(code="D-NEW")
    assert list(distributor.territories.values_list("code", flat=True)) == ["T-DEL-1"]
