"""Property-based: random sequences of receipts, reservations, releases, adjustments and reversals
keep the balances equal to the ledger and the open reservations, and never negative."""

from datetime import date

import pytest
from django.db import transaction
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
from distra.inventory import services
from distra.inventory.models import Batch, StockBalance
from distra.inventory.selectors import stock_verify

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def ledger_machine(org):
    admin, warehouse, sku = org.users["admin"], org.warehouses["D-ONE"], org.skus["SKU-1"]

    class Ledger(RuleBasedStateMachine):
        """The model: on hand and reserved per batch, kept beside the database's."""

        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()  # each example runs in a savepoint rolled back at teardown
            self.batches = [
                Batch.objects.create(sku=sku, batch_number=f"P-{i}", manufactured_on=date(2026, 1, 1), expires_on=date(2026, 6, 1 + i))
                for i in range(2)
            ]
            self.on_hand = [0, 0]
            self.reserved = [0, 0]
            self.moves = []  # (move, batch index)
            self.reversed = set()
            self.open = []  # (reservation, batch index)
            self.keys = 0

        def teardown(self):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def available(self, i):
            return self.on_hand[i] - self.reserved[i]

        def outcome(self, call, allowed):
            try:
                return call(), None
            except DomainError as exc:
                code = exc.code
            assert code in allowed
            return None, code

        @rule(i=st.integers(0, 1), quantity=st.integers(1, 40))
        def receive(self, i, quantity):
            move = services.stock_receive(by=admin, warehouse=warehouse, sku=sku, batch=self.batches[i], quantity=quantity)
            self.on_hand[i] += quantity
            self.moves.append((move, i))

        @rule(i=st.integers(0, 1), quantity=st.integers(-40, 40).filter(bool))
        def adjust(self, i, quantity):
            move, code = self.outcome(lambda: services.stock_adjust(
                by=admin, warehouse=warehouse, sku=sku, batch=self.batches[i], quantity=quantity, reason="damage"), {"insufficient_stock"})
            assert (code is None) == (quantity > 0 or self.available(i) >= -quantity)
            if move:
                self.on_hand[i] += quantity
                self.moves.append((move, i))

        @rule(i=st.integers(0, 1), quantity=st.integers(1, 30))
        def reserve(self, i, quantity):
            self.keys += 1
            reservation, code = self.outcome(lambda: services.stock_reserve(
                by=admin, warehouse=warehouse, sku=sku, batch=self.batches[i], quantity=quantity, source_key=f"k{self.keys}"),
                {"insufficient_stock"})
            assert (code is None) == (self.available(i) >= quantity)
            if reservation:
                self.reserved[i] += quantity
                self.open.append((reservation, i))

        @precondition(lambda self: self.open)
        @rule(pick=st.integers(0, 100))
        def release(self, pick):
            reservation, i = self.open.pop(pick % len(self.open))
            services.stock_release(by=admin, reservation=reservation)
            self.reserved[i] -= reservation.quantity

        @precondition(lambda self: self.moves)
        @rule(pick=st.integers(0, 100))
        def reverse(self, pick):
            move, i = self.moves[pick % len(self.moves)]
            reversal, code = self.outcome(lambda: services.stock_move_reverse(by=admin, move=move), {"insufficient_stock", "not_reversible"})
            if move.reverses_id is not None:
                assert code == "not_reversible"
            elif move.pk in self.reversed:
                assert reversal is not None  # the first reversal, nothing new
                assert reversal.reverses_id == move.pk
            else:
                assert (code is None) == (move.quantity < 0 or self.available(i) >= move.quantity)
                if reversal:
                    self.reversed.add(move.pk)
                    self.on_hand[i] -= move.quantity
                    self.moves.append((reversal, i))

        @invariant()
        def balances_equal_the_model_and_the_ledger(self):
            rows = {b.batch_id: (b.on_hand, b.reserved) for b in StockBalance.objects.filter(warehouse=warehouse)}
            assert [rows.get(b.pk, (0, 0)) for b in self.batches] == list(zip(self.on_hand, self.reserved, strict=True))
            assert all(0 <= r <= h for h, r in zip(self.on_hand, self.reserved, strict=True))
            assert stock_verify() == []

    return Ledger


def test_random_stock_histories_keep_the_ledger_invariants(org):
    run_state_machine_as_test(
        ledger_machine(org),
        settings=settings(max_examples=25, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)),
    )
