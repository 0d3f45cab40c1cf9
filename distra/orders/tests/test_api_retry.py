"""A write that loses a database race (deadlock, serialisation failure) is run again, and a client
never sees a 500 for it: after three losses, a 409 ``concurrent_update``."""

import pytest
from django.db import OperationalError, transaction

from distra.core.db import ConcurrentUpdate, retry_on_conflict
from distra.orders import services
from distra.orders.models import Order


class DriverError(Exception):
    def __init__(self, sqlstate):
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def losing(times: int, sqlstate: str = "40P01"):
    calls = []

    def fn():
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("deadlock detected") from DriverError(sqlstate)
        return "done"

    return fn, calls


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlock_or_serialisation_failure_is_run_again(sqlstate):
    fn, calls = losing(2, sqlstate)
    assert retry_on_conflict(fn) == "done"
    assert len(calls) == 3


def test_after_three_losses_the_answer_is_a_409():
    fn, calls = losing(5)
    with pytest.raises(ConcurrentUpdate) as exc:
        retry_on_conflict(fn)
    assert (exc.value.status, exc.value.code, len(calls)) == (409, "concurrent_update", 3)


def test_other_database_errors_are_not_retried():
    fn, calls = losing(1, "08006")  # connection failure
    with pytest.raises(OperationalError):
        retry_on_conflict(fn)
    assert len(calls) == 1


@pytest.mark.django_db
def test_inside_an_outer_transaction_it_is_a_409_at_once():
    fn, calls = losing(1)
    with transaction.atomic(), pytest.raises(ConcurrentUpdate):
        retry_on_conflict(fn)
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_the_api_retries_a_submit_that_lost_a_deadlock(org, api, monkeypatch):
    real, lost = services.order_submit, []

    def submit_losing_once(**kwargs):
        if not lost:
            lost.append(1)
            raise OperationalError("deadlock detected") from DriverError("40P01")
        return real(**kwargs)

    client = api(org.users["dist_one"])
    order = client.post("/api/v1/orders", {"outlet_id": org.outlets["O-DEL1-A"].pk,
                                           "lines": [{"sku_id": org.skus["SKU-1"].pk, "quantity": 3}]}).json()
    monkeypatch.setattr(services, "order_submit", submit_losing_once)
    response = client.post(f"/api/v1/orders/{order['id']}/submit")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"  # no stock: it waits for it
    assert lost == [1]
    assert Order.objects.get().events.filter(to_status="submitted").count() == 1
