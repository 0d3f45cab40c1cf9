"""Stock alerts: raising and resolving them (the evaluation), acknowledging them, and the hook
every stock service calls so that alerts follow the movements.

An alert is raised once while its condition lasts (a partial unique constraint keeps one
unresolved alert per kind × warehouse × SKU × batch) and resolved by the evaluation as soon as
the condition no longer holds. The conditions themselves are ``domain.alert_conditions``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from distra.catalog.models import SKU
from distra.core.errors import Conflict, NotFound
from distra.core.permissions import require_perm
from distra.inventory.choices import ALERT_TRANSITIONS, QUARANTINE_ALERT_KINDS, AlertStatus
from distra.inventory.domain import BatchFigures, SkuPosition, alert_conditions
from distra.inventory.models import StockAlert, StockBalance
from distra.inventory.selectors import sold_in_window, thresholds_for
from distra.partners.choices import WarehouseKind
from distra.partners.models import Warehouse

UNRESOLVED = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


@dataclass
class AlertChanges:
    raised: list[StockAlert] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)


def _positions(warehouse_id: int, sku_ids: list[int], today: date) -> dict[int, SkuPosition]:
    rows = (StockBalance.objects.filter(warehouse_id=warehouse_id, sku_id__in=sku_ids)
            .values_list("sku_id", "batch_id", "on_hand", "reserved", "batch__expires_on"))
    sold = sold_in_window(warehouse_id=warehouse_id, sku_ids=sku_ids, today=today)
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    return {
        sku_id: SkuPosition(
            available=sum(on_hand - reserved for _, _, on_hand, reserved, _ in grouped.get(sku_id, [])),
            sold_in_window=sold.get(sku_id, 0),
            had_stock=sku_id in grouped,
            batches=tuple(BatchFigures(b, on_hand, expires) for _, b, on_hand, _, expires in grouped.get(sku_id, [])),
        )
        for sku_id in sku_ids
    }


@transaction.atomic
def stock_alerts_evaluate(*, warehouse_id: int, sku_ids: Iterable[int], today: date | None = None) -> AlertChanges:
    """Bring the alerts of these SKUs at this warehouse up to date: raise an alert for each
    condition that holds and has no unresolved alert, resolve each unresolved alert whose
    condition ended. System work (no acting user): called after stock movements commit and by the
    daily check. Takes no locks; two evaluations racing to raise the same alert insert it once
    (the partial unique constraint, ON CONFLICT DO NOTHING). At a quarantine warehouse only
    ``QUARANTINE_ALERT_KINDS`` are raised (any other is resolved). About seven queries per call."""
    sku_ids = sorted(set(sku_ids))
    today = today or timezone.localdate()
    warehouse = Warehouse.objects.filter(pk=warehouse_id).values("distributor_id", "kind").first()
    skus = list(SKU.objects.filter(pk__in=sku_ids).select_related("category"))
    if warehouse is None or not skus:
        return AlertChanges()
    sku_ids = [s.pk for s in skus]
    thresholds = thresholds_for(distributor_id=warehouse["distributor_id"], skus=skus)
    if warehouse["kind"] == WarehouseKind.DISTRIBUTOR:  # where a forecast exists, its reorder point replaces the configured level
        from distra.replenishment.selectors import reorder_points

        for sku_id, point in reorder_points(distributor_id=warehouse["distributor_id"], sku_ids=sku_ids).items():
            thresholds[sku_id] = replace(thresholds[sku_id], reorder_level=point)
    positions = _positions(warehouse_id, sku_ids, today)
    holding = {(c.kind, sku_id, c.batch_id): c.detail
               for sku_id in sku_ids for c in alert_conditions(positions[sku_id], thresholds[sku_id], today=today)}
    if warehouse["kind"] == WarehouseKind.QUARANTINE:
        holding = {key: detail for key, detail in holding.items() if key[0] in QUARANTINE_ALERT_KINDS}
    unresolved = {(a.kind, a.sku_id, a.batch_id): a.pk
                  for a in StockAlert.objects.filter(warehouse_id=warehouse_id, sku_id__in=sku_ids, status__in=UNRESOLVED).only("kind", "sku_id", "batch_id")}
    now = timezone.now()
    changes = AlertChanges()
    changes.resolved = sorted(pk for key, pk in unresolved.items() if key not in holding)
    if changes.resolved:
        StockAlert.objects.filter(pk__in=changes.resolved, status__in=UNRESOLVED).update(
            status=AlertStatus.RESOLVED, resolved_at=now, updated_at=now)
    changes.raised = [
        StockAlert(kind=kind, warehouse_id=warehouse_id, sku_id=sku_id, batch_id=batch_id, detail=detail[:300], raised_at=now)
        for (kind, sku_id, batch_id), detail in sorted(holding.items(), key=lambda item: str(item[0])) if (kind, sku_id, batch_id) not in unresolved
    ]
    if changes.raised:
        StockAlert.objects.bulk_create(changes.raised, ignore_conflicts=True)
    return changes


@transaction.atomic
def stock_alert_acknowledge(*, by, alert: StockAlert) -> StockAlert:
    """Mark an open alert as seen by ``by`` (it stays unresolved until its condition ends).
    Acknowledging an acknowledged alert again changes nothing; a resolved one is a 409
    ``alert_resolved``. Locks the alert row."""
    require_perm(by, "inventory.change_stockalert")
    current = StockAlert.objects.for_user(by).select_for_update(of=("self",)).filter(pk=alert.pk).first()
    if current is None:
        raise NotFound(f"No stock alert with id {alert.pk}.")
    if current.status == AlertStatus.ACKNOWLEDGED:
        return current
    if AlertStatus.ACKNOWLEDGED not in ALERT_TRANSITIONS[AlertStatus(current.status)]:
        raise Conflict("This alert is resolved already.", code="alert_resolved")
    current.status, current.acknowledged_by, current.acknowledged_at = AlertStatus.ACKNOWLEDGED, by, timezone.now()
    current.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "updated_at"])
    return current


# The hook: after a movement commits, evaluate the touched (warehouse, SKU) pairs ---------------------

class _Pending:
    """The pairs one transaction touched; handed to the worker once, after it commits."""

    def __init__(self) -> None:
        self.pairs: set[tuple[int, int]] = set()

    def flush(self) -> None:
        from distra.inventory.tasks import evaluate_stock_alerts

        by_warehouse: dict[int, set[int]] = {}
        for warehouse_id, sku_id in self.pairs:
            by_warehouse.setdefault(warehouse_id, set()).add(sku_id)
        self.pairs = set()
        delay = getattr(settings, "DISTRA_ALERT_COALESCE_SECONDS", 5)
        if delay and evaluate_stock_alerts.get_backend().supports_defer:
            _coalesced.enqueue(evaluate_stock_alerts, by_warehouse, delay)
            return
        for warehouse_id, sku_ids in sorted(by_warehouse.items()):
            evaluate_stock_alerts.enqueue(warehouse_id, sorted(sku_ids))


class _Coalesced:
    """Evaluations already scheduled by this process, per (warehouse, SKU): when each will run.

    On the order path every order touches a few SKUs at one warehouse; evaluating each order's
    alerts would enqueue one task per order (a row written, then a worker's eight queries). With
    a backend that can defer, an evaluation is scheduled ``delay`` seconds ahead instead, and a
    pair already covered by a scheduled evaluation that will run at least ``MARGIN`` seconds from
    now (after this transaction, which has just committed) is not scheduled again. When a
    warehouse needs a new evaluation, it covers every SKU moved there in the last ``RECENT``
    seconds, not only the new ones: the SKUs of the next orders are then covered already, so
    busy ordering schedules about one task per warehouse and ``delay`` seconds (scheduling only
    the uncovered SKUs enqueued a task for most orders, as each brought a SKU the last task had
    not named). An alert is raised at most ``delay`` seconds late; the daily check catches
    anything missed (a process killed with evaluations scheduled only in its memory loses
    nothing: the tasks are rows already)."""

    MARGIN = 1.0
    RECENT = 120.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.runs_at: dict[tuple[str, int, int], float] = {}
        self.moved: dict[tuple[str, int], dict[int, float]] = {}  # (alias, warehouse) -> SKU -> when last moved

    def enqueue(self, task, by_warehouse: dict[int, set[int]], delay: float) -> None:
        alias, now = transaction.get_connection().alias, time.monotonic()
        with self.lock:
            if len(self.runs_at) > 100_000:
                self.runs_at = {k: t for k, t in self.runs_at.items() if t > now}
            due = {}
            for warehouse_id, sku_ids in by_warehouse.items():
                moved = self.moved.setdefault((alias, warehouse_id), {})
                moved.update(dict.fromkeys(sku_ids, now))
                if all(self.runs_at.get((alias, warehouse_id, s), 0) >= now + self.MARGIN for s in sku_ids):
                    continue
                recent = {s: t for s, t in moved.items() if t >= now - self.RECENT}
                self.moved[(alias, warehouse_id)] = recent
                due[warehouse_id] = sorted(recent)
                for sku_id in recent:
                    self.runs_at[(alias, warehouse_id, sku_id)] = now + delay
        run_after = timezone.now() + timedelta(seconds=delay)
        for warehouse_id, sku_ids in sorted(due.items()):
            task.using(run_after=run_after).enqueue(warehouse_id, sku_ids)


_coalesced = _Coalesced()


def alerts_on_commit(pairs: Iterable[tuple[int, int]]) -> None:
    """Have the alerts of these (warehouse, SKU) pairs evaluated once the current transaction
    commits: one ``tasks.evaluate_stock_alerts`` per warehouse touched, however many movements the
    transaction posts. A task, not inline: the evaluation takes about eight queries (about 11 ms
    on PostgreSQL here) against a 2 ms budget on the order path (docs/inventory.md). An enqueue
    that fails is logged and never fails the movement (``robust=True``); if a savepoint holding
    the flush is rolled back, the next movement registers a new one."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_distra_alert_pending", None)
    if not connection.in_atomic_block:
        pending = _Pending()
    elif pending is None or not any(func == pending.flush for _, func, _ in connection.run_on_commit):
        pending = connection._distra_alert_pending = _Pending()
        transaction.on_commit(pending.flush, robust=True)
    pending.pairs.update(pairs)
    if not connection.in_atomic_block:
        pending.flush()


def stock_alerts_check_all(*, today: date | None = None) -> dict:
    """Evaluate every (warehouse, SKU) that has a balance row or an unresolved alert: the daily
    check for what time alone changes. Returns how many alerts were raised and resolved."""
    pairs = set(StockBalance.objects.values_list("warehouse_id", "sku_id").distinct())
    pairs |= set(StockAlert.objects.filter(status__in=UNRESOLVED).values_list("warehouse_id", "sku_id").distinct())
    by_warehouse: dict[int, set[int]] = {}
    for warehouse_id, sku_id in pairs:
        by_warehouse.setdefault(warehouse_id, set()).add(sku_id)
    raised = resolved = 0
    for warehouse_id, sku_ids in sorted(by_warehouse.items()):
        changes = stock_alerts_evaluate(warehouse_id=warehouse_id, sku_ids=sku_ids, today=today)
        raised, resolved = raised + len(changes.raised), resolved + len(changes.resolved)
    return {"raised": raised, "resolved": resolved}
