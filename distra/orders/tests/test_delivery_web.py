"""The delivery pages: the dispatch board and proof-of-delivery entry, per role, without
JavaScript (plain form posts)."""

import pytest

from distra.orders.models import Order
from distra.orders.tests.test_delivery import by_sku, dispatched, invoiced, snapshot

pytestmark = pytest.mark.django_db

BOARD = "/deliveries"


def pod_url(order):
    return f"/deliveries/{order.pk}/pod"


def signed_in(client, org, user):
    client.force_login(org.users[user])
    return client


def test_board_lists_orders_to_dispatch_and_orders_out_for_delivery(client, org, stocked, sku2):
    ready, out = invoiced(org, sku2, q1=10, q2=1), dispatched(org, sku2, q1=10, q2=1)
    page = signed_in(client, org, "dist_one").get(BOARD)
    assert page.status_code == 200
    html = page.content.decode()
    ready_part, out_part = html.split('id="ready-orders"')[1].split('id="out-orders"')
    assert ready.number in ready_part
    assert out.number not in ready_part
    assert out.number in out_part
    assert "DL-1C-4321 / Ravi" in out_part
    assert f'href="{pod_url(out)}"' in out_part
    assert 'id="dispatch-button"' in html


def test_dispatching_several_orders_from_the_board(client, org, stocked, sku2):
    first, second = invoiced(org, sku2, q1=10, q2=1), invoiced(org, sku2, q1=10, q2=1)
    response = signed_in(client, org, "dist_one").post(BOARD, {"orders": [first.pk, second.pk], "vehicle": "KA-01", "driver": "Anil"})
    assert response.status_code == 302
    assert set(Order.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", "dispatch_note")) == {("dispatched", "KA-01 / Anil")}
    follow = client.get(response["Location"])
    assert f"Dispatched {first.number}, {second.number}." in follow.content.decode()


def test_dispatch_without_vehicle_or_orders_shows_the_errors_and_dispatches_nothing(client, org, stocked, sku2):
    order = invoiced(org, sku2)
    before = snapshot(order)
    page = signed_in(client, org, "dist_one").post(BOARD, {"orders": [order.pk], "vehicle": "", "driver": "Anil"})
    assert page.status_code == 422
    assert 'data-field="vehicle"' in page.content.decode()
    assert f'value="{order.pk}" id="order-{order.pk}" checked' in page.content.decode()
    none = client.post(BOARD, {"vehicle": "V", "driver": "D"})
    assert (none.status_code, 'data-field="orders"' in none.content.decode()) == (422, True)
    assert snapshot(order) == before


@pytest.mark.parametrize(("user", "status"), [("rep_del1", 403), ("asm_delhi", 403), ("brand", 403)])
def test_roles_without_dispatch_see_the_board_but_may_not_dispatch(client, org, stocked, sku2, user, status):
    order = invoiced(org, sku2)
    page = signed_in(client, org, user).get(BOARD)
    assert page.status_code == 200
    assert order.number in page.content.decode()
    assert 'id="dispatch-button"' not in page.content.decode()
    assert client.post(BOARD, {"orders": [order.pk], "vehicle": "V", "driver": "D"}).status_code == status
    order.refresh_from_db()
    assert order.status == "invoiced"


def test_anonymous_gets_the_sign_in_form(client, org):
    assert client.get(BOARD).status_code == 401


def test_pod_form_is_prefilled_with_the_allocated_quantities(client, org, stocked, sku2):
    order = dispatched(org, sku2)
    lines = by_sku(order)
    html = signed_in(client, org, "dist_one").get(pod_url(order)).content.decode()
    assert f'name="delivered-{lines["SKU-1"].pk}" id="delivered-{lines["SKU-1"].pk}"\n                 value="70"' in html
    assert f'name="delivered-{lines["SKU-2"].pk}" id="delivered-{lines["SKU-2"].pk}"\n                 value="10"' in html
    assert '<option value="refused">' in html


def test_pod_posted_from_the_page_delivers(client, org, stocked, sku2):
    order = dispatched(org, sku2)
    lines = by_sku(order)
    response = signed_in(client, org, "dist_one").post(pod_url(order), {
        f"delivered-{lines['SKU-1'].pk}": "64", f"reason-{lines['SKU-1'].pk}": "damaged",
        f"delivered-{lines['SKU-2'].pk}": "10", f"reason-{lines['SKU-2'].pk}": "", "received_by": "Mrs Iyer"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.received_by) == ("partially_delivered", "Mrs Iyer")
    assert [(li.delivered, li.shortfall_reason) for li in order.lines.order_by("line_no")] == [(64, "damaged"), (10, "")]
    closed = client.get(pod_url(order))
    assert 'id="pod-closed"' in closed.content.decode()


def test_pod_with_a_shortfall_but_no_reason_is_shown_again_and_writes_nothing(client, org, stocked, sku2):
    order = dispatched(org, sku2)
    lines = by_sku(order)
    before = snapshot(order)
    page = signed_in(client, org, "dist_one").post(pod_url(order), {
        f"delivered-{lines['SKU-1'].pk}": "64", f"delivered-{lines['SKU-2'].pk}": "abc"})
    assert page.status_code == 422
    html = page.content.decode()
    assert 'data-field="line-1"' in html
    assert 'data-field="line-2"' in html
    assert f'id="delivered-{lines["SKU-1"].pk}"\n                 value="64"' in html
    assert snapshot(order) == before


@pytest.mark.parametrize(("user", "status"), [("dist_four", 404), ("rep_del1", 403), ("asm_delhi", 403)])
def test_pod_of_another_scope_or_role(client, org, stocked, sku2, user, status):
    order = dispatched(org, sku2)
    assert signed_in(client, org, user).get(pod_url(order)).status_code == status
