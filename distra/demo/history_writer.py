"""Write a planned history (distra.demo.history_plan) in bulk: batches, delivered orders with their
lines and a compact event trail, and the stock moves with their balances (inventory.history).

Not through the order services: 30,000 orders one service call at a time would take many minutes.
The rows are what those services would leave behind for an order that went all the way to
delivery: status delivered, lines allocated = delivered (a stockout's shortfall cancelled),
timestamps submitted ≤ approved ≤ allocated ≤ invoiced ≤ dispatched ≤ delivered, a ``created``
event and a ``delivered`` status event (the steps between are compacted into its detail), a sale
issue per line and batch at the delivery time, and per line and batch an allocation holding a
reservation that opened at allocation and closed (issued) at delivery, so an order's batches are on
its allocations as on a live order's, and reserved (the open reservations) is untouched.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from distra.accounts.models import User
from distra.catalog.models import SKU
from distra.core.bulk import insert_rows, reset_sequences
from distra.demo.history_plan import HistoryPlan, OrderPlan
from distra.inventory.history import (
    HistoricMove,
    HistoricReservation,
    history_post,
    history_reservations_post,
)
from distra.inventory.models import Batch
from distra.orders.domain import line_amounts
from distra.orders.models import Order, OrderAllocation, OrderEvent, OrderLine
from distra.partners.models import Distributor, Outlet, Warehouse

ORDER_FIELDS = ("id", "outlet_id", "distributor_id", "warehouse_id", "status", "channel", "created_by_id", "idempotency_key",
                "request_hash", "awaiting_stock", "note", "gross", "discount", "net", "tax", "total", "submitted_at",
                "approved_at", "allocated_at", "invoiced_at", "dispatched_at", "delivered_at", "cancel_reason",
                "dispatch_note", "created_at", "updated_at")
LINE_FIELDS = ("id", "order_id", "line_no", "sku_id", "quantity", "unit_price", "discount_pct", "tax_rate", "gross", "discount",
               "net", "tax", "total", "allocated", "cancelled", "backordered", "delivered", "returned", "shortfall_reason",
               "created_at", "updated_at")
ALLOCATION_FIELDS = ("line_id", "batch_id", "quantity", "reservation_id", "delivered", "created_at", "updated_at")
EVENT_FIELDS = ("order_id", "kind", "from_status", "to_status", "user_id", "channel", "detail", "created_at", "updated_at")
COMPACTED = {"history": True, "steps": ["submitted", "approved", "allocated", "invoiced", "dispatched", "delivered"]}


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


class _Ids:
    """The database ids of the planned codes."""

    def __init__(self):
        self.sku = {code: (pk, price, tax) for code, pk, price, tax in SKU.objects.values_list("code", "id", "base_price", "tax_rate")}
        self.warehouse = dict(Warehouse.objects.values_list("code", "id"))
        self.outlet = dict(Outlet.objects.values_list("code", "id"))
        self.distributor = dict(Distributor.objects.values_list("code", "id"))
        users = User.objects.filter(distributor__isnull=False, role="distributor").order_by("id")
        self.taker = {}
        for distributor_code, user_id in users.values_list("distributor__code", "id"):
            self.taker.setdefault(distributor_code, user_id)
        self.batch: dict[tuple[str, str], int] = {}


def write_history(history: HistoryPlan, *, progress=None, before_stock=None) -> dict[str, int]:
    """Write ``history``; returns the counts written. Runs inside the caller's transaction.

    ``before_stock(moves, batches)``, when given, runs once the orders are written and before the
    stock is posted, with every planned move (receipts, adjustments, sale issues) and the batches
    (id → BatchSpec); it may grow a receipt in place (whole cases) and returns further sale issues and the (line id, reservation) their
    allocations hold (the free lines of the priced history, distra.demo.order_pricing), posted
    with the rest so the ledger's running balances are checked as one."""
    ids = _Ids()
    first_batch = _next_id(Batch)
    insert_rows(Batch, ("id", "sku_id", "batch_number", "manufactured_on", "expires_on", "created_at", "updated_at"), (
        (first_batch + i, ids.sku[b.sku_code][0], b.number, b.manufactured_on, b.expires_on, _made_at(b), _made_at(b))
        for i, b in enumerate(history.batches)
    ))
    ids.batch = {(b.sku_code, b.number): first_batch + i for i, b in enumerate(history.batches)}
    first_order, first_line = _next_id(Order), _next_id(OrderLine)
    lines, sales, held = _write_orders(history.orders, ids, first_order, first_line, progress)
    reset_sequences(Order, OrderLine)  # before_stock may add lines
    moves = [
        HistoricMove(ids.warehouse[m.warehouse_code], ids.sku[m.sku_code][0], ids.batch[(m.sku_code, m.batch_number)], m.quantity,
                     m.kind, m.at, m.key, source_type="demo", reason=m.reason)
        for m in history.moves
    ] + sales
    if before_stock is not None:
        more_moves, more_held = before_stock(moves, {ids.batch[(b.sku_code, b.number)]: b for b in history.batches})
        moves += more_moves
        held += more_held
    reservation_ids = history_reservations_post(reservations=[reservation for _line_id, reservation in held])
    insert_rows(OrderAllocation, ALLOCATION_FIELDS, (
        (line_id, r.batch_id, r.quantity, reservation_id, r.quantity, r.opened_at, r.closed_at)
        for (line_id, r), reservation_id in zip(held, reservation_ids, strict=True)
    ))
    posted = history_post(moves=moves, progress=progress)
    reset_sequences(Batch, Order, OrderLine)
    return {"batches": len(history.batches), "orders": len(history.orders), "order_lines": lines, "order_allocations": len(held),
            "stock_moves": posted.moves, "stock_balances": posted.balances}


def _made_at(batch):
    return datetime.combine(batch.manufactured_on, time(6), timezone.get_current_timezone())


def _write_orders(orders: list[OrderPlan], ids: _Ids, first_order: int, first_line: int,
                  progress) -> tuple[int, list[HistoricMove], list[tuple[int, HistoricReservation]]]:
    """Insert the orders, lines and events; return the line count, the sale issues and, per line
    and batch, the (line id, reservation) its allocation holds."""
    order_rows, line_rows, event_rows, sales, held = [], [], [], [], []
    amounts_cache: dict[tuple, object] = {}
    line_id = first_line
    for n, order in enumerate(orders):
        order_id = first_order + n
        warehouse_id = ids.warehouse[order.warehouse_code]
        approved, taker = order.placed_at + timedelta(seconds=2), ids.taker[order.distributor_code]
        totals = [0, 0, 0, 0]
        for line_no, line in enumerate(order.lines, start=1):
            sku_id, price, tax_rate = ids.sku[line.sku_code]
            key = (line.quantity, line.sku_code, line.discount_pct)
            amounts = amounts_cache.get(key)
            if amounts is None:
                amounts = amounts_cache[key] = line_amounts(quantity=line.quantity, unit_price=price, discount_pct=line.discount_pct,
                                                            tax_rate=tax_rate)
            totals = [totals[0] + amounts.gross, totals[1] + amounts.discount, totals[2] + amounts.net, totals[3] + amounts.tax]
            line_rows.append((line_id, order_id, line_no, sku_id, line.quantity, price, line.discount_pct, tax_rate, amounts.gross,
                              amounts.discount, amounts.net, amounts.tax, amounts.total, line.allocated,
                              line.quantity - line.allocated, 0, line.allocated, 0, "", order.placed_at, order.delivered_at))
            for batch_number, quantity in line.picks:
                batch_id = ids.batch[(line.sku_code, batch_number)]
                sales.append(HistoricMove(warehouse_id, sku_id, batch_id, -quantity, "sale_issue", order.delivered_at,
                                          f"order:{order_id}:{line_no}:{batch_id}:sale_issue", source_type="order",
                                          source_id=str(order_id), source_line=line_no))
                key = f"order-line:{order_id}:{line_no}:{batch_id}"
                held.append((line_id, HistoricReservation(warehouse_id, sku_id, batch_id, quantity, key, approved + timedelta(seconds=1),
                                                          order.delivered_at, taker)))
            line_id += 1
        channel = "mobile" if n % 3 else "web"
        order_rows.append((
            order_id, ids.outlet[order.outlet_code], ids.distributor[order.distributor_code], warehouse_id, "delivered", channel,
            taker, "", "", False, "", totals[0], totals[1], totals[2], totals[3], totals[2] + totals[3], order.placed_at,
            approved, approved + timedelta(seconds=1), order.invoiced_at, order.dispatched_at, order.delivered_at, "",
            f"Van {1 + n % 4}", order.placed_at, order.delivered_at,
        ))
        event_rows.append((order_id, "created", "", "draft", taker, channel, {}, order.placed_at, order.placed_at))
        event_rows.append((order_id, "status", "dispatched", "delivered", taker, "web", COMPACTED, order.delivered_at,
                           order.delivered_at))
    for model, fields, rows, desc in ((Order, ORDER_FIELDS, order_rows, "Writing orders"),
                                      (OrderLine, LINE_FIELDS, line_rows, "Writing order lines"),
                                      (OrderEvent, EVENT_FIELDS, event_rows, "Writing order events")):
        bar = progress(total=len(rows), desc=desc) if progress else None
        insert_rows(model, fields, rows, progress=bar)
        if bar is not None:
            bar.close()
    return len(line_rows), sales, held
