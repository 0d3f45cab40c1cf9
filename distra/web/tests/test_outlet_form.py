"""The outlet form creates and edits through partners.services and shows the service's problems
beside the fields; on any problem nothing is written."""

import pytest
from django.urls import reverse

from distra.partners.models import Outlet
from distra.web.tests.helpers import field_errors

pytestmark = pytest.mark.django_db


def outlet_data(org, **overrides) -> dict:
    data = {
        "code": "O-NEW-1", "name": "New Kirana", "owner_name": "Ravi", "phone": "98765 43210",
        "territory": org.nodes["T-DEL-1"].pk, "distributor": org.distributors["D-ONE"].pk,
        "channel": "general_trade", "outlet_class": "B", "status": "active",
        "address": "", "city": "Delhi", "postal_code": "110001", "latitude": "28.6", "longitude": "77.2", "tax_id": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("username", ["admin", "asm_delhi", "dist_one", "rep_del1"])
def test_roles_that_may_add_outlets_create_one_through_the_service(org, client_for, username):
    response = client_for(org.users[username]).post(reverse("outlet-create"), outlet_data(org))
    outlet = Outlet.objects.get(code="O-NEW-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("outlet-detail", args=[outlet.pk])
    assert outlet.phone == "+919876543210"  # normalised by the service
    assert (outlet.territory, outlet.distributor) == (org.nodes["T-DEL-1"], org.distributors["D-ONE"])
    assert outlet.history.first().history_user == org.users[username]


def test_the_form_offers_only_territories_and_distributors_in_scope(org, client_for):
    html = client_for(org.users["rep_del1"]).get(reverse("outlet-create")).content.decode()
    territory_select = html.split('name="territory"')[1].split("</select>")[0]
    assert f'value="{org.nodes["T-DEL-1"].pk}"' in territory_select
    assert f'value="{org.nodes["T-MUM"].pk}"' not in territory_select


def test_service_problem_is_shown_beside_its_field_and_nothing_is_written(org, client_for):
    before = Outlet.objects.count()
    data = outlet_data(org, distributor=org.distributors["D-TWO"].pk)  # D-TWO does not serve Delhi Central
    response = client_for(org.users["asm_delhi"]).post(reverse("outlet-create"), data)
    assert response.status_code == 422
    assert field_errors(response) == {"distributor": "This distributor does not serve Delhi Central."}
    assert Outlet.objects.count() == before
    assert 'value="New Kirana"' in response.content.decode()  # what was typed is kept


def test_several_problems_each_beside_its_field(org, client_for):
    data = outlet_data(org, phone="12", tax_id="NOT-A-GSTIN", code="O-DEL1-A")
    response = client_for(org.users["rep_del1"]).post(reverse("outlet-create"), data)
    assert response.status_code == 422
    errors = field_errors(response)
    assert errors["phone"] == "12 is not a valid phone number for IN."
    assert "not a valid GSTIN" in errors["tax_id"]
    assert not Outlet.objects.filter(name="New Kirana").exists()


def test_duplicate_code_is_reported_on_the_code_field(org, client_for):
    response = client_for(org.users["rep_del1"]).post(reverse("outlet-create"), outlet_data(org, code="O-DEL1-A"))
    assert response.status_code == 422
    assert "code" in field_errors(response)
    assert Outlet.objects.filter(code="O-DEL1-A").count() == 1


def test_missing_required_fields_are_reported_and_nothing_is_written(org, client_for):
    before = Outlet.objects.count()
    response = client_for(org.users["rep_del1"]).post(reverse("outlet-create"), outlet_data(org, name="", territory=""))
    assert response.status_code == 422
    assert set(field_errors(response)) == {"name", "territory"}
    assert Outlet.objects.count() == before


def test_edit_form_is_prefilled_and_saves_through_the_service(org, client_for):
    outlet = org.outlets["O-DEL1-A"]
    client = client_for(org.users["rep_del1"])
    html = client.get(reverse("outlet-edit", args=[outlet.pk])).content.decode()
    assert 'value="O-DEL1-A General Store"' in html
    data = outlet_data(org, code="O-DEL1-A", name="Renamed Store", phone="011 2345 6789")
    response = client.post(reverse("outlet-edit", args=[outlet.pk]), data)
    assert response.status_code == 302
    outlet.refresh_from_db()
    assert (outlet.name, outlet.phone) == ("Renamed Store", "+911123456789")


def test_edit_with_a_problem_changes_nothing(org, client_for):
    outlet = org.outlets["O-DEL1-B"]
    data = outlet_data(org, code="O-DEL1-B", name="Renamed Store", phone="12")
    response = client_for(org.users["dist_one"]).post(reverse("outlet-edit", args=[outlet.pk]), data)
    assert response.status_code == 422
    assert "phone" in field_errors(response)
    outlet.refresh_from_db()
    assert (outlet.name, outlet.phone) == ("O-DEL1-B General Store", "+919876543210")


def test_editing_an_outlet_outside_the_scope_is_404_and_changes_nothing(org, client_for):
    outlet = org.outlets["O-MUM-A"]
    response = client_for(org.users["rep_del1"]).post(reverse("outlet-edit", args=[outlet.pk]), outlet_data(org, code="O-MUM-A"))
    assert response.status_code == 404
    outlet.refresh_from_db()
    assert outlet.name == "O-MUM-A General Store"
