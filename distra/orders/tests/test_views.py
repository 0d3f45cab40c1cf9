"""The order pages with the test client: who may see and do what (401 sign-in form, 404 outside
the scope, 403 for a role that may not act), the list's filters, sort and CSV, the detail with
its batches, shortfall and timeline, and the actions."""
# ruff: noqa: F811  (the pages' fixtures, imported from distra.web.tests, are test arguments here)

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from distra.inventory.models import StockBalance
from distra.orders import services
from distra.orders.models import Order, OrderEvent
from distra.orders.tests.conftest import lines
from distra.web.tests.conftest import _plain_static_storage, client_for  # noqa: F401  (fixtures)
from distra.web.tests.helpers import field_errors, is_login_form, row_codes, row_order

pytestmark = pytest.mark.django_db

USERS = ["admin", "brand", "asm_delhi", "asm_mumbai", "dist_one", "dist_four", "rep_del1", "rep_mum"]


def create(org, outlet="O-DEL1-A", user="dist_one", **kwargs):
    kwargs.setdefault("lines", lines(org))
    return services.order_create(by=org.users[user], outlet=org.outlets[outlet], **kwargs)


@pytest.fixture
def orders(org):
    """A draft at D-ONE (O-DEL1-A), a draft at D-ONE's O-DEL2-B, and one at D-FOUR (O-MUM-A)."""
    return {
        "del1": create(org),
        "del2": create(org, outlet="O-DEL2-B", lines=lines(org, q1=20)),
        "mum": create(org, outlet="O-MUM-A", user="dist_four", lines=lines(org, q1=5)),
    }


VISIBLE = {
    "admin": {"del1", "del2", "mum"}, "brand": {"del1", "del2", "mum"}, "asm_delhi": {"del1", "del2"},
    "asm_mumbai": {"mum"}, "dist_one": {"del1", "del2"}, "dist_four": {"mum"}, "rep_del1": {"del1"}, "rep_mum": {"mum"},
}


# Access ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["order-list", "order-export", "order-create"])
def test_anonymous_gets_the_sign_in_form_with_401(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 401
    assert is_login_form(response)


def test_anonymous_post_to_an_action_writes_nothing(client, org, orders):
    response = client.post(reverse("order-action", args=[orders["del1"].pk, "submit"]))
    assert response.status_code == 401
    assert Order.objects.get(pk=orders["del1"].pk).status == "draft"


@pytest.mark.parametrize("username", USERS)
def test_the_list_shows_exactly_the_scope(org, client_for, orders, username):
    response = client_for(org.users[username]).get(reverse("order-list"))
    assert response.status_code == 200
    assert row_codes(response) == {orders[key].number for key in VISIBLE[username]}


@pytest.mark.parametrize("username", USERS)
def test_an_order_outside_the_scope_is_a_404_page(org, client_for, orders, username):
    client = client_for(org.users[username])
    for key, order in orders.items():
        expected = 200 if key in VISIBLE[username] else 404
        assert client.get(reverse("order-detail", args=[order.pk])).status_code == expected
        if expected == 404:
            response = client.post(reverse("order-action", args=[order.pk, "cancel"]), {"cancel-reason": "x"})
            assert response.status_code == 404
            assert Order.objects.get(pk=order.pk).status == "draft"


def test_a_role_that_may_not_act_gets_403_and_nothing_changes(org, client_for, orders):
    client = client_for(org.users["brand"])  # sees every order, may only approve
    order = orders["del1"]
    for action, data in [("submit", {}), ("cancel", {"cancel-reason": "no"}), ("allocate", {})]:
        response = client.post(reverse("order-action", args=[order.pk, action]), data)
        assert response.status_code == 403, action
    assert client.get(reverse("order-create")).status_code == 403
    assert client.get(reverse("order-edit", args=[order.pk])).status_code == 403
    assert Order.objects.get(pk=order.pk).status == "draft"
    assert list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True)) == ["created"]


def test_a_field_rep_may_not_approve(org, client_for, stocked):
    from distra.orders.models import OrderPolicy

    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], approval_value_above=1)
    order = create(org, user="rep_del1", submit=True)
    assert order.status == "pending_approval"
    response = client_for(org.users["rep_del1"]).post(reverse("order-action", args=[order.pk, "approve"]))
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == "pending_approval"
    page = client_for(org.users["rep_del1"]).get(reverse("order-detail", args=[order.pk])).content.decode()
    assert 'id="action-approve"' not in page
    assert 'id="action-edit"' in page


def test_get_on_an_action_is_not_allowed_and_an_unknown_action_is_a_404(org, client_for, orders):
    client = client_for(org.users["dist_one"])
    assert client.get(reverse("order-action", args=[orders["del1"].pk, "submit"])).status_code == 405
    assert client.post(reverse("order-action", args=[orders["del1"].pk, "explode"])).status_code == 404


# List -------------------------------------------------------------------------------------------------

def test_filters_search_and_sort(org, client_for, orders, stocked):
    submitted = create(org, outlet="O-DEL1-B", lines=lines(org, q1=30), submit=True)  # allocated at once
    client = client_for(org.users["admin"])
    url = reverse("order-list")
    numbers = {key: o.number for key, o in orders.items()}
    assert row_codes(client.get(url, {"status": "draft"})) == set(numbers.values())
    assert row_codes(client.get(url, {"status": "allocated"})) == {submitted.number}
    assert row_codes(client.get(url, {"distributor": org.distributors["D-FOUR"].pk})) == {numbers["mum"]}
    assert row_codes(client.get(url, {"outlet": "O-DEL2-B"})) == {numbers["del2"]}
    assert row_codes(client.get(url, {"outlet": "o-mum-a general"})) == {numbers["mum"]}
    assert row_codes(client.get(url, {"q": numbers["del2"]})) == {numbers["del2"]}
    assert row_codes(client.get(url, {"q": str(orders["del2"].pk)})) == {numbers["del2"]}
    today = timezone.localdate()
    assert len(row_codes(client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat()}))) == 4
    assert row_codes(client.get(url, {"date_from": (today + timedelta(days=1)).isoformat()})) == set()
    assert row_codes(client.get(url, {"waiting": "yes"})) == set()
    assert len(row_codes(client.get(url, {"waiting": "no"}))) == 4
    by_total = row_order(client.get(url, {"sort": "-total"}))
    totals = {o.number: o.total for o in Order.objects.all()}
    assert by_total == sorted(totals, key=lambda n: (-totals[n], -int(n[3:])))
    assert row_order(client.get(url, {"sort": "number"})) == sorted(totals)


def test_a_back_order_waiting_for_stock_is_found_by_the_waiting_filter(org, client_for, stocked):
    order = create(org, lines=lines(org, q1=200), submit=True)  # 150 in stock: 50 back-ordered
    backorder = Order.objects.get(backorder_of=order)
    response = client_for(org.users["dist_one"]).get(reverse("order-list"), {"waiting": "yes"})
    assert row_codes(response) == {backorder.number}
    assert 'data-testid="waiting"' in response.content.decode()


def test_the_csv_holds_exactly_the_filtered_scope(org, client_for, orders):
    response = client_for(org.users["dist_one"]).get(reverse("order-export"), {"sort": "number"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r["number"] for r in rows] == [orders["del1"].number, orders["del2"].number]
    first = rows[0]
    assert (first["outlet"], first["distributor"], first["warehouse"], first["status"], first["total"]) == (
        "O-DEL1-A", "D-ONE", "W-D-ONE", "draft", "88.50")
    filtered = client_for(org.users["dist_one"]).get(reverse("order-export"), {"outlet": "O-DEL2-B"})
    assert len(list(csv.DictReader(io.StringIO(b"".join(filtered.streaming_content).decode("utf-8-sig"))))) == 1


# Detail and actions ---------------------------------------------------------------------------------

def test_detail_shows_batches_shortfall_backorder_and_timeline(org, client_for, stocked):
    order = create(org, lines=lines(org, q1=170), submit=True)  # S1-SOON 50 + S1-LATE 100; 20 back-ordered
    backorder = Order.objects.get(backorder_of=order)
    html = client_for(org.users["dist_one"]).get(reverse("order-detail", args=[order.pk])).content.decode()
    assert 'data-code="SKU-1" data-ordered="170" data-allocated="150" data-backordered="20" data-cancelled="0"' in html
    assert 'data-batch="S1-SOON" data-quantity="50"' in html
    assert 'data-batch="S1-LATE" data-quantity="100"' in html
    assert html.index('data-batch="S1-SOON"') < html.index('data-batch="S1-LATE"')  # expiring first, first
    assert 'data-shortfall="20"' in html
    assert "Short 20: back-ordered" in html
    assert f'href="/orders/{backorder.pk}"' in html
    assert 'data-kind="status" data-from="draft" data-to="submitted"' in html
    assert 'data-kind="status" data-from="approved" data-to="allocated"' in html
    assert "S1-SOON × 50, S1-LATE × 100" in html  # the allocation event names the batches
    assert "SKU-1 × 20" in html  # the shortfall event
    assert 'id="cancel"' in html  # cancel is offered, with a reason
    assert 'id="action-edit"' not in html  # allocated: lines are no longer editable
    back_html = client_for(org.users["dist_one"]).get(reverse("order-detail", args=[backorder.pk])).content.decode()
    assert 'id="awaiting-stock"' in back_html
    assert 'id="action-allocate"' in back_html


def test_submit_from_the_detail_allocates_and_says_so(org, client_for, stocked):
    order = create(org, lines=lines(org, q1=10))
    client = client_for(org.users["dist_one"])
    response = client.post(reverse("order-action", args=[order.pk, "submit"]), follow=True)
    assert response.redirect_chain == [(reverse("order-detail", args=[order.pk]), 302)]
    assert f"Order {order.number} is allocated." in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == "allocated"


def test_cancel_needs_a_reason_and_then_releases_the_stock(org, client_for, stocked):
    order = create(org, lines=lines(org, q1=10), submit=True)
    client = client_for(org.users["dist_one"])
    url = reverse("order-action", args=[order.pk, "cancel"])
    response = client.post(url, {"cancel-reason": "  "})
    assert response.status_code == 422
    assert "cancel-reason" in field_errors(response)
    assert Order.objects.get(pk=order.pk).status == "allocated"
    assert StockBalance.objects.get(batch=stocked["S1-SOON"]).reserved == 10
    response = client.post(url, {"cancel-reason": "Outlet closed for Diwali"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("cancelled", "Outlet closed for Diwali")
    assert StockBalance.objects.get(batch=stocked["S1-SOON"]).reserved == 0
    html = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert 'id="order-actions"' not in html
    assert "Outlet closed for Diwali" in html


def test_approve_and_reject_by_the_approver(org, client_for, stocked):
    from distra.orders.models import OrderPolicy

    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], approval_value_above=50)
    first = create(org, lines=lines(org, q1=10), submit=True)
    second = create(org, outlet="O-DEL1-B", lines=lines(org, q1=10), submit=True)
    client = client_for(org.users["asm_delhi"])
    assert client.post(reverse("order-action", args=[first.pk, "approve"])).status_code == 302
    assert Order.objects.get(pk=first.pk).status == "allocated"
    assert client.post(reverse("order-action", args=[second.pk, "reject"]), {"reject-reason": "Credit hold"}).status_code == 302
    assert Order.objects.get(pk=second.pk).status == "rejected"


def test_a_transition_the_table_forbids_is_shown_with_409_and_nothing_changes(org, client_for, orders):
    order = orders["del1"]
    client = client_for(org.users["dist_one"])
    response = client.post(reverse("order-action", args=[order.pk, "approve"]))
    assert response.status_code == 409
    assert "cannot become approved" in field_errors(response)["__all__"]
    assert Order.objects.get(pk=order.pk).status == "draft"


def test_nothing_allocatable_under_the_cancel_policy_is_a_409_on_the_page(org, client_for, cancel_policy):
    order = create(org, lines=lines(org, q1=10))
    response = client_for(org.users["dist_one"]).post(reverse("order-action", args=[order.pk, "submit"]))
    assert response.status_code == 409
    assert "None of order" in field_errors(response)["__all__"]
    assert Order.objects.get(pk=order.pk).status == "draft"


def test_the_navigation_links_the_orders_for_roles_that_see_them(org, client_for):
    html = client_for(org.users["rep_del1"]).get(reverse("home")).content.decode()
    assert f'href="{reverse("order-list")}"' in html


def test_invoice_an_allocated_order_then_link_the_invoice_and_the_dispatch_board(org, client_for, stocked):
    order = create(org, lines=lines(org, q1=10), submit=True)
    assert client_for(org.users["rep_del1"]).post(reverse("order-action", args=[order.pk, "invoice"])).status_code == 403
    client = client_for(org.users["dist_one"])
    assert 'id="action-invoice"' in client.get(reverse("order-detail", args=[order.pk])).content.decode()
    response = client.post(reverse("order-action", args=[order.pk, "invoice"]), follow=True)
    assert f"Order {order.number} is invoiced." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "invoiced"
    html = response.content.decode()
    from distra.billing.services import invoice_for_order

    assert f'href="/invoices/{invoice_for_order(order).pk}" id="invoice-link"' in html
    assert f'href="{reverse("delivery-board")}" id="dispatch-link"' in html
    assert 'id="action-invoice"' not in html
