"""Every write to the stock ledger, the balances and the reservations (the only module that does).

Each service runs in one ``transaction.atomic()``, re-checks the acting user's permission and the
warehouse's scope, locks the balance rows it touches in primary-key order
(``select_for_update(of=("self",))``; SQLite takes its single write lock up front instead), then
changes quantities with F() expressions or an UPDATE guarded by ``on_hand - reserved >= n``, never
read-modify-write in Python. A post carries a unique ``source_key``: posting the same key again
returns the first move and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from distra.catalog.models import SKU
from distra.core.errors import Conflict, DomainError, FieldProblem, NotFound, ValidationFailed
from distra.core.money import to_base_units
from distra.core.permissions import require_perm
from distra.core.scoping import confirm_in_scope, confirmed_in_scope
from distra.core.sql import execute, from_row, insert
from distra.inventory.choices import AdjustmentReason, MoveKind
from distra.inventory.domain import BatchStock, VarianceLine, count_variance, fefo_pick
from distra.inventory.models import Batch, StockBalance, StockMove, StockReservation
from distra.inventory.services_alerts import alerts_on_commit
from distra.partners.choices import WarehouseKind
from distra.partners.models import Warehouse

MOVE_PERM = "inventory.add_stockmove"
RESERVE_PERM = "inventory.add_stockreservation"
MAX_QUANTITY = 10**12  # base units in one move; far above any real one, far below the column's limit


class InvalidQuantity(DomainError):
    def __init__(self, message: str = "The quantity must be a whole number of units above zero."):
        super().__init__(message=message, code="invalid_quantity", status=422,
                         fields={"quantity": [FieldProblem("invalid_quantity", message)]})


class InsufficientStock(Conflict):
    def __init__(self, message: str = "Not enough stock available."):
        super().__init__(message, code="insufficient_stock")


# Quantities, scope and keys ------------------------------------------------------------------------

def base_quantity(*, sku: SKU, quantity: int | None = None, cases: int = 0, units: int = 0, signed: bool = False) -> int:
    """The quantity in base units, given as ``quantity`` or as ``cases`` + ``units``. Zero,
    fractions and (unless ``signed``) negatives are an ``invalid_quantity`` 422."""
    if quantity is not None and (cases or units):
        raise InvalidQuantity("Give the quantity in base units, or in cases and units; not both.")
    parts = [quantity] if quantity is not None else [cases, units]
    if any(isinstance(p, bool) or not isinstance(p, int) for p in parts):
        raise InvalidQuantity()
    if quantity is None:
        if cases * units < 0:
            raise InvalidQuantity("Cases and units must have the same sign.")
        quantity = to_base_units(cases=cases, units=units, units_per_case=sku.units_per_case)
    if quantity == 0 or (quantity < 0 and not signed) or abs(quantity) > MAX_QUANTITY:
        raise InvalidQuantity()
    return quantity


def _warehouse_in_scope(by, warehouse: Warehouse) -> Warehouse:
    if confirmed_in_scope(by, Warehouse, warehouse.pk):
        return warehouse
    if not Warehouse.objects.for_user(by).filter(pk=warehouse.pk).exists():
        raise NotFound(f"No warehouse with id {warehouse.pk}.")
    confirm_in_scope(by, Warehouse, warehouse.pk)
    return warehouse


def _not_quarantine(warehouse: Warehouse) -> None:
    """Stock in quarantine is damaged: nothing is reserved or allocated from it (409)."""
    if warehouse.kind == WarehouseKind.QUARANTINE:
        raise Conflict(f"{warehouse.code} is a quarantine warehouse; its stock cannot be reserved.", code="warehouse_not_sellable")


def _check_batch(sku: SKU, batch: Batch) -> None:
    if batch.sku_id != sku.pk:
        raise ValidationFailed({"batch": [FieldProblem("batch_of_another_sku", f"Batch {batch.batch_number} is not of {sku.code}.")]})


def _source_key(kind: str, source_key: str | None, source_type: str, source_id: str, source_line: int, batch: Batch) -> str:
    if source_key:
        return source_key
    if source_id:
        return f"{source_type}:{source_id}:{source_line}:{batch.pk}:{kind}"
    return f"{kind}:{uuid.uuid4().hex}"


# Locking and the two ways a balance changes --------------------------------------------------------

def _lock_balances(positions: list[tuple[int, int, int]]) -> dict[tuple[int, int, int], StockBalance]:
    """Create the missing balance rows, then lock all of them in primary-key order (the one order
    every service locks in, so two services never wait on each other in a cycle)."""
    where = Q()
    for w, s, b in positions:
        where |= Q(warehouse_id=w, sku_id=s, batch_id=b)
    locking = StockBalance.objects.select_for_update(of=("self",)).filter(where).order_by("pk")
    rows = {(r.warehouse_id, r.sku_id, r.batch_id): r for r in locking}
    if len(rows) < len(set(positions)):
        # A racing twin may insert the same row: ON CONFLICT DO NOTHING, then lock them all again.
        missing = [StockBalance(warehouse_id=w, sku_id=s, batch_id=b) for w, s, b in set(positions) - set(rows)]
        StockBalance.objects.bulk_create(missing, ignore_conflicts=True)
        rows = {(r.warehouse_id, r.sku_id, r.batch_id): r for r in locking.all()}
    return rows


@transaction.atomic
def stock_positions_lock(*, positions: Sequence[tuple[int, int, int]]) -> None:
    """Lock the balance rows of these (warehouse id, SKU id, batch id) positions, creating the
    missing ones, in primary-key order: for a service that posts several moves in one
    transaction, so that the later posts find their rows locked already and no two services
    ever wait on each other in a cycle. Hold an open transaction around it (the locks last until
    it ends)."""
    if positions:
        _lock_balances(list(positions))


def _add_on_hand(balance: StockBalance, quantity: int) -> None:
    """Change on hand by a signed ``quantity``; a decrease never takes it below what is reserved."""
    rows = StockBalance.objects.filter(pk=balance.pk)
    if quantity < 0:
        rows = rows.filter(on_hand__gte=F("reserved") - quantity)
    if not rows.update(on_hand=F("on_hand") + quantity, updated_at=timezone.now()):
        raise InsufficientStock(f"Only {_available(balance)} of batch {balance.batch_id} are available; {-quantity} asked.")


def _available(balance: StockBalance) -> int:
    balance.refresh_from_db(fields=["on_hand", "reserved"])
    return balance.on_hand - balance.reserved


def _post(*, by, warehouse: Warehouse, sku: SKU, batch: Batch, quantity: int, kind: str, key: str, **fields) -> StockMove:
    """Lock the balance, then write the move and change the balance in this transaction. The
    existing move is returned (nothing written) if ``key`` was posted before."""
    balance = _lock_balances([(warehouse.pk, sku.pk, batch.pk)])[(warehouse.pk, sku.pk, batch.pk)]
    existing = StockMove.objects.filter(source_key=key).first()  # after the lock: a racing twin has committed
    if existing is not None:
        existing.replayed = True
        return existing
    try:
        with transaction.atomic():  # a twin on another position can only be caught by the unique key
            _add_on_hand(balance, quantity)
            move = StockMove.objects.create(
                warehouse=warehouse, sku=sku, batch=batch, quantity=quantity, kind=kind, source_key=key, user=by, **fields
            )
    except IntegrityError:
        existing = StockMove.objects.filter(source_key=key).first()
        if existing is None:
            raise
        existing.replayed = True
        return existing
    move.replayed = False
    alerts_on_commit([(warehouse.pk, sku.pk)])
    return move


def _position(move: StockMove) -> tuple[int, int, int]:
    return (move.warehouse_id, move.sku_id, move.batch_id)


def _transfer_positions(transfer: StockMove) -> list[tuple[int, int, int]]:
    return [_position(transfer), (transfer.counterpart_warehouse_id, transfer.sku_id, transfer.batch_id)]


# Services ------------------------------------------------------------------------------------------

@transaction.atomic
def batch_ensure(*, by, sku: SKU, batch_number: str, manufactured_on: date, expires_on: date) -> Batch:
    """The batch ``batch_number`` of ``sku``, created if new; a known number with other dates is a 422."""
    require_perm(by, "inventory.add_batch")
    if not batch_number or expires_on <= manufactured_on:
        raise ValidationFailed({"expires_on": [FieldProblem("expires_before_made", "A batch expires after it is made.")]})
    try:
        with transaction.atomic():
            batch, _ = Batch.objects.get_or_create(
                sku=sku, batch_number=batch_number, defaults={"manufactured_on": manufactured_on, "expires_on": expires_on}
            )
    except IntegrityError:  # created by a concurrent receipt between our read and insert
        batch = Batch.objects.get(sku=sku, batch_number=batch_number)
    if (batch.manufactured_on, batch.expires_on) != (manufactured_on, expires_on):
        raise ValidationFailed({"batch_number": [FieldProblem("batch_dates_differ", f"Batch {batch_number} is known with other dates.")]})
    return batch


@transaction.atomic
def stock_receive(
    *, by, warehouse: Warehouse, sku: SKU, batch: Batch, quantity: int | None = None, cases: int = 0, units: int = 0,
    kind: str = MoveKind.RECEIPT, source_key: str | None = None, source_type: str = "", source_id: str = "",
    source_line: int = 0, note: str = "",
) -> StockMove:
    """Post stock coming in (a receipt, an opening balance or a customer return). Locks the
    balance row of (warehouse, sku, batch)."""
    require_perm(by, MOVE_PERM)
    if kind not in (MoveKind.RECEIPT, MoveKind.OPENING, MoveKind.RETURN_SALEABLE, MoveKind.RETURN_DAMAGED):
        raise ValidationFailed({"kind": [FieldProblem("invalid_choice", f"{kind} is not a kind of receipt.")]})
    _warehouse_in_scope(by, warehouse)
    _check_batch(sku, batch)
    qty = base_quantity(sku=sku, quantity=quantity, cases=cases, units=units)
    key = _source_key(kind, source_key, source_type, source_id, source_line, batch)
    return _post(by=by, warehouse=warehouse, sku=sku, batch=batch, quantity=qty, kind=kind, key=key,
                 source_type=source_type, source_id=source_id, source_line=source_line, note=note)


@transaction.atomic
def stock_receipt_post(*, by, sku: SKU, batch_number: str, manufactured_on: date, expires_on: date, **receipt) -> StockMove:
    """Receive stock into the batch ``batch_number`` of ``sku`` (created if new), all or nothing:
    a refused receipt leaves no new batch behind."""
    batch = batch_ensure(by=by, sku=sku, batch_number=batch_number, manufactured_on=manufactured_on, expires_on=expires_on)
    return stock_receive(by=by, sku=sku, batch=batch, **receipt)


@transaction.atomic
def stock_adjust(
    *, by, warehouse: Warehouse, sku: SKU, batch: Batch, reason: str, quantity: int | None = None, cases: int = 0,
    units: int = 0, source_key: str | None = None, source_type: str = "", source_id: str = "", source_line: int = 0,
    note: str = "",
) -> StockMove:
    """Post a signed adjustment with a reason. A decrease below what is available (on hand minus
    reserved) is refused with ``insufficient_stock`` and nothing is written. Locks the balance row."""
    require_perm(by, MOVE_PERM)
    if reason not in AdjustmentReason.values:
        raise ValidationFailed({"reason": [FieldProblem("invalid_choice", f"Give one of: {', '.join(AdjustmentReason.values)}.")]})
    _warehouse_in_scope(by, warehouse)
    _check_batch(sku, batch)
    qty = base_quantity(sku=sku, quantity=quantity, cases=cases, units=units, signed=True)
    key = _source_key(MoveKind.ADJUSTMENT, source_key, source_type, source_id, source_line, batch)
    return _post(by=by, warehouse=warehouse, sku=sku, batch=batch, quantity=qty, kind=MoveKind.ADJUSTMENT, key=key,
                 reason=reason, source_type=source_type, source_id=source_id, source_line=source_line, note=note)


@transaction.atomic
def stock_transfer(
    *, by, from_warehouse: Warehouse, to_warehouse: Warehouse, sku: SKU, batch: Batch, quantity: int | None = None,
    cases: int = 0, units: int = 0, source_key: str | None = None, note: str = "",
) -> StockMove:
    """Send stock to another warehouse: posts the transfer_out now; the stock is in transit until
    ``stock_transfer_receive`` posts the transfer_in. Locks the sending balance row."""
    require_perm(by, MOVE_PERM)
    _warehouse_in_scope(by, from_warehouse)
    _warehouse_in_scope(by, to_warehouse)
    if from_warehouse.pk == to_warehouse.pk:
        raise ValidationFailed({"to_warehouse": [FieldProblem("same_warehouse", "A transfer goes to another warehouse.")]})
    _check_batch(sku, batch)
    qty = base_quantity(sku=sku, quantity=quantity, cases=cases, units=units)
    key = _source_key(MoveKind.TRANSFER_OUT, source_key, "", "", 0, batch)
    return _post(by=by, warehouse=from_warehouse, sku=sku, batch=batch, quantity=-qty, kind=MoveKind.TRANSFER_OUT,
                 key=key, counterpart_warehouse=to_warehouse, note=note)


@transaction.atomic
def stock_transfer_receive(*, by, transfer: StockMove) -> StockMove:
    """Receive an in-transit transfer at its destination (the whole quantity). Receiving it again
    returns the first receipt. Locks the destination balance row."""
    require_perm(by, MOVE_PERM)
    if transfer.kind != MoveKind.TRANSFER_OUT or transfer.reverses_id is not None:
        raise Conflict("Only a transfer out can be received.", code="not_a_transfer")
    destination = _warehouse_in_scope(by, transfer.counterpart_warehouse)
    _lock_balances(_transfer_positions(transfer))  # both ends: a racing cancel waits for us
    if StockMove.objects.filter(reverses=transfer).exists():
        raise Conflict("This transfer was cancelled.", code="transfer_cancelled")
    return _post(by=by, warehouse=destination, sku=transfer.sku, batch=transfer.batch, quantity=-transfer.quantity,
                 kind=MoveKind.TRANSFER_IN, key=f"receive:{transfer.pk}", transfer_out=transfer,
                 counterpart_warehouse=transfer.warehouse)


@transaction.atomic
def stock_move_reverse(*, by, move: StockMove, note: str = "") -> StockMove:
    """Post the move that cancels ``move`` (same kind and reason, opposite quantity, pointing at
    it). Reversing twice returns the first reversal. A reversal is not itself reversible, nor is a
    received transfer (transfer it back instead). Locks the balance row of the move."""
    require_perm(by, MOVE_PERM)
    _warehouse_in_scope(by, move.warehouse)
    _lock_balances(_transfer_positions(move) if move.kind == MoveKind.TRANSFER_OUT else [_position(move)])
    if move.reverses_id is not None:
        raise Conflict("A reversal cannot be reversed; post a new move.", code="not_reversible")
    if move.kind == MoveKind.TRANSFER_IN or (move.kind == MoveKind.TRANSFER_OUT and StockMove.objects.filter(transfer_out=move).exists()):
        raise Conflict("A received transfer cannot be reversed; transfer the stock back.", code="not_reversible")
    return _post(by=by, warehouse=move.warehouse, sku=move.sku, batch=move.batch, quantity=-move.quantity, kind=move.kind,
                 key=f"reverse:{move.pk}", reverses=move, reason=move.reason, counterpart_warehouse=move.counterpart_warehouse,
                 source_type=move.source_type, source_id=move.source_id, source_line=move.source_line, note=note)


@transaction.atomic
def stock_reserve(
    *, by, warehouse: Warehouse, sku: SKU, batch: Batch, quantity: int, source_key: str
) -> StockReservation:
    """Reserve ``quantity`` of a batch for a document line: an open reservation row plus
    ``reserved += quantity`` guarded by ``on_hand - reserved >= quantity`` (else
    ``insufficient_stock``, nothing written). The same ``source_key`` again returns the first
    reservation. A quarantine warehouse is a 409 ``warehouse_not_sellable``. Locks the balance row."""
    require_perm(by, RESERVE_PERM)
    _warehouse_in_scope(by, warehouse)
    _not_quarantine(warehouse)
    _check_batch(sku, batch)
    qty = base_quantity(sku=sku, quantity=quantity)
    balance = _lock_balances([(warehouse.pk, sku.pk, batch.pk)])[(warehouse.pk, sku.pk, batch.pk)]
    existing = StockReservation.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            guarded = StockBalance.objects.filter(pk=balance.pk, on_hand__gte=F("reserved") + qty)
            if not guarded.update(reserved=F("reserved") + qty, updated_at=timezone.now()):
                raise InsufficientStock(f"Only {_available(balance)} of batch {batch.batch_number} are available; {qty} asked.")
            reservation = StockReservation.objects.create(warehouse=warehouse, sku=sku, batch=batch, quantity=qty, source_key=source_key, user=by)
        alerts_on_commit([(warehouse.pk, sku.pk)])
        return reservation
    except IntegrityError:  # the same key reserved concurrently on another position
        existing = StockReservation.objects.filter(source_key=source_key).first()
        if existing is None:
            raise
        return existing


def _whole_units(quantity, *, allow_zero: bool) -> int:
    """``quantity`` if it is a whole number of units (zero too when ``allow_zero``), else a 422."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0 or (quantity == 0 and not allow_zero):
        raise InvalidQuantity()
    return quantity


def _lock_reservation(reservation: StockReservation) -> tuple[StockBalance, StockReservation]:
    """Lock the reservation's balance row, then the reservation itself (always in this order), and
    return both as they are now."""
    position = (reservation.warehouse_id, reservation.sku_id, reservation.batch_id)
    balance = _lock_balances([position])[position]
    current = StockReservation.objects.select_for_update(of=("self",)).get(pk=reservation.pk)
    return balance, current


@transaction.atomic
def stock_release(*, by, reservation: StockReservation, quantity: int | None = None) -> StockReservation:
    """Give reserved stock back to available stock: the whole reservation (``quantity`` None: it
    is closed), or part of it (its quantity and the balance's reserved both drop by ``quantity``;
    releasing all of it closes it). Releasing a closed reservation changes nothing; a partial
    release is not retry-safe (each call releases again), a whole one is. More than is reserved is
    ``invalid_quantity``. Locks the balance row, then the reservation."""
    require_perm(by, RESERVE_PERM)
    _warehouse_in_scope(by, reservation.warehouse)
    if quantity is not None:
        _whole_units(quantity, allow_zero=False)
    balance, current = _lock_reservation(reservation)
    if current.is_open:
        if quantity is not None and quantity > current.quantity:
            raise InvalidQuantity(f"Only {current.quantity} are reserved; {quantity} cannot be released.")
        released = current.quantity if quantity is None else quantity
        now = timezone.now()
        if released == current.quantity:
            StockReservation.objects.filter(pk=current.pk).update(is_open=False, closed_at=now)
        else:
            StockReservation.objects.filter(pk=current.pk).update(quantity=F("quantity") - released)
        StockBalance.objects.filter(pk=balance.pk).update(reserved=F("reserved") - released, updated_at=now)
        alerts_on_commit([(current.warehouse_id, current.sku_id)])
    reservation.refresh_from_db()
    return reservation


@transaction.atomic
def stock_issue_reserved(
    *, by, reservation: StockReservation, quantity: int, source_type: str = "", source_id: str = "",
    source_line: int = 0, note: str = "",
) -> StockMove | None:
    """Deliver reserved stock: post a sale_issue of ``-quantity`` (0 <= quantity <= the
    reservation's quantity; 0 posts no move) for the reservation's position, close the
    reservation, and in one guarded F() update lower reserved by the reservation's quantity and
    on hand by ``quantity`` (what is not delivered goes back to available stock). Idempotent: the
    move's source key is ``issue:<reservation id>``; issuing a closed reservation again returns
    that move (or None) and changes nothing. Needs the reserve permission (whoever may reserve and
    release an order's stock also delivers it). Locks the balance row, then the reservation."""
    require_perm(by, RESERVE_PERM)
    _warehouse_in_scope(by, reservation.warehouse)
    _whole_units(quantity, allow_zero=True)
    key = f"issue:{reservation.pk}"
    balance, current = _lock_reservation(reservation)
    if not current.is_open:
        reservation.refresh_from_db()
        move = StockMove.objects.filter(source_key=key).first()
        if move is not None:
            move.replayed = True
        return move
    if quantity > current.quantity:
        raise InvalidQuantity(f"Only {current.quantity} are reserved; {quantity} cannot be issued.")
    now = timezone.now()
    StockReservation.objects.filter(pk=current.pk).update(is_open=False, closed_at=now)
    guarded = StockBalance.objects.filter(pk=balance.pk, reserved__gte=current.quantity, on_hand__gte=quantity)
    if not guarded.update(reserved=F("reserved") - current.quantity, on_hand=F("on_hand") - quantity, updated_at=now):
        raise InsufficientStock(f"The balance of batch {current.batch_id} no longer holds this reservation.")
    move = None
    if quantity:
        move = StockMove.objects.create(
            warehouse_id=current.warehouse_id, sku_id=current.sku_id, batch_id=current.batch_id, quantity=-quantity,
            kind=MoveKind.SALE_ISSUE, source_key=key, source_type=source_type, source_id=source_id,
            source_line=source_line, note=note, user=by,
        )
        move.replayed = False
    alerts_on_commit([(current.warehouse_id, current.sku_id)])
    reservation.refresh_from_db()
    return move


class UnknownBatch(DomainError):
    def __init__(self, problems: list[FieldProblem]):
        super().__init__(message="A counted batch does not exist.", code="unknown_batch", status=422, fields={"counted": problems})


def _count_batches(counted: Mapping[int, int]) -> dict[int, Batch]:
    """The counted batches; an unknown batch is ``unknown_batch`` (422), a count that is not a
    whole number of zero or more ``validation_error`` (422)."""
    batches = Batch.objects.select_related("sku").in_bulk(list(counted))
    unknown = [FieldProblem("not_found", f"No batch with id {b}.") for b in counted if b not in batches]
    if unknown:
        raise UnknownBatch(unknown)
    problems = [FieldProblem("invalid_quantity", f"Batch {b}: a count is a whole number, zero or more.")
                for b, q in counted.items() if isinstance(q, bool) or not isinstance(q, int) or q < 0]
    if problems:
        raise ValidationFailed({"counted": problems})
    return batches


def stock_count_preview(*, by, warehouse: Warehouse, counted: Mapping[int, int]) -> list[VarianceLine]:
    """The variance report ``stock_count_post`` would post, without posting (a dry run): same
    checks, no locks, nothing written."""
    require_perm(by, MOVE_PERM)
    _warehouse_in_scope(by, warehouse)
    _count_batches(counted)
    book = dict(StockBalance.objects.filter(warehouse=warehouse, batch_id__in=list(counted)).values_list("batch_id", "on_hand"))
    return count_variance(book=book, counted=counted)


@transaction.atomic
def stock_count_post(*, by, warehouse: Warehouse, counted: Mapping[int, int], source_key: str | None = None) -> list[VarianceLine]:
    """Post a physical count of ``warehouse``: ``counted`` maps batch ids to counted base units.
    Each difference from the books becomes a count_variance adjustment; returns the variance
    report. An unknown batch is ``unknown_batch`` (422), a negative count a 422; a count below
    what is reserved is ``insufficient_stock``; in each case nothing is written. Locks the counted
    balance rows in primary-key order. With a ``source_key``, posting the same count again writes
    nothing and returns the first posting's report (book = counted - what was posted)."""
    require_perm(by, MOVE_PERM)
    _warehouse_in_scope(by, warehouse)
    batches = _count_batches(counted)
    positions = [(warehouse.pk, batches[b].sku_id, b) for b in sorted(counted)]
    locked = _lock_balances(positions)
    key = source_key or f"count:{uuid.uuid4().hex}"
    if source_key:
        # A repeat of a posted count (a retry, a double tap; its twin held these locks until it
        # committed): post nothing and answer the first posting's variances, as the ledger holds them.
        posted = dict(StockMove.objects.filter(source_key__in=[f"{key}:{b}" for b in sorted(counted)])
                      .values_list("batch_id", "quantity"))
        if posted:
            return count_variance(book={b: counted[b] - posted.get(b, 0) for b in counted}, counted=counted)
    report = count_variance(book={p[2]: locked[p].on_hand for p in positions}, counted=counted)
    for line in report:
        if line.difference:
            batch = batches[line.batch_id]
            stock_adjust(by=by, warehouse=warehouse, sku=batch.sku, batch=batch, reason=AdjustmentReason.COUNT_VARIANCE,
                         quantity=line.difference, source_key=f"{key}:{line.batch_id}")
    return report


@dataclass(frozen=True)
class AllocationRequest:
    """Reserve up to ``quantity`` of ``sku_id``; each reservation's source key is ``key:<batch id>``."""

    sku_id: int
    quantity: int
    key: str


def _reserve_guarded(added: Mapping[int, int]) -> None:
    """``reserved += n`` for each balance id → n in one UPDATE, each row guarded by
    ``on_hand >= reserved + n``; refuses (nothing changed: the caller's transaction rolls back)
    unless every row was updated. Under the caller's row locks it cannot fall short; the guard
    keeps the rule in the statement itself."""
    table = connection.ops.quote_name(StockBalance._meta.db_table)
    rows = sorted(added.items())
    values = ", ".join(["(%s, %s)"] * len(rows))
    sql = (f"UPDATE {table} SET reserved = {table}.reserved + v.column2, updated_at = %s "  # noqa: S608 (no user text)
           f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1 AND {table}.on_hand >= {table}.reserved + v.column2")
    if execute(sql, [timezone.now(), *[x for row in rows for x in row]], fetch=False) != len(rows):
        raise InsufficientStock()


@dataclass(frozen=True)
class _Candidate:
    balance_id: int
    batch_id: int
    sku_id: int
    expires_on: date
    available: int
    batch_number: str

    def batch(self) -> Batch:
        """The batch as a (partly loaded) row: only for a candidate that is reserved from."""
        return from_row(Batch, ["id", "sku_id", "batch_number", "expires_on"], [self.batch_id, self.sku_id, self.batch_number, self.expires_on])


def _lock_candidates(warehouse_id: int, sku_ids: list[int], earliest_expiry: date) -> dict[int, list[_Candidate]]:
    """The balances of ``sku_ids`` at the warehouse with stock free to reserve in batches expiring
    on or after ``earliest_expiry``, per SKU, each with its batch (number and expiry: what an
    allocation shows). Locks those balance rows in primary-key order, in one statement (on
    PostgreSQL; SQLite's IMMEDIATE transaction holds the whole database)."""
    quote = connection.ops.quote_name
    balances, batches = quote(StockBalance._meta.db_table), quote(Batch._meta.db_table)
    lock = " FOR UPDATE OF b" if connection.features.has_select_for_update_of else ""
    sql = (f"SELECT b.id, b.sku_id, b.batch_id, b.on_hand - b.reserved, t.batch_number, t.expires_on "  # noqa: S608 (no user text)
           f"FROM {balances} b JOIN {batches} t ON t.id = b.batch_id "
           f"WHERE b.warehouse_id = %s AND b.sku_id IN ({', '.join(['%s'] * len(sku_ids))}) AND b.on_hand > b.reserved "
           f"AND t.expires_on >= %s ORDER BY b.id{lock}")
    rows = execute(sql, [warehouse_id, *sku_ids, earliest_expiry])
    by_sku: dict[int, list[_Candidate]] = {}
    for balance_id, sku_id, batch_id, available, number, expires_on in rows:
        if not isinstance(expires_on, date):  # SQLite answers text
            expires_on = date.fromisoformat(expires_on)
        by_sku.setdefault(sku_id, []).append(_Candidate(balance_id, batch_id, sku_id, expires_on, available, number))
    return by_sku


def stock_allocate(
    *, by, warehouse: Warehouse, requests: Sequence[AllocationRequest], earliest_expiry: date
) -> dict[str, list[StockReservation]]:
    """Reserve stock for several document lines at once, first expiry first out (``fefo_pick``):
    never a batch expiring before ``earliest_expiry``, splitting a line across batches where
    needed, and reserving less than asked (possibly nothing) where stock is short. Returns the new
    reservations per request key. Locks every candidate balance row of the requested SKUs at the
    warehouse in primary-key order in one statement, then reserves with guarded updates; the
    unique source keys make a second call for the same keys fail rather than reserve twice. A
    quarantine warehouse is a 409 ``warehouse_not_sellable`` (damaged stock is never sold).

    Its transaction is the caller's when there is one, without a savepoint of its own (two
    statements less on every order): the refusals above come before it starts, and a failure
    inside it leaves the caller's transaction to roll back."""
    require_perm(by, RESERVE_PERM)
    _warehouse_in_scope(by, warehouse)
    _not_quarantine(warehouse)
    if any(request.quantity <= 0 for request in requests):
        raise InvalidQuantity()
    return _allocate(by=by, warehouse=warehouse, requests=requests, earliest_expiry=earliest_expiry)


@transaction.atomic(savepoint=False)
def _allocate(*, by, warehouse: Warehouse, requests: Sequence[AllocationRequest], earliest_expiry: date):
    by_sku = _lock_candidates(warehouse.pk, sorted({r.sku_id for r in requests}), earliest_expiry)
    free = {c.balance_id: c.available for rows in by_sku.values() for c in rows}
    result, new, added = {}, [], {}
    for request in requests:
        candidates = {c.batch_id: c for c in by_sku.get(request.sku_id, [])}
        stock = [BatchStock(c.batch_id, c.expires_on, free[c.balance_id]) for c in candidates.values()]
        result[request.key] = []
        for batch_id, quantity in fefo_pick(stock, request.quantity, earliest_expiry=earliest_expiry):
            candidate = candidates[batch_id]
            free[candidate.balance_id] -= quantity
            added[candidate.balance_id] = added.get(candidate.balance_id, 0) + quantity
            reservation = StockReservation(warehouse=warehouse, sku_id=request.sku_id, batch=candidate.batch(), quantity=quantity,
                                           source_key=f"{request.key}:{batch_id}", user=by)
            new.append(reservation)
            result[request.key].append(reservation)
    if added:
        _reserve_guarded(added)
        insert(new)
    alerts_on_commit([(warehouse.pk, r.sku_id) for r in new])
    return result
