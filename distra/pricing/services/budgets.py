"""Scheme budgets: consumed when an order is allocated, released when it is cancelled or
returned, exact under concurrent orders.

A budget's remaining amount is split over slot rows (``SchemeBudgetSlot``). An order picks one
slot that holds enough and that no other transaction holds (``SELECT … FOR UPDATE SKIP LOCKED``,
from a random slot on), and takes what it needs with a guarded ``UPDATE … SET remaining =
remaining - x WHERE remaining >= x``: concurrent orders take from different rows and none waits on
one hot row. When no free slot holds enough, it rolls back what it took (a savepoint) and, again,
locks all that budget's slots in slot order (waiting for the others) and takes across them; when
even their sum is short, the budget is exhausted. Only that fallback waits, always in slot order and budgets in id order, so two orders
never wait on each other in a cycle. (SQLite has one writer at a time: no locks to skip.)
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from distra.core.errors import Conflict
from distra.pricing.domain import PricedBasket
from distra.pricing.models import SchemeBenefit, SchemeBudget, SchemeBudgetSlot, SchemeBudgetUse


class SchemeBudgetExhausted(Conflict):
    """Raised by ``scheme_budgets_consume`` (nothing taken): price the order again without
    ``scheme_ids`` (``price_order_lines(..., exclude_scheme_ids=...)``) and consume again."""

    def __init__(self, scheme_ids: list[int]):
        super().__init__("A scheme's budget ran out while this order was being placed; price it again.", code="scheme_budget_exhausted")
        self.scheme_ids = scheme_ids

    def as_dict(self) -> dict:
        return {**super().as_dict(), "scheme_ids": self.scheme_ids}


_SLOT = SchemeBudgetSlot._meta.db_table
_BUDGET = SchemeBudget._meta.db_table
# One statement: pick a slot holding enough that no other transaction holds (from slot ``start``
# on, round the ring) and take from it; no row back: none is free with enough.
_TAKE_FREE = (f"UPDATE {_SLOT} SET remaining = remaining - %s WHERE id = (SELECT id FROM {_SLOT} "  # noqa: S608 (no user text)
              f"WHERE budget_id = %s AND remaining >= %s ORDER BY CASE WHEN number >= %s THEN 0 ELSE 1 END, number "
              f"LIMIT 1{{lock}}) AND remaining >= %s RETURNING number")


class _Budget(NamedTuple):
    id: int
    scheme_id: int
    slots: int


def _take(budget: _Budget, amount: Decimal, order_id: int, uses: list, *, free: bool = True) -> bool | None:
    """Take ``amount`` from ``budget`` for the order (the uses to write are added to ``uses``);
    False (nothing taken) when it is short. With ``free``, only from one free slot holding enough:
    None when there is none (the caller rolls back its savepoint and calls again with ``free``
    False). Without: lock all the budget's slots, in slot order, and take across them."""
    from django.db import connection

    from distra.core.sql import execute

    if free:
        start = random.randrange(budget.slots)  # noqa: S311  (spreading load, not a secret)
        lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
        taken = execute(_TAKE_FREE.format(lock=lock), [amount, budget.id, amount, start, amount])
        if not taken:
            return None
        uses.append(SchemeBudgetUse(budget_id=budget.id, slot_number=taken[0][0], order_id=order_id, amount=amount))
        return True
    held = list(SchemeBudgetSlot.objects.select_for_update().filter(budget_id=budget.id).order_by("number"))
    if sum((s.remaining for s in held), Decimal(0)) < amount:
        return False
    left = amount
    for slot in held:
        part = min(slot.remaining, left)
        if part > 0:
            SchemeBudgetSlot.objects.filter(pk=slot.pk, remaining__gte=part).update(remaining=F("remaining") - part)
            uses.append(SchemeBudgetUse(budget_id=budget.id, slot_number=slot.number, order_id=order_id, amount=part))
            left -= part
        if not left:
            break
    return True


def _budgets_of(scheme_ids: list[int], distributor_id: int | None) -> list[_Budget]:
    """The budgets (overall and the distributor's) of these schemes, in id order, with their slot
    counts: one statement."""
    from distra.core.sql import execute

    marks = ", ".join(["%s"] * len(scheme_ids))
    sql = (f"SELECT b.id, b.scheme_id, (SELECT COUNT(*) FROM {_SLOT} s WHERE s.budget_id = b.id) FROM {_BUDGET} b "  # noqa: S608
           f"WHERE b.scheme_id IN ({marks}) AND (b.distributor_id IS NULL OR b.distributor_id = %s) ORDER BY b.id")
    return [_Budget(*row) for row in execute(sql, [*sorted(scheme_ids), distributor_id])]


def scheme_budgets_consume(*, priced, order_id: int) -> None:
    """Take from the budgets (overall and the order's distributor's) of every scheme ``priced``
    applied (``priced.usage``: scheme id -> use in its basis; ``priced.distributor_id``), for
    order ``order_id``. Call inside the order's transaction, when it is allocated. All or
    nothing: raises SchemeBudgetExhausted naming the short schemes and takes nothing (a
    savepoint). Statements: one to find the budgets, one per budget to take from a free slot
    (``UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)``), one to write the uses.

    When a budget has no free slot with enough, the savepoint is rolled back and the budgets are
    taken again, that one with all its slots locked in order: the free path's ``FOR UPDATE`` may
    keep the lock of a slot it re-checked and did not take from (PostgreSQL keeps a row lock whose
    row then fails the WHERE), and holding it while waiting in slot order for the others
    deadlocked the 32-order race in 1 of 2 runs (the likely path; the log showed the cycle among
    fallbacks). Rolling back the savepoint drops any such lock."""
    from distra.core.sql import insert

    wanted = {sid: used for sid, used in priced.usage.items() if used > 0}
    if not wanted:
        return
    budgets = _budgets_of(list(wanted), priced.distributor_id)
    if not budgets:
        return
    locked: set[int] = set()  # budgets to take with all their slots locked
    while True:
        short, uses, again = [], [], False
        with transaction.atomic():
            for budget in budgets:
                took = _take(budget, wanted[budget.scheme_id], order_id, uses, free=budget.id not in locked) if budget.slots else True
                if took is None:
                    locked.add(budget.id)
                    again = True
                    break
                if not took:
                    short.append(budget.scheme_id)
            if again or short:
                transaction.set_rollback(True)
            else:
                insert(uses)
        if not again:
            break
    if short:
        raise SchemeBudgetExhausted(sorted(set(short)))


def scheme_budgets_release(*, order_id: int) -> Decimal:
    """Give back everything order ``order_id`` took from scheme budgets and has not given back
    yet (its cancellation). Each use is released once, even when two releases race; returns what
    was released."""
    return scheme_budgets_keep(order_id=order_id, kept={})


def scheme_budgets_keep(*, order_id: int, kept: Mapping[int, Decimal]) -> Decimal:
    """Give back what order ``order_id`` no longer uses of its schemes' budgets: per scheme,
    ``kept`` is the share (0 to 1) of what it took that the order still gives (a scheme absent
    from ``kept`` keeps nothing). Each use then stays taken at ``amount × share`` rounded half-up
    (to the paisa; to whole units for quantity budgets), and only the difference with what was
    released before moves back to its slot (a return after a return gives back only the new
    share; a share never grows back). The caller holds the order's row lock; each use is changed
    with a guarded UPDATE, so two releases never give the same amount back twice. Returns what
    was released now."""
    released = Decimal(0)
    now = timezone.now()
    uses = (SchemeBudgetUse.objects.filter(order_id=order_id, released_at__isnull=True).select_related("budget__scheme")
            .order_by("budget_id", "slot_number", "id"))
    for use in uses:
        share = min(max(Decimal(kept.get(use.budget.scheme_id, 0)), Decimal(0)), Decimal(1))
        unit = Decimal(1) if use.budget.scheme.budget_basis == "quantity" else Decimal("0.01")
        stays = (use.amount * share).quantize(unit, rounding=ROUND_HALF_UP)
        give = use.amount - stays - use.released
        if give <= 0:
            continue
        done = {"released_at": now} if stays == 0 else {}
        if SchemeBudgetUse.objects.filter(pk=use.pk, released=use.released, released_at__isnull=True).update(
                released=F("released") + give, **done):
            SchemeBudgetSlot.objects.filter(budget_id=use.budget_id, number=use.slot_number).update(remaining=F("remaining") + give)
            released += give
    return released


def scheme_budgets_pass_on(*, order_id: int, to_order_id: int, shares: Mapping[int, Decimal]) -> Decimal:
    """Hand to order ``to_order_id`` (a back-order of ``order_id``) its share of what ``order_id``
    holds of its schemes' budgets: per scheme, ``shares`` is the part (0 to 1) the back-order
    carries. Each use still held is split: the back-order's part is (amount − released) × share,
    rounded half-up (to the paisa; to whole units for quantity budgets), taken off the use by a
    guarded UPDATE and written as a use of the back-order on the same slot (the whole use changes
    hands when the part is all of it). No slot moves: the budget stays taken, by the order that now
    carries the benefit, so each order's cancel or return gives back only its own part. The caller
    holds ``order_id``'s row lock. Returns what was handed on."""
    now, moved, new = timezone.now(), Decimal(0), []
    uses = (SchemeBudgetUse.objects.filter(order_id=order_id, released_at__isnull=True).select_related("budget__scheme")
            .order_by("budget_id", "slot_number", "id"))
    for use in uses:
        share = min(max(Decimal(shares.get(use.budget.scheme_id, 0)), Decimal(0)), Decimal(1))
        unit = Decimal(1) if use.budget.scheme.budget_basis == "quantity" else Decimal("0.01")
        part = ((use.amount - use.released) * share).quantize(unit, rounding=ROUND_HALF_UP)
        if part <= 0:
            continue
        current = SchemeBudgetUse.objects.filter(pk=use.pk, amount=use.amount, released=use.released, released_at__isnull=True)
        if part == use.amount:
            done = current.update(order_id=to_order_id)
        else:
            done = current.update(amount=F("amount") - part, **({"released_at": now} if use.amount - part == use.released else {}))
            if done:
                new.append(SchemeBudgetUse(budget_id=use.budget_id, slot_number=use.slot_number, order_id=to_order_id, amount=part))
        moved += part if done else 0
    SchemeBudgetUse.objects.bulk_create(new)
    return moved


def scheme_benefits_record(*, priced: PricedBasket, order_lines) -> list[SchemeBenefit]:
    """One SchemeBenefit row per scheme applied on each priced line, on the order line of the same
    SKU (``order_lines``: the order's saved lines); free goods point at the order's free line of
    their scheme and SKU (``free_line``) when it has one. Claims read these rows (docs/pricing.md,
    "What claims read")."""
    return SchemeBenefit.objects.bulk_create(scheme_benefits_build(priced=priced, order_lines=order_lines))


_BENEFIT_COLUMNS = ("created_at", "updated_at", "order_id", "order_line_id", "scheme_id", "benefit", "discount", "free_quantity",
                    "free_sku_id", "free_line_id", "funding_share_pct", "brand_funded", "reason")


def scheme_benefits_insert(*, priced: PricedBasket, order_lines) -> int:
    """What ``scheme_benefits_record`` writes, in one multi-row INSERT built from the priced lines
    without model instances (the order hot path: a priced order has several rows per line).
    Returns how many rows were written."""
    from django.db import connection

    from distra.core.sql import execute

    rows = _benefit_values(priced, order_lines)
    if not rows:
        return 0
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    one = "(" + ", ".join(["%s"] * len(_BENEFIT_COLUMNS)) + ")"
    sql = (f"INSERT INTO {SchemeBenefit._meta.db_table} ({', '.join(_BENEFIT_COLUMNS)}) VALUES "  # noqa: S608 (no user text)
           + ", ".join([one] * len(rows)))
    execute(sql, [value for row in rows for value in (now, now, *row)], fetch=False)
    return len(rows)


def _benefit_values(priced: PricedBasket, order_lines) -> list[tuple]:
    """(order, order line, scheme, benefit, discount, free units, free SKU, free line, funding
    share, brand funded, reason) per applied scheme per priced line, as scheme_benefits_build."""
    return [(b.order_id, b.order_line.pk, b.scheme_id, b.benefit, b.discount, b.free_quantity, b.free_sku_id,
             b.free_line.pk if b.free_line is not None else None, b.funding_share_pct, b.brand_funded, b.reason)
            for b in scheme_benefits_build(priced=priced, order_lines=order_lines, instances=False)]


class _Row(NamedTuple):
    order_id: int
    order_line: object
    scheme_id: int
    benefit: Decimal
    discount: Decimal
    free_quantity: int
    free_sku_id: int | None
    free_line: object
    funding_share_pct: Decimal
    brand_funded: Decimal
    reason: str


def scheme_benefits_build(*, priced: PricedBasket, order_lines, instances: bool = True) -> list:
    """The rows ``scheme_benefits_record`` writes, unsaved (for a caller that inserts them its own
    way); ``instances=False``: as plain tuples with the same fields."""
    make = SchemeBenefit if instances else _Row
    by_sku, free = {}, {}
    for line in order_lines:
        if getattr(line, "free_of_id", None) is None:
            by_sku[line.sku_id] = line
        else:
            free[(line.free_of_id, line.sku_id)] = line
    rows = []
    for line in priced.lines:
        target = by_sku.get(line.sku_id)
        if target is None:
            continue
        for a in line.applied:
            rows.append(make(order_id=target.order_id, order_line=target, scheme_id=a.scheme_id, benefit=a.benefit,
                                      discount=a.discount, free_quantity=a.free_quantity, free_sku_id=a.free_sku_id,
                                      free_line=free.get((a.scheme_id, a.free_sku_id)) if a.free_quantity else None,
                                      funding_share_pct=a.funding_share, brand_funded=a.brand_funded, reason=a.reason[:300]))
    return rows
