"""Stock for the free lines of the priced history (distra.demo.order_pricing), taken from the
history's planned moves before they are posted: first expiry first (FEFO), from a batch not
expired on the delivery day, and only what the batch can spare from that moment on, so the running
balance of every position stays at or above zero at every later move (what
``distra.inventory.history.history_post`` checks). When the batches cannot spare enough, the
warehouse's last weekly receipt (of a batch still good) within ``TOP_UP_WITHIN`` grows by the whole
cases that cover the rest, as the distributor would have ordered them with it; with no such receipt
(replenishment withheld: a planned stockout) the rest is the line's shortfall (cancelled), as a
bought line's in a stockout."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.utils import timezone

from distra.inventory.history import HistoricMove

Position = tuple[int, int, int]  # warehouse, SKU, batch
TOP_UP_WITHIN = timedelta(days=10)
WEEKLY_RECEIPT = "demo:receipt:"  # history_plan's weekly review receipts


class _Series:
    """One position's moves in the order history_post checks them (time, then receipts first),
    with the running balance after each."""

    def __init__(self, moves: list[tuple[datetime, int, int | None]]):
        moves.sort(key=lambda m: (m[0], -m[1]))
        self.keys = [(at, -quantity) for at, quantity, _receipt in moves]
        self.receipts = [(at, n) for at, _quantity, n in moves if n is not None]  # (when, index in the history's moves)
        self.balance, total = [], 0
        for _at, quantity, _receipt in moves:
            total += quantity
            self.balance.append(total)

    def spare(self, at: datetime) -> tuple[int, int]:
        """(where an issue at ``at`` goes, the most it can take): the balance before every issue
        at that moment and the lowest balance after, counting those issues before it (a safe
        bound whatever their order among themselves)."""
        i = bisect_left(self.keys, (at, 0))
        before = self.balance[i - 1] if i else 0
        return i, min([before, *self.balance[i:]])

    def grow(self, at: datetime, quantity: int) -> None:
        """A receipt at ``at`` brought ``quantity`` more."""
        for j in range(bisect_left(self.keys, (at, -(10**12))), len(self.balance)):
            self.balance[j] += quantity

    def issue(self, i: int, at: datetime, quantity: int) -> None:
        for j in range(i, len(self.balance)):
            self.balance[j] -= quantity
        self.keys.insert(i, (at, 0))
        self.balance.insert(i, (self.balance[i - 1] if i else 0) - quantity)


class FreeStock:
    """The planned stock per position, from which free lines take their batches."""

    def __init__(self, moves: list[HistoricMove], expiry: dict[int, date]):
        self.all = moves  # the history's moves: a receipt that grows is replaced in it
        self.moves: dict[int, list[int]] = defaultdict(list)
        for n, m in enumerate(moves):
            self.moves[m.sku_id].append(n)
        self.series: dict[Position, _Series] = {}
        self.batches: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.expiry = expiry

    def _load(self, sku_id: int) -> None:
        """The series of ``sku_id``'s positions, built the first time a free line asks for it."""
        per_position: dict[Position, list[tuple[datetime, int, int | None]]] = defaultdict(list)
        for n in self.moves.pop(sku_id, ()):
            m = self.all[n]
            receipt = n if m.kind == "receipt" and m.source_key.startswith(WEEKLY_RECEIPT) else None
            per_position[(m.warehouse_id, m.sku_id, m.batch_id)].append((m.at, m.quantity, receipt))
        for position in sorted(per_position, key=lambda p: (self.expiry[p[2]], p[2])):
            self.series[position] = _Series(per_position[position])
            self.batches[position[:2]].append(position[2])

    def take(self, warehouse_id: int, sku_id: int, quantity: int, at: datetime, *, case: int) -> list[tuple[int, int]]:
        """Issue up to ``quantity`` units at ``at``, first expiry first (a recent receipt grown by
        whole cases of ``case`` units if need be); returns (batch, units)."""
        if sku_id in self.moves:
            self._load(sku_id)
        good = [b for b in self.batches.get((warehouse_id, sku_id), ()) if self.expiry[b] > timezone.localtime(at).date()]
        picks, need = [], quantity
        for batch_id in good:
            if not need:
                break
            series = self.series[(warehouse_id, sku_id, batch_id)]
            i, spare = series.spare(at)
            part = min(need, spare)
            if part > 0:
                series.issue(i, at, part)
                picks.append((batch_id, part))
                need -= part
        if need:
            picks += self._top_up(warehouse_id, sku_id, good, need, at, case)
        merged: dict[int, int] = {}
        for batch_id, units in picks:  # the top-up may come from a batch already picked
            merged[batch_id] = merged.get(batch_id, 0) + units
        return list(merged.items())

    def _top_up(self, warehouse_id: int, sku_id: int, good: list[int], need: int, at: datetime, case: int) -> list[tuple[int, int]]:
        recent = [(when, n, batch_id) for batch_id in good for when, n in self.series[(warehouse_id, sku_id, batch_id)].receipts
                  if at - TOP_UP_WITHIN <= when <= at]
        if not recent:
            return []
        when, n, batch_id = max(recent)
        more = -(-need // case) * case
        self.all[n] = replace(self.all[n], quantity=self.all[n].quantity + more)
        series = self.series[(warehouse_id, sku_id, batch_id)]
        series.grow(when, more)
        i, _spare = series.spare(at)
        series.issue(i, at, need)
        return [(batch_id, need)]
