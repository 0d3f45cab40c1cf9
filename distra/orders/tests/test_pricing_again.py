"""Pricing an order again and splitting it: worked examples, each checkable by hand.

At W-D-ONE (the ``stocked`` fixture) SKU-1 has 150 units (S1-SOON 50, S1-LATE 100), GST 18 %,
base price 7.50; the price list PL-ALL sells it at 7.00 (landing 6.20). O-DEL1-A has no earlier
order; O-DEL1-B is another outlet of the same distributor.
"""

from decimal import Decimal as D

import pytest

from distra.core.errors import Conflict
from distra.orders import services
from distra.orders.models import OrderEvent, OrderPolicy
from distra.orders.services import ReturnedLine
from distra.orders.tests.test_pricing import (
    budget_left,
    delivered,
    order_of,
    ten_percent_with_budget,
)
from distra.pricing.models import SchemeBenefit, SchemeBudgetUse
from distra.pricing.services import price_list_transition
from distra.pricing.tests.conftest import live_price_list, live_scheme
from distra.web.tests.conftest import _plain_static_storage, client_for  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def uses_of(order) -> D:
    return sum((u.amount - u.released for u in SchemeBudgetUse.objects.filter(order=order)), D(0))


def split_order(org):
    """200 units of SKU-1 with 10 % off under a budget of 200.00: 1400.00 gross, 140.00 taken.
    150 are in stock: the back-order's 50 units carry 35.00 of the discount and of the budget."""
    live_price_list(org)
    scheme = ten_percent_with_budget(org, limit="200.00")
    order = order_of(org, 200)
    return scheme, order, order.backorders.get()


def test_a_backorder_carries_its_share_of_the_budget_use(org, stocked):
    scheme, order, backorder = split_order(org)
    assert budget_left(scheme) == D("60.00")
    assert (uses_of(order), uses_of(backorder)) == (D("105.00"), D("35.00"))
    assert SchemeBenefit.objects.get(order=backorder).benefit == D("35.00")


def test_cancelling_a_backorder_gives_back_its_share_once_and_the_original_only_the_rest(org, stocked):
    scheme, order, backorder = split_order(org)
    by = org.users["dist_one"]
    services.order_cancel(by=by, order=backorder, reason="outlet took it elsewhere")
    assert budget_left(scheme) == D("95.00")  # 60.00 + 35.00
    with pytest.raises(Conflict):
        services.order_cancel(by=by, order=backorder, reason="again")
    assert budget_left(scheme) == D("95.00")
    services.order_cancel(by=by, order=order, reason="outlet closed")
    assert budget_left(scheme) == D("200.00")  # + 105.00, not 140.00


def test_the_original_delivered_and_returned_gives_back_only_its_own_share(org, stocked):
    scheme, order, backorder = split_order(org)
    delivered(org, order)  # its 150 units delivered: keeps 105.00
    assert budget_left(scheme) == D("60.00")
    services.order_cancel(by=org.users["dist_one"], order=backorder, reason="no longer wanted")
    assert budget_left(scheme) == D("95.00")
    line = order.lines.get()
    services.order_return(by=org.users["dist_one"], order=order, lines=[ReturnedLine(line.pk, 150)], reason="shop shut")
    assert budget_left(scheme) == D("200.00")


def test_a_waiting_backorder_keeps_its_share_when_still_no_stock_comes(org, stocked):
    scheme, _, backorder = split_order(org)
    assert services.backorders_fill(by=org.users["dist_one"], warehouse_id=backorder.warehouse_id) == []
    assert budget_left(scheme) == D("60.00")
    assert uses_of(backorder) == D("35.00")


def first_order_scheme(org):
    return live_scheme(org, "FIRST", "first_order", percent=D(5))


def test_repricing_an_order_keeps_its_first_order_scheme(org, stocked):
    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], approval_value_above=D("1"))
    live_price_list(org)
    first_order_scheme(org)
    order = order_of(org, 10)
    # 10 × 7.00 = 70.00; 5 % = 3.50; net 66.50; GST 11.97; total 78.47.
    assert (order.status, order.total) == ("pending_approval", D("78.47"))

    services.order_reprice(by=org.users["dist_one"], order=order)
    order.refresh_from_db()
    line = order.lines.get()
    assert [a["code"] for a in line.pricing["applied"]] == ["FIRST"]
    assert (line.scheme_discount, order.total) == (D("3.50"), D("78.47"))
    services.order_approve(by=org.users["admin"], order=order)
    assert OrderEvent.objects.get(order=order, to_status="approved").detail["pricing_now"] == []


def test_an_outlets_other_order_still_counts_when_repricing(org, stocked):
    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], approval_value_above=D("1"))
    live_price_list(org)
    first_order_scheme(org)
    first = order_of(org, 10)
    second = order_of(org, 10)
    assert second.total == D("82.60")  # not its first order: 70.00 + 18 %
    services.order_reprice(by=org.users["dist_one"], order=second)
    second.refresh_from_db()
    assert second.total == D("82.60")
    assert first.total == D("78.47")


def test_a_budget_that_runs_out_reprices_without_losing_the_first_order_scheme(org, stocked):
    live_price_list(org)
    first_order_scheme(org)
    scheme = ten_percent_with_budget(org)
    waiting = order_of(org, 10, submit=False)
    assert sorted(a["code"] for a in waiting.lines.get().pricing["applied"]) == ["B10", "FIRST"]
    services.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-B"], submit=True,
                          lines=[services.LineIn(sku=org.skus["SKU-1"], quantity=10)])  # its first order too: takes 7.00
    assert budget_left(scheme) == D("3.00")

    services.order_submit(by=org.users["dist_one"], order=waiting)
    waiting.refresh_from_db()
    line = waiting.lines.get()
    assert [a["code"] for a in line.pricing["applied"]] == ["FIRST"]
    assert (line.scheme_discount, line.total) == (D("3.50"), D("78.47"))  # as above, without B10


def test_a_budget_that_runs_out_reprices_at_the_orders_own_price_list(org, stocked):
    pl = live_price_list(org)
    scheme = ten_percent_with_budget(org)
    waiting = order_of(org, 10, submit=False)  # 7.00 from PL-ALL, 10 % off
    order_of(org, 10)  # takes 7.00 of the 10.00
    price_list_transition(by=org.users["brand"], price_list=pl, to="paused")  # today SKU-1 sells at its base 7.50
    live_price_list(org, code="PL-NEW", priority=9, items=[{"sku_id": org.skus["SKU-1"].pk, "selling_price": "6.50",
                                                            "landing_price": "6.00"}])

    services.order_submit(by=org.users["dist_one"], order=waiting)
    waiting.refresh_from_db()
    line = waiting.lines.get()
    # Without B10, at the price it was placed at: 10 × 7.00 = 70.00, GST 12.60, total 82.60.
    assert (line.unit_price, line.landing_price, line.price_list_id, line.total) == (D("7.00"), D("6.20"), pl.pk, D("82.60"))
    assert "price list PL-ALL" in line.pricing["price_reason"]
    assert [e["code"] for e in waiting.pricing["excluded"]] == ["B10"]
    assert budget_left(scheme) == D("3.00")


@pytest.mark.usefixtures("_plain_static_storage")
def test_the_entry_page_and_its_quote_show_the_free_line(org, stocked, sku2, client_for):  # noqa: F811
    import json

    from django.urls import reverse

    from distra.orders.tests.test_views_entry import entry_url, form_data, fresh_key, totals

    live_price_list(org)
    live_scheme(org, "FREE", "free_goods", buy_quantity=24, free_quantity=2, free_sku=sku2, targets={"sku_ids": [org.skus["SKU-1"].pk]})
    client = client_for(org.users["dist_one"])
    page = client.post(entry_url(org), form_data(fresh_key(client, org), [(org.skus["SKU-1"], 0, 48, "", False)], action="recalculate"))
    # 48 × 7.00 = 336.00 (+ 18 % = 396.48); 2 × 2 = 4 units of SKU-2 at 22.00 = 88.00, all of it off.
    assert totals(page) == {"gross": "424.00", "discount": "88.00", "net": "336.00", "tax": "60.48", "total": "396.48"}
    assert 'data-free-sku="SKU-2">SKU-2 × 4 · FREE (FREE)</li>' in page.content.decode()
    body = {"outlet": org.outlets["O-DEL1-A"].pk, "lines": [{"sku": org.skus["SKU-1"].pk, "quantity": 48}]}
    answer = client.post(reverse("order-quote"), json.dumps(body), content_type="application/json").json()
    free = [line for line in answer["lines"] if line["free"]]
    assert [(f["code"], f["quantity"], f["free_of"], f["total"]) for f in free] == [("SKU-2", 4, "FREE", "0.00")]
    assert answer["totals"] == totals(page)


@pytest.mark.usefixtures("_plain_static_storage")
def test_the_entry_quote_for_an_order_being_edited_keeps_its_first_order_scheme(org, stocked, client_for):  # noqa: F811
    import json

    from django.urls import reverse

    live_price_list(org)
    first_order_scheme(org)
    order = order_of(org, 10, submit=False)
    client = client_for(org.users["dist_one"])
    body = {"outlet": org.outlets["O-DEL1-A"].pk, "lines": [{"sku": org.skus["SKU-1"].pk, "quantity": 10}]}
    quote = client.post(reverse("order-quote"), json.dumps({**body, "order": order.pk}), content_type="application/json").json()
    assert quote["totals"]["total"] == "78.47"  # as saving the lines will price them: still its first order
    other = client.post(reverse("order-quote"), json.dumps(body), content_type="application/json").json()
    assert other["totals"]["total"] == "82.60"  # a new order of this outlet: not its first any more
    hidden = client_for(org.users["dist_four"]).post(reverse("order-quote"), json.dumps({**body, "order": order.pk}),
                                                     content_type="application/json")
    assert hidden.status_code == 404
