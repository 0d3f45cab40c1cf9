"""Orders priced by the pricing engine: worked examples, each checkable by hand.

At W-D-ONE (the ``stocked`` fixture): SKU-1 (48 a case, MRP 10.00, base 7.50, GST 18 %) in
S1-SOON (50 units) and S1-LATE (100 units); SKU-2 (24 a case, base 22.00, GST 12 %) in S2-A (30
units). The price list PL-ALL sells SKU-1 at 7.00 (landing 6.20).
"""

from decimal import Decimal as D

import pytest

from distra.billing.models import InvoiceLine
from distra.inventory.models import StockMove
from distra.orders import services
from distra.orders.models import OrderEvent, OrderLine, OrderPolicy
from distra.orders.services import DeliveredLine, LineIn, ReturnedLine
from distra.pricing.models import SchemeBenefit, SchemeBudgetSlot, SchemeBudgetUse
from distra.pricing.services import price_list_transition
from distra.pricing.tests.conftest import live_price_list, live_scheme
from distra.web.tests.conftest import _plain_static_storage, client_for  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def order_of(org, quantity, *, submit=True, pct=D(0), user="dist_one"):
    return services.order_create(by=org.users[user], outlet=org.outlets["O-DEL1-A"], submit=submit,
                                 lines=[LineIn(sku=org.skus["SKU-1"], quantity=quantity, discount_pct=pct)])


def budget_left(scheme) -> D:
    return sum(SchemeBudgetSlot.objects.filter(budget__scheme=scheme).values_list("remaining", flat=True), D(0))


def ten_percent_with_budget(org, limit="10.00"):
    return live_scheme(org, "B10", percent=D(10), budget_basis="value", budgets=[{"limit": limit}],
                       targets={"sku_ids": [org.skus["SKU-1"].pk]})


def delivered(org, order, units=None, reason=""):
    by = org.users["dist_one"]
    services.order_invoice(by=by, order=order)
    services.order_dispatch(by=by, order=order, vehicle="DL-1C-4321", driver="Ravi")
    entered = [DeliveredLine(line.pk, line.allocated if units is None else units, reason) for line in order.lines.all()]
    return services.order_deliver(by=by, order=order, lines=entered)


def test_a_quantity_slab_prices_the_line_and_explains_the_next_slab_and_the_scheme_not_reached(org, stocked):
    pl = live_price_list(org)
    live_scheme(org, "SLAB", "quantity_slab", slabs=[{"min": "20", "max": "49", "percent": "2"}, {"min": "50", "percent": "4"}],
                targets={"sku_ids": [org.skus["SKU-1"].pk]})
    live_scheme(org, "VAL", "value_slab", slabs=[{"min": "500", "percent": "3"}])
    order = order_of(org, 40)
    (line,) = order.lines.all()
    # 40 × 7.00 = 280.00; 2 % = 5.60; net 274.40; GST 18 % = 49.392 -> 49.39; total 323.79.
    assert (line.unit_price, line.landing_price, line.price_list_id) == (D("7.00"), D("6.20"), pl.pk)
    assert (line.gross, line.scheme_discount, line.discount, line.net, line.tax, line.total) == (
        D("280.00"), D("5.60"), D("5.60"), D("274.40"), D("49.39"), D("323.79"))
    (applied,) = line.pricing["applied"]
    assert (applied["code"], applied["benefit"]) == ("SLAB", "5.60")
    assert "2 % slab for 40 units" in applied["reason"]
    assert applied["hint"] == "10 more units for the 4 % slab"
    assert "price list PL-ALL" in line.pricing["price_reason"]
    (missed,) = order.pricing["not_applied"]
    assert (missed["code"], missed["message"]) == ("VAL", "needs 220.00 more for the 3 % slab")
    assert order.total == D("323.79")
    assert order.status == "allocated"
    benefit = SchemeBenefit.objects.get(order_line=line)
    assert (benefit.benefit, benefit.discount, benefit.brand_funded, benefit.free_line_id) == (D("5.60"), D("5.60"), D("5.60"), None)


def test_the_manual_discount_applies_on_what_the_schemes_left(org, stocked):
    live_price_list(org)
    live_scheme(org, "SLAB", "quantity_slab", slabs=[{"min": "20", "percent": "2"}])
    (line,) = order_of(org, 40, pct=D(10)).lines.all()
    # 280.00 - 5.60 = 274.40; 10 % of it = 27.44; discount 33.04; net 246.96; tax 44.4528 -> 44.45.
    assert (line.scheme_discount, line.discount, line.net, line.tax, line.total) == (
        D("5.60"), D("33.04"), D("246.96"), D("44.45"), D("291.41"))
    assert line.pricing["manual_discount"] == "27.44"


def test_free_goods_are_a_free_line_allocated_invoiced_and_delivered(org, stocked, sku2):
    live_price_list(org)
    scheme = live_scheme(org, "FREE", "free_goods", buy_quantity=24, free_quantity=2, free_sku=sku2,
                         targets={"sku_ids": [org.skus["SKU-1"].pk]})
    order = order_of(org, 48)
    bought, free = order.lines.order_by("line_no")
    assert (bought.sku, bought.total) == (org.skus["SKU-1"], D("396.48"))  # 336.00 + 18 %
    # 48 bought: 2 × (2 free) = 4 units of SKU-2 at its base price 22.00, discounted in full.
    assert (free.sku, free.free_of_id, free.quantity, free.allocated) == (sku2, scheme.pk, 4, 4)
    assert (free.unit_price, free.gross, free.discount, free.net, free.tax, free.total) == (
        D("22.00"), D("88.00"), D("88.00"), D("0.00"), D("0.00"), D("0.00"))
    assert free.allocations.get().batch == stocked["S2-A"]
    assert order.total == D("396.48")
    benefit = SchemeBenefit.objects.get(scheme=scheme)
    assert (benefit.order_line_id, benefit.free_line_id, benefit.free_quantity, benefit.benefit) == (bought.pk, free.pk, 4, D("88.00"))

    delivered(org, order)
    invoice_line = InvoiceLine.objects.get(order_line=free)
    assert (invoice_line.quantity, invoice_line.gross, invoice_line.discount, invoice_line.taxable, invoice_line.total) == (
        4, D("88.00"), D("88.00"), D("0.00"), D("0.00"))
    assert "FREE (FREE)" in invoice_line.description
    free.refresh_from_db()
    assert free.delivered == 4
    assert StockMove.objects.filter(sku=sku2, kind="sale_issue").values_list("quantity", flat=True).get() == -4


def test_a_budget_that_runs_out_before_allocation_reprices_the_order_without_that_scheme(org, stocked):
    live_price_list(org)
    scheme = ten_percent_with_budget(org)
    waiting = order_of(org, 10, submit=False)  # priced with 10 % (7.00) while 10.00 was left
    assert waiting.lines.get().discount == D("7.00")
    order_of(org, 10)  # allocated: takes 7.00, leaves 3.00
    assert budget_left(scheme) == D("3.00")

    services.order_submit(by=org.users["dist_one"], order=waiting)
    waiting.refresh_from_db()
    line = waiting.lines.get()
    assert waiting.status == "allocated"
    assert (line.discount, line.total) == (D("0.00"), D("82.60"))  # 70.00 + 18 %
    assert waiting.total == D("82.60")
    assert [e["code"] for e in waiting.pricing["excluded"]] == ["B10"]
    assert line.pricing["left_out"][0]["reason"] == "its budget ran out while the order was placed"
    event = OrderEvent.objects.get(order=waiting, kind="repriced")
    assert event.detail["schemes"] == ["B10"]
    assert event.detail["pricing"][0]["was_total"] == "74.34"
    assert event.detail["pricing"][0]["now_total"] == "82.60"
    assert budget_left(scheme) == D("3.00")
    assert not SchemeBenefit.objects.filter(order=waiting).exists()


def test_cancelling_an_allocated_order_gives_its_budget_back(org, stocked):
    live_price_list(org)
    scheme = ten_percent_with_budget(org)
    order = order_of(org, 10)
    assert budget_left(scheme) == D("3.00")
    services.order_cancel(by=org.users["dist_one"], order=order, reason="outlet closed")
    assert budget_left(scheme) == D("10.00")
    uses = SchemeBudgetUse.objects.filter(order=order)
    assert sum(u.released for u in uses) == D("7.00")
    assert all(u.released_at for u in uses)


def test_short_delivery_and_returns_give_back_their_share_of_the_budget(org, stocked):
    live_price_list(org)
    scheme = ten_percent_with_budget(org, limit="100.00")
    order = order_of(org, 20)  # 140.00 gross, 10 % = 14.00 taken
    assert budget_left(scheme) == D("86.00")
    delivered(org, order, units=16, reason="refused")  # 16 of 20 kept: stays 11.20, 2.80 back
    assert budget_left(scheme) == D("88.80")
    line = order.lines.get()
    by = org.users["dist_one"]
    services.order_return(by=by, order=order, lines=[ReturnedLine(line.pk, 4)], reason="expired early")  # 12 of 20: stays 8.40
    assert budget_left(scheme) == D("91.60")
    services.order_return(by=by, order=order, lines=[ReturnedLine(line.pk, 12)], reason="shop shut")  # nothing kept
    assert budget_left(scheme) == D("100.00")
    assert all(u.released_at for u in SchemeBudgetUse.objects.filter(order=order))


def test_approval_shows_what_a_reprice_would_change_and_keeps_the_prices(org, stocked):
    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], approval_value_above=D("1"))
    pl = live_price_list(org)
    order = order_of(org, 10)
    assert order.status == "pending_approval"
    price_list_transition(by=org.users["brand"], price_list=pl, to="paused")  # back to the base price 7.50

    services.order_approve(by=org.users["admin"], order=order)
    event = OrderEvent.objects.get(order=order, to_status="approved")
    assert event.detail["pricing_now"] == [{"sku": "SKU-1", "quantity": 10, "was_unit_price": "7.00", "now_unit_price": "7.50",
                                            "was_total": "82.60", "now_total": "88.50", "difference": "5.90"}]
    assert order.lines.get().unit_price == D("7.00")


def test_reprice_takes_todays_prices_and_records_the_difference(org, stocked):
    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], approval_value_above=D("1"))
    pl = live_price_list(org)
    order = order_of(org, 10)
    price_list_transition(by=org.users["brand"], price_list=pl, to="paused")
    services.order_reprice(by=org.users["dist_one"], order=order)
    order.refresh_from_db()
    line = order.lines.get()
    assert (line.unit_price, line.price_list_id, line.total, order.total) == (D("7.50"), None, D("88.50"), D("88.50"))
    event = OrderEvent.objects.get(order=order, kind="repriced")
    assert event.detail["pricing"][0]["difference"] == "5.90"


def test_editing_lines_prices_them_again_with_their_benefits(org, stocked):
    live_price_list(org)
    live_scheme(org, "SLAB", "quantity_slab", slabs=[{"min": "20", "max": "49", "percent": "2"}, {"min": "50", "percent": "4"}])
    order = order_of(org, 40, submit=False)
    services.order_lines_replace(by=org.users["dist_one"], order=order, lines=[LineIn(sku=org.skus["SKU-1"], quantity=50)])
    line = OrderLine.objects.get(order=order)
    assert line.scheme_discount == D("14.00")  # 4 % of 350.00
    assert list(SchemeBenefit.objects.filter(order=order).values_list("benefit", flat=True)) == [D("14.00")]


def test_the_api_answers_each_lines_pricing_and_the_schemes_not_applied(org, stocked, sku2):
    from distra.core.testing import ApiClient

    live_price_list(org)
    live_scheme(org, "SLAB", "quantity_slab", slabs=[{"min": "20", "max": "49", "percent": "2"}, {"min": "50", "percent": "4"}])
    live_scheme(org, "FREE", "free_goods", buy_quantity=24, free_quantity=1, free_sku=sku2, targets={"sku_ids": [org.skus["SKU-1"].pk]})
    live_scheme(org, "VAL", "value_slab", slabs=[{"min": "500", "percent": "3"}])
    client = ApiClient(org.users["dist_one"])
    body = {"outlet_id": org.outlets["O-DEL1-A"].pk, "lines": [{"sku_id": org.skus["SKU-1"].pk, "quantity": 40}], "submit": True}
    created = client.post("/api/v1/orders", body, HTTP_IDEMPOTENCY_KEY="priced-1")
    assert created.status_code == 201, created.content
    answer = client.get(f"/api/v1/orders/{created.json()['id']}").json()
    assert answer == {**answer, "gross": "302.00", "total": "323.79"}  # SKU-1 280.00 - 5.60 + tax 49.39; SKU-2 22.00, free
    bought, free = answer["lines"]
    assert (bought["price_list_code"], bought["scheme_discount"], bought["is_free"]) == ("PL-ALL", "5.60", False)
    assert [(s["code"], s["benefit"], s["hint"]) for s in bought["schemes"]] == [
        ("FREE", "22.00", ""), ("SLAB", "5.60", "10 more units for the 4 % slab")]
    assert (free["is_free"], free["quantity"], free["net"], free["allocated"]) == (True, 1, "0.00", 1)
    assert [(n["code"], n["reason_code"]) for n in answer["pricing"]["not_applied"]] == [("VAL", "below_slab")]
    again = client.post(f"/api/v1/orders/{answer['id']}/reprice")
    assert again.status_code == 409
    assert again.json()["code"] == "order_not_editable"


@pytest.mark.usefixtures("_plain_static_storage")
def test_the_entry_page_and_its_quote_price_with_the_engine(org, stocked, client_for):  # noqa: F811
    import json

    from django.urls import reverse

    from distra.orders.tests.test_views_entry import entry_url, form_data, fresh_key, totals

    live_price_list(org)
    live_scheme(org, "SLAB", "quantity_slab", slabs=[{"min": "20", "max": "49", "percent": "2"}, {"min": "50", "percent": "4"}])
    live_scheme(org, "VAL", "value_slab", slabs=[{"min": "500", "percent": "3"}])
    client = client_for(org.users["dist_one"])
    data = form_data(fresh_key(client, org), [(org.skus["SKU-1"], 0, 40, "", False)], action="recalculate")
    page = client.post(entry_url(org), data)
    assert totals(page) == {"gross": "280.00", "discount": "5.60", "net": "274.40", "tax": "49.39", "total": "323.79"}
    assert "needs 220.00 more for the 3 % slab" in page.content.decode()
    body = {"outlet": org.outlets["O-DEL1-A"].pk, "lines": [{"sku": org.skus["SKU-1"].pk, "quantity": 40, "discount_pct": "10"}]}
    answer = client.post(reverse("order-quote"), json.dumps(body), content_type="application/json").json()
    assert answer["totals"]["total"] == "291.41"  # 274.40 less 10 % = 246.96, + 44.45 tax
    assert [s["code"] for s in answer["lines"][0]["schemes"]] == ["SLAB"]
    other = client_for(org.users["dist_four"]).post(reverse("order-quote"), json.dumps(body), content_type="application/json")
    assert other.status_code == 404


def test_a_backorder_takes_its_share_of_the_discount_and_of_the_benefit(org, stocked):
    live_price_list(org)
    scheme = live_scheme(org, "P10", percent=D(10), targets={"sku_ids": [org.skus["SKU-1"].pk]})
    order = order_of(org, 200)  # 150 in stock: 50 back-ordered (the default policy)
    line = order.lines.get()
    backorder = order.backorders.get()
    rest = backorder.lines.get()
    # 200 × 7.00 = 1400.00, 10 % = 140.00; the back-order's 50 units carry 35.00 of it.
    assert (line.scheme_discount, rest.quantity, rest.unit_price, rest.scheme_discount, rest.total) == (
        D("140.00"), 50, D("7.00"), D("35.00"), D("371.70"))  # 350.00 - 35.00 = 315.00, + 18 %
    assert SchemeBenefit.objects.get(scheme=scheme, order=order).benefit == D("105.00")
    assert SchemeBenefit.objects.get(scheme=scheme, order=backorder).benefit == D("35.00")


def test_free_units_short_at_the_door_or_returned_come_back_with_nothing_to_credit(org, stocked, sku2):
    live_price_list(org)
    scheme = live_scheme(org, "FREE", "free_goods", buy_quantity=24, free_quantity=2, free_sku=sku2,
                         targets={"sku_ids": [org.skus["SKU-1"].pk]})
    order = order_of(org, 48)
    by = org.users["dist_one"]
    services.order_invoice(by=by, order=order)
    services.order_dispatch(by=by, order=order, vehicle="DL-1C-4321", driver="Ravi")
    bought, free = order.lines.order_by("line_no")
    services.order_deliver(by=by, order=order, lines=[DeliveredLine(bought.pk, 48), DeliveredLine(free.pk, 3, "refused")])
    order.refresh_from_db()
    assert order.status == "partially_delivered"
    assert not order.invoice.credit_notes.exists()  # the refused free unit was invoiced at zero
    answer = services.order_return(by=by, order=order, lines=[ReturnedLine(free.pk, 1)], reason="damaged pack")
    assert (answer.pk, answer.order_return.credit_note_id) == (None, None)
    free.refresh_from_db()
    assert (free.delivered, scheme.benefits.get().free_line_id) == (3, free.pk)


def test_reprice_over_the_api_anonymous_other_scope_and_allowed(org, stocked):
    from distra.core.testing import ApiClient

    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], approval_value_above=D("1"))
    pl = live_price_list(org)
    order = order_of(org, 10)
    price_list_transition(by=org.users["brand"], price_list=pl, to="paused")
    url = f"/api/v1/orders/{order.pk}/reprice"
    assert ApiClient().post(url).status_code == 401
    assert ApiClient(org.users["dist_four"]).post(url).status_code == 404
    answer = ApiClient(org.users["dist_one"]).post(url)
    assert answer.status_code == 200
    assert (answer.json()["lines"][0]["unit_price"], answer.json()["total"]) == ("7.50", "88.50")
    assert [e["kind"] for e in answer.json()["events"]][-1] == "repriced"


def test_taking_an_order_reads_the_outlet_once_for_its_checks_and_its_prices(org, stocked):
    """The order's own read of its outlet also carries what pricing needs (the territory, the
    pricing token and, for a first-order scheme, the outlet's history): pricing does not read the
    outlet again, and the history it reads there is right (the first order gets the scheme, the
    second does not)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    live_price_list(org)
    live_scheme(org, "FIRST", "first_order", percent=D(5))
    outlet_reads = re.compile(r'FROM "?partners_outlet"? o\b')
    first = order_of(org, 10)  # (also brings this process's cache of the live schemes up to date)
    with CaptureQueriesContext(connection) as queries:
        second = order_of(org, 10)
    assert [a["code"] for a in first.lines.all()[0].pricing["applied"]] == ["FIRST"]
    assert second.lines.all()[0].pricing["applied"] == []
    assert sum(bool(outlet_reads.search(q["sql"])) for q in queries.captured_queries) == 1
