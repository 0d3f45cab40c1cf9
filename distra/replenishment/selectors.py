"""Reads for replenishment: the inventory position of a distributor's SKUs, the computed reorder
points (which stock alerts use), suggested orders in the user's scope, the fair-share plan for a
scarce depot SKU, and the near-expiry action list.

Positions are read from inventory's and purchasing's tables (read-only; their services stay the
only writers): available = on hand − reserved at the distributor's selling warehouses; in transit
= transfers out towards them not yet received nor cancelled; on order = open purchase order
lines (submitted, confirmed, partly shipped) not yet shipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from distra.core.errors import NotFound
from distra.replenishment import domain
from distra.replenishment.models import ReplenishmentParameter, SuggestedOrder

OPEN_PO = ("submitted", "confirmed", "partially_shipped")


@dataclass(frozen=True)
class Position:
    available: int = 0
    in_transit: int = 0
    on_order: int = 0

    @property
    def total(self) -> int:
        return self.available + self.in_transit + self.on_order


def selling_warehouses(distributor_id: int) -> list[int]:
    from distra.partners.choices import WarehouseKind
    from distra.partners.models import Warehouse

    return list(Warehouse.objects.filter(distributor_id=distributor_id, kind=WarehouseKind.DISTRIBUTOR, is_active=True)
                .order_by("id").values_list("id", flat=True))


def positions(*, distributor_id: int, sku_ids: Iterable[int] | None = None) -> dict[int, Position]:
    """The inventory position of each SKU at the distributor's selling warehouses (three queries)."""
    from distra.inventory.models import StockBalance, StockMove
    from distra.purchasing.models import PurchaseOrderLine

    warehouses = selling_warehouses(distributor_id)
    sku_filter = Q() if sku_ids is None else Q(sku_id__in=list(sku_ids))
    available = dict(StockBalance.objects.filter(sku_filter, warehouse_id__in=warehouses).order_by().values("sku_id")
                     .annotate(n=Sum(F("on_hand") - F("reserved"))).values_list("sku_id", "n"))
    transit = dict(StockMove.objects.filter(sku_filter, kind="transfer_out", counterpart_warehouse_id__in=warehouses,
                                            reverses__isnull=True, received_by__isnull=True, reversed_by__isnull=True)
                   .order_by().values("sku_id").annotate(n=Sum("quantity")).values_list("sku_id", "n"))
    ordered = dict(PurchaseOrderLine.objects.filter(sku_filter, order__distributor_id=distributor_id, order__status__in=OPEN_PO)
                   .order_by().values("sku_id").annotate(n=Sum(Coalesce("confirmed_quantity", "quantity") - F("shipped_quantity")))
                   .values_list("sku_id", "n"))
    keys = set(available) | set(transit) | set(ordered)
    return {k: Position(int(available.get(k) or 0), -int(transit.get(k) or 0), max(int(ordered.get(k) or 0), 0)) for k in keys}


def reorder_points(*, distributor_id: int | None, sku_ids: Iterable[int]) -> dict[int, int]:
    """The computed reorder point of each SKU at a distributor where a forecast exists: stock
    alerts use it in place of the configured reorder level. One query."""
    if distributor_id is None:
        return {}
    return dict(ReplenishmentParameter.objects.filter(distributor_id=distributor_id, sku_id__in=list(sku_ids))
                .values_list("sku_id", "reorder_point"))


def parameter_list(*, user, distributor_id: int | None = None, sku_id: int | None = None) -> QuerySet[ReplenishmentParameter]:
    qs = ReplenishmentParameter.objects.for_user(user).select_related("distributor", "sku")
    filters = {"distributor_id": distributor_id, "sku_id": sku_id}
    return qs.filter(**{k: v for k, v in filters.items() if v is not None})


def suggested_order_list(*, user, status: str | None = None, distributor_id: int | None = None) -> QuerySet[SuggestedOrder]:
    qs = SuggestedOrder.objects.for_user(user).select_related("distributor", "warehouse", "purchase_order", "decided_by")
    filters = {"status": status, "distributor_id": distributor_id}
    return qs.filter(**{k: v for k, v in filters.items() if v is not None})


def suggested_order_get(*, user, order_id: int) -> SuggestedOrder:
    order = suggested_order_list(user=user).prefetch_related("lines__sku", "events__user").filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"No suggested order with id {order_id}.")
    return order


# Fair share -------------------------------------------------------------------------------------------

def fair_share_plan(*, user, depot_id: int, sku_id: int) -> dict:
    """How a depot's available stock of a SKU is shared among the open purchase orders that ask
    for it, equalising days of cover at the forecast rate (``domain.fair_share``). Orders the
    brand has already confirmed keep what they were promised first (shared among themselves the
    same way only when even that exceeds the stock); submitted orders share what is left. Never
    more than exists in total. Brand-wide scopes only (the depot and every distributor)."""
    from distra.partners.models import Warehouse

    depot = Warehouse.objects.for_user(user).filter(pk=depot_id, distributor__isnull=True).first()
    if depot is None:
        raise NotFound(f"No depot with id {depot_id}.")
    stock, shares = _fair_shares(depot, sku_id)
    return {"depot": depot, "sku_id": sku_id, "stock": stock, "requested": sum(s.requested for s in shares),
            "shares": [{"order": s.claimant[0], "line": s.claimant[1], "distributor": s.claimant[0].distributor,
                        "status": s.claimant[0].status, "requested": s.requested, "allocated": s.allocated,
                        "cover_before": s.cover_before, "cover_after": s.cover_after, "explanation": s.explanation}
                       for s in shares]}


def _fair_shares(depot, sku_id: int) -> tuple[int, list[domain.Share]]:
    """The depot's available units of the SKU and the shares of the open (submitted or confirmed)
    purchase order lines asking for it."""
    from distra.inventory.models import StockBalance
    from distra.purchasing.models import PurchaseOrderLine

    stock = int(StockBalance.objects.filter(warehouse=depot, sku_id=sku_id).aggregate(n=Sum(F("on_hand") - F("reserved")))["n"] or 0)
    lines = (PurchaseOrderLine.objects.filter(sku_id=sku_id, order__status__in=("submitted", "confirmed"))
             .select_related("order__distributor").order_by("order__created_at", "id"))
    tiers: dict[str, list[domain.Claim]] = {"confirmed": [], "submitted": []}
    for line in lines:
        asked = int((line.confirmed_quantity if line.confirmed_quantity is not None else line.quantity) - line.shipped_quantity)
        if asked <= 0:
            continue
        distributor_id = line.order.distributor_id
        held = positions(distributor_id=distributor_id, sku_ids=[sku_id]).get(sku_id, Position()).total
        tiers[line.order.status].append(domain.Claim((line.order, line), asked, held, _daily_rate(distributor_id, sku_id)))
    promised = domain.fair_share(stock, tiers["confirmed"])
    left = stock - sum(s.allocated for s in promised)
    return stock, promised + domain.fair_share(left, tiers["submitted"])


def _daily_rate(distributor_id: int, sku_id: int) -> Decimal:
    row = ReplenishmentParameter.objects.filter(distributor_id=distributor_id, sku_id=sku_id).values_list("daily_rate", flat=True).first()
    return row if row is not None else Decimal("0")


# Near expiry ------------------------------------------------------------------------------------------

def near_expiry_actions(*, user, within_days: int = 90, today: date | None = None) -> list[dict]:
    """Batches at distributors' selling warehouses in ``user``'s scope, expiring within
    ``within_days``, that will not sell before expiry at the forecast rate, with suggested
    transfers to distributors (any, brand-wide) that will sell them in time."""
    from distra.inventory.models import StockBalance
    from distra.partners.choices import WarehouseKind
    from distra.partners.models import Warehouse

    today = today or timezone.localdate()
    visible = set(Warehouse.objects.for_user(user).values_list("id", flat=True))
    rows = list(StockBalance.objects.filter(warehouse__kind=WarehouseKind.DISTRIBUTOR, warehouse__distributor__isnull=False, on_hand__gt=0)
                .values_list("warehouse_id", "warehouse__distributor_id", "sku_id", "batch_id", "batch__expires_on", "on_hand"))
    rates = {(d, s): r for d, s, r in ReplenishmentParameter.objects.values_list("distributor_id", "sku_id", "daily_rate")}
    by_sku: dict[int, list] = {}
    for row in rows:
        by_sku.setdefault(row[2], []).append(row)
    horizon = today + timedelta(days=within_days)
    actions = []
    for sku_id, sku_rows in sorted(by_sku.items()):
        at_risk = [r for r in sku_rows if r[0] in visible and r[4] <= horizon]
        if at_risk:
            actions.extend(_sku_actions(sku_id, sku_rows, at_risk, rates, today))
    return actions


def _sku_actions(sku_id: int, rows: list, at_risk: list, rates: dict, today: date) -> list[dict]:
    """Near-expiry actions of one SKU: ``ahead`` counts each holder's units of batches expiring
    sooner (sold first, FEFO)."""
    ahead, held = {}, {}
    for _, distributor_id, _, batch_id, _, on_hand in sorted(rows, key=lambda r: (r[4], r[3])):
        ahead[(distributor_id, batch_id)] = held.get(distributor_id, 0)
        held[distributor_id] = held.get(distributor_id, 0) + on_hand
    batches = [domain.BatchAtRisk(d, b, e, q) for _, d, _, b, e, q in at_risk]
    receivers = [domain.Receiver(d, rate, held.get(d, 0)) for (d, s), rate in rates.items() if s == sku_id and rate > 0]
    found = domain.near_expiry_actions(batches=batches, rates={d: rates.get((d, sku_id), Decimal("0")) for _, d, *_ in at_risk},
                                       ahead=ahead, receivers=receivers, today=today)
    return [{"sku_id": sku_id, "distributor_id": a.holder, "batch_id": a.batch_id, "expires_on": a.expires_on, "on_hand": a.on_hand,
             "will_sell": a.will_sell, "at_risk": a.at_risk, "transfers": [{"distributor_id": d, "quantity": q} for d, q in a.transfers],
             "unplaced": a.unplaced} for a in found]
