"""Claims fixtures: a delivered invoice of D-ONE (the billing fixture: 10 × SKU-1 at 7.50 less 5 %,
3 × SKU-2 at 22.00) delivered last period, with two scheme benefits recorded on it:
a 5 % discount on the SKU-1 line (3.75, brand-funded in full) and buy-3-get-1 free goods of SKU-1
on the SKU-2 line (no free line: 1 free unit at the landing price 7.50, brand funds 50 %)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from distra.billing.tests.conftest import invoice  # noqa: F401  (fixture)
from distra.claims import domain
from distra.inventory.tests.conftest import _stock_verify_is_clean_afterwards  # noqa: F401  (autouse)
from distra.orders import services as orders
from distra.orders.models import Order
from distra.orders.services.delivery import DeliveredLine
from distra.orders.tests.conftest import sku2, stocked  # noqa: F401  (fixtures)
from distra.pricing.models import Scheme, SchemeBenefit

D = Decimal


def last_period():
    return domain.previous_period(timezone.localdate(), "month")


def deliver(org, order, quantities=None):
    orders.order_dispatch(by=org.users["dist_one"], order=order, vehicle="DL 1 AB 1234", driver="Ravi")
    orders.order_deliver(by=org.users["dist_one"], order=order,
                         lines=[DeliveredLine(line.pk, (quantities or {}).get(line.line_no, line.allocated), "refused"
                                              if (quantities or {}).get(line.line_no, line.allocated) < line.allocated else "")
                                for line in order.lines.all()])


def move_to_last_period(order):
    """Deliveries happened in the middle of the last closed period."""
    start, end = last_period()
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.make_aware(timezone.datetime.combine(start + timedelta(days=9),
                                                                                                          timezone.datetime.min.time())))


@pytest.fixture
def schemes(org):
    today = timezone.localdate()
    return {
        "pct": Scheme.objects.create(code="S-PCT", name="Five off", kind="percent_off", percent=D("5"), valid_from=today),
        "free": Scheme.objects.create(code="S-FREE", name="Buy 3 get 1", kind="free_goods", buy_quantity=3, free_quantity=1,
                                      free_sku=org.skus["SKU-1"], valid_from=today, funding_share_pct=D("50")),
    }


def benefits_on(order, schemes, org):
    lines = {line.line_no: line for line in order.lines.all()}
    return [
        SchemeBenefit.objects.create(order=order, order_line=lines[1], scheme=schemes["pct"], benefit=D("3.75"), discount=D("3.75"),
                                     funding_share_pct=D("100"), brand_funded=D("3.75")),
        SchemeBenefit.objects.create(order=order, order_line=lines[2], scheme=schemes["free"], benefit=D("7.50"), free_quantity=1,
                                     free_sku=org.skus["SKU-1"], funding_share_pct=D("50"), brand_funded=D("3.75")),
    ]


@pytest.fixture
def delivered(org, invoice, schemes):  # noqa: F811
    """The invoice's order, delivered in full last period, with its two benefits."""
    order = invoice.order
    deliver(org, order)
    move_to_last_period(order)
    benefits_on(order, schemes, org)
    order.refresh_from_db()
    return order
