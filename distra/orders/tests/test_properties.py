"""Property-based: random histories of receipts (each followed by the back-order fill), stock
adjustments, orders (create + submit), policy switches, cancellations, invoicing, dispatch,
proof of delivery and returns keep every invariant of stock and orders:

- balances equal the ledger and the open reservations (``stock_verify``), nothing negative,
  0 <= reserved <= on hand;
- reserved stock = the sum of the open allocations' quantities;
- each line's ``allocated`` = the sum of its allocations, and delivered <= allocated <= quantity;
- an order holds open reservations exactly while it is allocated, invoiced or dispatched.
"""

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from distra.core.errors import DomainError
from distra.inventory import services as stock
from distra.inventory.models import StockBalance, StockReservation
from distra.inventory.selectors import stock_verify
from distra.orders import services
from distra.orders.choices import RESERVING_STATUSES
from distra.orders.models import Order, OrderAllocation, OrderLine, OrderPolicy
from distra.orders.services import LineIn
from distra.orders.services.delivery import (
    DeliveredLine,
    ReturnedLine,
    order_deliver,
    order_dispatch,
    order_return,
)
from distra.orders.services.invoicing import order_invoice
from distra.orders.tests.conftest import make_batch

pytestmark = pytest.mark.django_db

# Refusals a random history may meet; anything else is a bug.
EXPECTED = {"insufficient_stock", "transition_not_allowed", "order_not_delivered", "more_than_delivered", "validation_error",
            "nothing_to_return", "order_not_invoiceable"}


def orders_machine(org, sku2):
    admin, warehouse = org.users["admin"], org.warehouses["D-ONE"]
    skus = [org.skus["SKU-1"], sku2]
    outlets = [org.outlets["O-DEL1-A"], org.outlets["O-DEL1-B"]]

    class Orders(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()  # each example runs in a savepoint rolled back at teardown
            self.batches = [make_batch(org, sku, f"H-{s}-{i}", expires_in_days=40 + 30 * i)
                            for s, sku in enumerate(skus) for i in range(2)]
            self.orders: list[int] = []
            self.policy = OrderPolicy.objects.create(distributor=org.distributors["D-ONE"])

        def teardown(self):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def attempt(self, call):
            try:
                with transaction.atomic():
                    return call()
            except DomainError as exc:
                if exc.code not in EXPECTED:
                    raise
            return None

        def pick(self, n: int, *statuses: str) -> Order:
            """One of the orders, preferring those in ``statuses`` (so that later steps of the
            lifecycle are reached often) but sometimes any (to try refused transitions)."""
            candidates = list(Order.objects.filter(pk__in=self.orders, status__in=statuses).order_by("pk").values_list("pk", flat=True))
            if not candidates or n % 5 == 0:
                candidates = self.orders
            return Order.objects.get(pk=candidates[n % len(candidates)])

        @rule(b=st.integers(0, 3), quantity=st.integers(1, 40))
        def receive(self, b, quantity):
            batch = self.batches[b]
            stock.stock_receive(by=admin, warehouse=warehouse, sku=batch.sku, batch=batch, quantity=quantity)
            filled = self.attempt(lambda: services.backorders_fill(by=admin, warehouse_id=warehouse.pk))  # what the task does
            for order in Order.objects.filter(pk__in=filled or []):
                self.orders += list(order.backorders.values_list("pk", flat=True))

        @rule(b=st.integers(0, 3), quantity=st.integers(-30, 30).filter(bool))
        def adjust(self, b, quantity):
            batch = self.batches[b]
            self.attempt(lambda: stock.stock_adjust(by=admin, warehouse=warehouse, sku=batch.sku, batch=batch, quantity=quantity,
                                                    reason="damage"))

        @rule(o=st.integers(0, 1), q1=st.integers(0, 30), q2=st.integers(0, 30))
        def order(self, o, q1, q2):
            lines = [LineIn(sku=sku, quantity=q) for sku, q in zip(skus, (q1, q2), strict=True) if q]
            if not lines:
                return
            created = self.attempt(lambda: services.order_create(by=admin, outlet=outlets[o], lines=lines, submit=True))
            if created is not None:
                self.orders += [created.pk, *created.backorders.values_list("pk", flat=True)]

        @rule()
        def switch_policy(self):
            self.policy.shortfall_policy = "cancel" if self.policy.shortfall_policy == "backorder" else "backorder"
            self.policy.save()

        @precondition(lambda self: self.orders)
        @rule(n=st.integers(0, 100))
        def cancel(self, n):
            order = self.pick(n)
            self.attempt(lambda: services.order_cancel(by=admin, order=order, reason="random"))

        @precondition(lambda self: self.orders)
        @rule(n=st.integers(0, 100))
        def invoice_and_dispatch(self, n):
            order = self.pick(n, "allocated")
            if self.attempt(lambda: order_invoice(by=admin, order=order)) is not None:
                self.attempt(lambda: order_dispatch(by=admin, order=Order.objects.get(pk=order.pk), vehicle="DL 1", driver="Ravi"))

        @precondition(lambda self: self.orders)
        @rule(n=st.integers(0, 100), share=st.sampled_from([0, 0.5, 1, 1, 1]))
        def deliver(self, n, share):
            order = self.pick(n, "dispatched")
            lines = [DeliveredLine(line.pk, int(line.allocated * share), "" if int(line.allocated * share) == line.allocated else "damaged")
                     for line in order.lines.all()]
            self.attempt(lambda: order_deliver(by=admin, order=order, lines=lines))

        @precondition(lambda self: self.orders)
        @rule(n=st.integers(0, 100), quantity=st.integers(1, 10), damaged=st.booleans())
        def give_back(self, n, quantity, damaged):
            order = self.pick(n, "delivered", "partially_delivered")
            line = order.lines.filter(delivered__gt=0).first()
            if line is None:
                return
            returned = [ReturnedLine(line.pk, quantity, "damaged" if damaged else "saleable")]
            self.attempt(lambda: order_return(by=admin, order=order, lines=returned, reason="random"))

        @invariant()
        def stock_matches_the_ledger_and_the_allocations(self):
            assert stock_verify() == []
            balances = StockBalance.objects.filter(warehouse=warehouse)
            assert all(0 <= b.reserved <= b.on_hand for b in balances)
            reserved = balances.aggregate(n=Sum("reserved"))["n"] or 0
            open_allocations = OrderAllocation.objects.filter(reservation__is_open=True)
            assert reserved == (open_allocations.aggregate(n=Sum("quantity"))["n"] or 0)
            assert reserved == (StockReservation.objects.filter(is_open=True).aggregate(n=Sum("quantity"))["n"] or 0)

        @invariant()
        def lines_add_up(self):
            for line in OrderLine.objects.annotate(held=Sum("allocations__quantity")):
                assert line.allocated == (line.held or 0), line
                assert line.delivered <= line.allocated <= line.quantity
            holding = set(OrderAllocation.objects.filter(reservation__is_open=True).values_list("line__order_id", flat=True))
            for order in Order.objects.filter(pk__in=holding):
                assert order.status in RESERVING_STATUSES, order.status

    return Orders


def test_random_order_histories_keep_every_invariant(org, sku2):
    run_state_machine_as_test(
        orders_machine(org, sku2),
        settings=settings(max_examples=10, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)),
    )
