"""Claims from orders priced by the real order flow (distra.orders with the pricing engine): free
goods travel on a free line, and the claim values its delivered units at its landing price."""

from datetime import datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from distra.claims import domain, services
from distra.claims.choices import LineKind
from distra.orders import services as orders
from distra.orders.models import Order
from distra.orders.services import DeliveredLine, LineIn, ReturnedLine
from distra.pricing.tests.conftest import live_price_list, live_scheme

pytestmark = pytest.mark.django_db


def free_goods_claimed(org, sku2):
    """An order of 48 × SKU-1 earning 4 free SKU-2 on a free line, delivered in full last month, and
    the claim of that month."""
    live_price_list(org)
    live_scheme(org, "FREE", "free_goods", buy_quantity=24, free_quantity=2, free_sku=sku2, targets={"sku_ids": [org.skus["SKU-1"].pk]},
                funding_share_pct=D("60"))
    by = org.users["dist_one"]
    order = orders.order_create(by=by, outlet=org.outlets["O-DEL1-A"], submit=True, lines=[LineIn(sku=org.skus["SKU-1"], quantity=48)])
    orders.order_invoice(by=by, order=order)
    orders.order_dispatch(by=by, order=order, vehicle="DL-1C-4321", driver="Ravi")
    bought, free = order.lines.order_by("line_no")
    orders.order_deliver(by=by, order=order, lines=[DeliveredLine(bought.pk, 48), DeliveredLine(free.pk, 4)])
    start, end = domain.previous_period(timezone.localdate(), "month")
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.make_aware(datetime.combine(start + timedelta(days=3), time(12))))
    free.refresh_from_db()

    claim = services.claim_generate_period(distributor=org.distributors["D-ONE"], start=start, end=end)
    line = claim.lines.get()
    assert free.landing_price > 0
    # the 4 free SKU-2 units delivered, at the free line's landing price, 60 % brand-funded
    cost = (free.landing_price * 4).quantize(D("0.01"))
    assert (line.kind, line.quantity, line.unit_value, line.base_amount) == (LineKind.FREE_GOODS, 4, free.landing_price, cost)
    assert line.amount == (cost * D("0.6")).quantize(D("0.01"))
    assert (line.order_line_id, line.invoice_line.order_line_id, line.sku_id) == (bought.pk, bought.pk, sku2.pk)
    return order, free, line


def test_free_goods_on_a_free_line_are_claimed_at_its_landing_price(org, stocked, sku2):
    free_goods_claimed(org, sku2)


def test_a_return_of_free_units_reverses_their_share(org, stocked, sku2):
    order, free, line = free_goods_claimed(org, sku2)
    orders.order_return(by=org.users["dist_one"], order=order, lines=[ReturnedLine(free.pk, 1)], reason="Outlet gave back a free pack")
    reversal = services.claim_generate_period(distributor=org.distributors["D-ONE"],
                                              start=timezone.localdate().replace(day=1), end=timezone.localdate()).lines.get()
    assert (reversal.kind, reversal.reverses_id, reversal.quantity) == (LineKind.RETURN_REVERSAL, line.pk, 1)
    assert reversal.amount == -(line.amount / 4).quantize(D("0.01"))
