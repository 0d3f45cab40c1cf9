"""Back-orders are filled when stock arrives: a receipt through the API enqueues the fill for its
warehouse and SKU (after commit), the task fills the oldest first, and the 10-minute sweep picks
up whatever waits. Also the order admin (read-only, cancel through the service)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from distra.config.schedule import PERIODIC_TASKS
from distra.orders import tasks
from distra.orders.models import Order
from distra.orders.tests.conftest import make_batch, receive

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders"
FILL = tasks.fill_backorders


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "fill_backorders", SimpleNamespace(enqueue=lambda *args: calls.append(args)))
    return calls


def order_for(org, api, outlet="O-DEL1-A", quantity=10):
    return api(org.users["dist_one"]).post(URL, {"outlet_id": org.outlets[outlet].pk, "submit": True,
                                                 "lines": [{"sku_id": org.skus["SKU-1"].pk, "quantity": quantity}]}).json()


def receipt(org, api, quantity, number="IN-1"):
    today = timezone.localdate()
    return api(org.users["dist_one"]).post("/api/v1/stock/receipts", {
        "warehouse_id": org.warehouses["D-ONE"].pk, "sku_id": org.skus["SKU-1"].pk, "batch_number": number,
        "manufactured_on": (today - timedelta(days=5)).isoformat(), "expires_on": (today + timedelta(days=150)).isoformat(),
        "quantity": quantity})


def test_a_receipt_enqueues_the_fill_after_commit_and_the_task_fills_oldest_first(
        org, api, enqueued, django_capture_on_commit_callbacks):
    first, second = order_for(org, api, quantity=10), order_for(org, api, outlet="O-DEL1-B", quantity=10)
    assert (first["awaiting_stock"], second["awaiting_stock"]) == (True, True)
    with django_capture_on_commit_callbacks(execute=True):
        assert receipt(org, api, 15).status_code == 201
    assert enqueued == [(org.warehouses["D-ONE"].pk, [org.skus["SKU-1"].pk])]

    filled = FILL.call(*enqueued[0])

    assert filled == [first["id"], second["id"]]
    one, two = Order.objects.get(pk=first["id"]), Order.objects.get(pk=second["id"])
    assert (one.status, one.lines.get().allocated, two.status, two.lines.get().allocated) == ("allocated", 10, "allocated", 5)
    assert list(one.events.filter(kind="backorder_filled").values_list("channel", "user__username")) == [("system", "admin")]
    assert Order.objects.get(backorder_of=two).lines.get().quantity == 5  # the rest waits on


def test_a_receipt_with_no_back_order_waiting_enqueues_nothing(org, api, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert receipt(org, api, 15).status_code == 201
    assert enqueued == []


def test_the_sweep_fills_every_warehouse_with_waiting_back_orders(org, api):
    waiting = order_for(org, api)
    receive(org, org.warehouses["D-ONE"], make_batch(org, org.skus["SKU-1"], "LATE-ARRIVAL", expires_in_days=90), 50)
    assert tasks.fill_all_backorders.call() == {"warehouses": 1, "filled": 1}
    assert Order.objects.get(pk=waiting["id"]).status == "allocated"
    assert tasks.fill_all_backorders.call() == {"warehouses": 0, "filled": 0}


def test_the_sweep_is_scheduled_every_ten_minutes():
    entry = next(p for p in PERIODIC_TASKS if p.task == "distra.orders.tasks.fill_all_backorders")
    assert entry.cron == {"minute": "*/10"}


def test_the_admin_shows_orders_read_only_and_cancels_through_the_service(org, api, client, stocked):
    order = order_for(org, api)
    admin = org.users["admin"]
    client.force_login(admin)
    change = client.get(f"/admin/orders/order/{order['id']}/change/")
    assert change.status_code == 200
    assert b"SKU-1" in change.content
    assert b"created" in change.content
    assert order["number"].encode() in client.get("/admin/orders/order/").content
    assert client.get("/admin/orders/order/add/").status_code == 403
    response = client.post("/admin/orders/order/", {"action": "cancel_orders", "_selected_action": [order["id"]]})
    assert response.status_code == 302
    cancelled = Order.objects.get(pk=order["id"])
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Cancelled in the admin")
    assert client.get("/admin/orders/orderpolicy/add/").status_code == 200
    assert client.get("/admin/orders/minshelflife/add/").status_code == 200


def test_the_command_fills_back_orders_and_prints_metrics(org, api):
    from io import StringIO

    from django.core.management import call_command

    waiting = order_for(org, api)
    receive(org, org.warehouses["D-ONE"], make_batch(org, org.skus["SKU-1"], "CMD", expires_in_days=90), 50)
    out = StringIO()
    call_command("orders", "fill-backorders", "--warehouse", str(org.warehouses["D-ONE"].pk), stdout=out)
    assert out.getvalue() == f"1 back-order(s) allocated at warehouse {org.warehouses['D-ONE'].pk}.\n"
    assert Order.objects.get(pk=waiting["id"]).status == "allocated"
    out = StringIO()
    call_command("orders", "metrics", "--from", "2026-01-01", stdout=out)
    assert '"order_fill_rate": null' in out.getvalue()
    assert '"date_from": "2026-01-01"' in out.getvalue()
