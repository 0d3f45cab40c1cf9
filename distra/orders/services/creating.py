"""Taking a new order: ``order_create`` (idempotent), on the path every order takes.

This is the busiest write of the system (field reps, distributors' desks and the API all land
here), so it is written to a budget: one statement reads what the order is taken against (the
outlet, its distributor, the warehouse, the order policy and the channel's minimum shelf life),
one reads the SKUs, and the order, its lines, allocations and events are each written once, in
their final state, with multi-row INSERTs (``distra.core.sql.insert``). docs/orders.md, "Taking
an order fast", has the statement budget and what each statement does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from distra.core.errors import DomainError, FieldProblem, NotFound, ValidationFailed
from distra.core.permissions import require_perm
from distra.core.scoping import confirm_in_scope, scope_for
from distra.core.sql import execute, from_row, insert, update
from distra.geography.models import GeoNode
from distra.orders.choices import EventKind, OrderChannel, OrderStatus
from distra.orders.models import MinShelfLife, Order, OrderLine, OrderPolicy
from distra.orders.services.ordering import (
    LineIn,
    _build_lines,
    _replay,
    _request_hash,
    _submit,
    record,
    set_totals,
)
from distra.orders.services.pricing import save_benefits
from distra.partners.choices import SELLING_WAREHOUSE_KINDS, DistributorStatus, OutletStatus
from distra.partners.models import Distributor, DistributorTerritory, Outlet, Warehouse
from distra.pricing import live
from distra.pricing.live import OutletRead
from distra.pricing.services.quoting import outlet_history_wanted

_OUTLET = ["id", "code", "name", "status", "channel", "territory_id", "distributor_id"]
_DISTRIBUTOR = ["id", "code", "status"]
_WAREHOUSE = ["id", "code", "name", "kind", "is_active", "distributor_id"]
_POLICY = ["id", "distributor_id", "shortfall_policy", "approval_value_above", "approval_discount_above", "auto_allocate"]


@dataclass(frozen=True)
class _Setting:
    """What an order is taken against, as one statement read it."""

    outlet: Outlet
    warehouse: Warehouse | None
    policy: OrderPolicy
    min_shelf_life_days: int | None
    served: bool  # the outlet's distributor serves the outlet's territory
    priced_as: OutletRead  # the outlet as a quote reads it (pricing: not read again)
    on: date  # the day ``priced_as`` was read for (its history's quarter)


def _columns(alias: str, model, names: list[str]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(model._meta.get_field(n).column)}" for n in names)


def _read_setting(outlet_id: int, warehouse_id: int | None) -> _Setting | None:
    """The outlet with its distributor, the warehouse (``warehouse_id``, else the distributor's
    first active selling warehouse), the distributor's order policy and the minimum shelf life
    of the outlet's channel: one statement, no locks."""
    quote = connection.ops.quote_name
    table = {m: quote(m._meta.db_table) for m in (Outlet, Distributor, Warehouse, OrderPolicy, MinShelfLife, DistributorTerritory, GeoNode)}
    kinds = ", ".join(["%s"] * len(SELLING_WAREHOUSE_KINDS))
    on, history = timezone.localdate(), outlet_history_wanted()
    pricing, pricing_params = live.outlet_columns(on, history=history)
    sql = (
        f"SELECT {_columns('o', Outlet, _OUTLET)}, {_columns('d', Distributor, _DISTRIBUTOR)}, "  # noqa: S608 (no user text)
        f"{_columns('w', Warehouse, _WAREHOUSE)}, {_columns('p', OrderPolicy, _POLICY)}, m.days, "
        f"EXISTS (SELECT 1 FROM {table[DistributorTerritory]} t WHERE t.distributor_id = o.distributor_id "
        f"AND t.territory_id = o.territory_id), {pricing} "
        f"FROM {table[Outlet]} o JOIN {table[Distributor]} d ON d.id = o.distributor_id "
        f"JOIN {table[GeoNode]} g ON g.id = o.territory_id "
        f"LEFT JOIN {table[Warehouse]} w ON w.id = COALESCE(%s, (SELECT x.id FROM {table[Warehouse]} x "
        f"WHERE x.distributor_id = o.distributor_id AND x.is_active AND x.kind IN ({kinds}) ORDER BY x.id LIMIT 1)) "
        f"LEFT JOIN {table[OrderPolicy]} p ON p.distributor_id = o.distributor_id "
        f"LEFT JOIN {table[MinShelfLife]} m ON m.channel = o.channel "
        f"WHERE o.id = %s"
    )
    rows = execute(sql, [*pricing_params, warehouse_id, *SELLING_WAREHOUSE_KINDS, outlet_id])
    if not rows:
        return None
    row = rows[0]
    cut = _cuts(row, [len(_OUTLET), len(_DISTRIBUTOR), len(_WAREHOUSE), len(_POLICY), 1, 1, len(row)])
    outlet = from_row(Outlet, _OUTLET, cut[0])
    outlet.distributor = from_row(Distributor, _DISTRIBUTOR, cut[1])
    warehouse = from_row(Warehouse, _WAREHOUSE, cut[2]) if cut[2][0] is not None else None
    if cut[3][0] is not None:
        policy = from_row(OrderPolicy, _POLICY, cut[3])
    else:
        policy = OrderPolicy(distributor_id=outlet.distributor_id, **getattr(settings, "DISTRA_ORDER_POLICY", {}))
    return _Setting(outlet=outlet, warehouse=warehouse, policy=policy, min_shelf_life_days=cut[4][0], served=bool(cut[5][0]),
                    priced_as=live.outlet_from_row(cut[6], history=history), on=on)


def _cuts(row, sizes: list[int]) -> list[tuple]:
    parts, start = [], 0
    for size in sizes:
        parts.append(row[start:start + size])
        start += size
    return parts


def _missing(model, pk: int, as_field: str | None) -> DomainError:
    """An outlet or warehouse that does not exist or is out of scope: a 404 for a row the caller
    named by object, a 422 on the field for an id from a request body."""
    if as_field:
        return ValidationFailed({as_field: [FieldProblem("not_found", f"No {model._meta.verbose_name} with id {pk} in your scope.")]})
    return NotFound(f"No {model._meta.verbose_name} with id {pk}.")


def _check_outlet(by, setting: _Setting | None, outlet_id: int, by_id: bool) -> Outlet:
    scope = scope_for(by)
    if setting is None or not Outlet.scope_contains(scope, distributor_id=setting.outlet.distributor_id,
                                                     territory_id=setting.outlet.territory_id):
        raise _missing(Outlet, outlet_id, "outlet_id" if by_id else None)
    outlet = setting.outlet
    if outlet.status != OutletStatus.ACTIVE:
        raise ValidationFailed({"outlet": [FieldProblem("outlet_inactive", f"Outlet {outlet.code} is {outlet.status}; it cannot order.")]})
    if outlet.distributor.status != DistributorStatus.ACTIVE:
        raise ValidationFailed({"outlet": [FieldProblem(
            "distributor_not_active", f"The outlet's distributor {outlet.distributor.code} is {outlet.distributor.status}.")]})
    return outlet


def _check_warehouse(by, setting: _Setting, warehouse_id: int | None, by_id: bool) -> Warehouse:
    """The order's warehouse, in ``by``'s scope. A warehouse of the outlet's own distributor is
    in the scope of whoever sees the outlet when that distributor serves the outlet's territory
    (a distributor user sees its distributor's; others the distributors serving their
    territories); any other case asks the database."""
    warehouse, outlet = setting.warehouse, setting.outlet
    if warehouse_id is None:
        if warehouse is None:
            raise ValidationFailed({"warehouse": [FieldProblem("no_warehouse", "The distributor has no active warehouse.")]})
    else:
        own = warehouse is not None and warehouse.distributor_id == outlet.distributor_id
        scope = scope_for(by)
        visible = own and (scope.everything or scope.distributor_id is not None or setting.served)
        if warehouse is not None and not visible:
            visible = Warehouse.objects.for_user(by).filter(pk=warehouse_id).exists()
        if not visible:
            raise _missing(Warehouse, warehouse_id, "warehouse_id" if by_id else None)
        if not own or not warehouse.is_active or warehouse.kind not in SELLING_WAREHOUSE_KINDS:
            raise ValidationFailed({"warehouse": [FieldProblem(
                "warehouse_not_of_distributor",
                f"Warehouse {warehouse.code} is not an active selling warehouse of the outlet's distributor.")]})
    confirm_in_scope(by, Warehouse, warehouse.pk)
    return warehouse


class _KeyTaken(Exception):
    """The idempotency key's order was committed by a twin request first."""


def order_create(
    *, by, outlet: Outlet | int, lines: list[LineIn], warehouse: Warehouse | int | None = None, channel: str = OrderChannel.WEB,
    idempotency_key: str = "", submit: bool = False, note: str = "", requested_on=None,
) -> Order:
    """Create an order for ``outlet`` from its serving distributor (a draft, or submitted at once
    with ``submit``; a submitted order that needs no approval is approved and, if the distributor's
    policy says so, allocated in this transaction). With an ``idempotency_key``, a retry by the
    same user returns the first order (``order.replayed``) and writes nothing; the same key with
    another request is a 422 ``idempotency_key_reused``.

    The outlet and warehouse may be given as rows or as ids (as a request body names them): an
    unknown or out-of-scope one is a 404 for a row, a 422 on ``outlet_id``/``warehouse_id`` for an
    id. Locks nothing until allocation (stock_allocate: the candidate balances)."""
    require_perm(by, "orders.add_order")
    if len(idempotency_key) > 100:
        raise ValidationFailed({"idempotency_key": [FieldProblem("too_long", "An idempotency key has at most 100 characters.")]})
    outlet_id = outlet if isinstance(outlet, int) else outlet.pk
    warehouse_id = warehouse if isinstance(warehouse, int) or warehouse is None else warehouse.pk
    fingerprint = _request_hash(outlet_id, warehouse_id, lines, submit) if idempotency_key else ""
    try:
        return _create(by=by, outlet_id=outlet_id, warehouse_id=warehouse_id, by_id=isinstance(outlet, int), lines=lines,
                       channel=channel, idempotency_key=idempotency_key, fingerprint=fingerprint, submit=submit, note=note,
                       requested_on=requested_on)
    except (DomainError, _KeyTaken):
        # A retry of a request that succeeded answers the first order, whatever has changed since
        # (the outlet closed, the stock ran out); a key used for another request is refused.
        existing = _replay(by, idempotency_key, fingerprint) if idempotency_key else None
        if existing is None:
            raise
        return existing


@transaction.atomic
def _create(*, by, outlet_id: int, warehouse_id: int | None, by_id: bool, lines: list[LineIn], channel: str, idempotency_key: str,
            fingerprint: str, submit: bool, note: str, requested_on) -> Order:
    setting = _read_setting(outlet_id, warehouse_id)
    outlet = _check_outlet(by, setting, outlet_id, by_id)
    warehouse = _check_warehouse(by, setting, warehouse_id, by_id)
    order = Order(outlet=outlet, distributor=outlet.distributor, warehouse=warehouse, channel=channel, created_by=by,
                  idempotency_key=idempotency_key, request_hash=fingerprint, note=note, requested_on=requested_on)
    order._policy = setting.policy
    order._priced_as = (setting.on, setting.priced_as)  # price_entries reads the outlet no more
    order._min_shelf_life_days = setting.min_shelf_life_days
    if order._min_shelf_life_days is None:  # the channel has none: the default, as earliest_expiry_for reads it
        order._min_shelf_life_days = getattr(settings, "DISTRA_MIN_SHELF_LIFE_DAYS", 0)
    built = _build_lines(order, lines)
    set_totals(order, built)
    if not insert([order], skip_conflicts=bool(idempotency_key)):
        raise _KeyTaken()
    with _building(order, built):
        record(order, by=by, channel=channel, kind=EventKind.CREATED, to_status=OrderStatus.DRAFT)
        if submit:
            _submit(by=by, order=order, lines=built, channel=channel)
    from distra.core.db import cache_related

    for line in built:
        if "allocations" not in getattr(line, "_prefetched_objects_cache", {}):
            cache_related(line, "allocations", [])
    cache_related(order, "lines", built)
    if "backorders" not in order._prefetched_objects_cache:
        cache_related(order, "backorders", [])
    order.details_in_memory = True  # lines, allocations, events and back-orders: what OrderOut shows
    order.replayed = False
    return order


_STATE = ("status", "awaiting_stock", "submitted_at", "approved_at", "allocated_at", "cancel_reason",
          "gross", "discount", "net", "tax", "total", "pricing")  # the money and pricing change when a budget ran out


class _building:
    """While an order that no one else can see yet (inserted in this transaction) goes through its
    first transitions, keep its events and status in memory and write them once at the end: the
    lines (unless allocation wrote them, with their allocated quantities), one bulk INSERT of the
    events and, if the status moved, one UPDATE of the order."""

    def __init__(self, order: Order, lines: list[OrderLine]):
        self.order, self.lines = order, lines

    def __enter__(self):
        self.order._events = []
        self.state = [getattr(self.order, name) for name in _STATE]

    def __exit__(self, exc_type, exc, tb):
        from distra.core.db import cache_related

        order = self.order
        events, order._events = order._events, None
        if exc_type is None:
            insert([line for line in self.lines if line.pk is None])
            save_benefits(order, self.lines)
            changed = [name for name, before in zip(_STATE, self.state, strict=True) if getattr(order, name) != before]
            if changed:
                update(order, changed)  # and updated_at
            insert(events)
            cache_related(order, "events", events)
        return False
