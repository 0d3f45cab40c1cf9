"""Every change to master data is recorded with who made it and when."""

import pytest

pytestmark = pytest.mark.django_db


def test_api_change_is_attributed_to_the_token_owner(org, api):
    outlet = org.outlets["O-DEL1-A"]
    response = api(org.users["rep_del1"]).patch(f"/api/v1/outlets/{outlet.pk}", {"name": "Renamed Store"})
    assert response.status_code == 200
    latest = outlet.history.first()
    assert latest.name == "Renamed Store"
    assert latest.history_user == org.users["rep_del1"]
    assert latest.history_type == "~"
    assert latest.prev_record.name == "O-DEL1-A General Store"


def test_failed_change_leaves_no_history(org, api):
    outlet = org.outlets["O-DEL1-A"]
    before = outlet.history.count()
    response = api(org.users["rep_del1"]).patch(f"/api/v1/outlets/{outlet.pk}", {"phone": "12"})
    assert response.status_code == 422
    assert outlet.history.count() == before
