"""The sales history a forecast run learns from, built from Distra's own secondary orders.

Demand is what outlets ordered (line quantities in base units), dated by the week the order was
submitted (its creation for orders that never recorded a submission), Monday-dated weeks. Orders
that never became demand are left out: drafts, rejected and cancelled orders, and back-orders
(their quantity is already on the order they came from). Each series runs from its first week
with an order to the last complete week, zeros filled in.

Read only through the orders app's models (no write, no change to that app).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce, TruncWeek

from distra.forecasting.choices import AggregateKind, ForecastLevel
from distra.forecasting.selectors import series_key, week_start
from distra.orders.choices import OrderStatus
from distra.orders.models import OrderLine

NOT_DEMAND = (OrderStatus.DRAFT, OrderStatus.REJECTED, OrderStatus.CANCELLED)


def _demand_lines(until: date):
    """Order lines that are demand, with ``week`` (the Monday of the order's submission week),
    before the week of ``until``."""
    placed = Coalesce(F("order__submitted_at"), F("order__created_at"))
    return (OrderLine.objects.filter(order__backorder_of__isnull=True).exclude(order__status__in=NOT_DEMAND)
            .annotate(placed=placed).filter(placed__date__lt=week_start(until))
            .annotate(week=TruncWeek("placed")).order_by())


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


@dataclass(frozen=True)
class SeriesTarget:
    """What a bottom-level unique_id stands for."""

    distributor_id: int
    sku_id: int
    outlet_id: int | None = None


@dataclass
class History:
    """A long-format history (unique_id, ds, y) with what each unique_id stands for and its window."""

    frame: object  # pandas.DataFrame
    targets: dict[str, SeriesTarget]
    first: date | None
    last: date | None

    @property
    def rows(self) -> int:
        return len(self.frame)


def outlet_series_key(outlet_id: int, sku_id: int) -> str:
    return f"o{outlet_id}-s{sku_id}"


def build_history(
    *, level: str, until: date, distributor_ids: Iterable[int] | None = None, min_orders: int = 1,
) -> History:
    """Weekly demand per distributor × SKU (or outlet × SKU) up to the last complete week before
    ``until``'s week, zeros filled from each series' first order. ``min_orders``: leave out
    series with fewer weeks with an order (outlet level: most outlet × SKU pairs are rare)."""
    import pandas as pd

    qs = _demand_lines(until)
    if distributor_ids is not None:
        qs = qs.filter(order__distributor_id__in=list(distributor_ids))
    outlet = level == ForecastLevel.OUTLET_SKU
    fields = ["order__distributor_id", "sku_id", "week"] + (["order__outlet_id"] if outlet else [])
    rows = list(qs.values(*fields).annotate(y=Sum("quantity")).values_list(*fields, "y"))
    targets: dict[str, SeriesTarget] = {}
    records = []
    for row in rows:
        distributor_id, sku_id, week, y = row[0], row[1], _as_date(row[2]), row[-1]
        key = outlet_series_key(row[3], sku_id) if outlet else series_key(distributor_id, sku_id)
        targets.setdefault(key, SeriesTarget(distributor_id, sku_id, row[3] if outlet else None))
        records.append((key, week, float(y)))
    last = week_start(until) - timedelta(weeks=1)
    frame = pd.DataFrame(records, columns=["unique_id", "ds", "y"])
    if frame.empty:
        return History(frame, {}, None, None)
    frame = frame.groupby(["unique_id", "ds"], as_index=False)["y"].sum()
    if min_orders > 1:
        counts = frame.groupby("unique_id")["y"].size()
        keep = set(counts[counts >= min_orders].index)
        frame = frame[frame["unique_id"].isin(keep)]
        targets = {k: v for k, v in targets.items() if k in keep}
    frame = _fill_zeros(frame, last)
    return History(frame, targets, frame["ds"].min().date(), last)


def _fill_zeros(frame, last: date):
    """Every week from each series' first week to ``last``: weeks without orders are 0."""
    import numpy as np
    import pandas as pd

    frame = frame.assign(ds=pd.to_datetime(frame["ds"]))
    end = pd.Timestamp(last)
    first = frame.groupby("unique_id")["ds"].min()
    lengths = ((end - first).dt.days // 7 + 1).clip(lower=1).to_numpy()
    ids = np.repeat(first.index.to_numpy(), lengths)
    offsets = np.concatenate([np.arange(n) for n in lengths]) if len(lengths) else np.array([], dtype=int)
    weeks = np.repeat(first.to_numpy(), lengths) + pd.to_timedelta(offsets * 7, unit="D").to_numpy()
    grid = pd.DataFrame({"unique_id": ids, "ds": weeks})
    full = grid.merge(frame, on=["unique_id", "ds"], how="left")
    full["y"] = full["y"].fillna(0.0)
    return full.sort_values(["unique_id", "ds"], ignore_index=True)


# Aggregates ---------------------------------------------------------------------------------------

def territory_shares(*, until: date, weeks: int = 52, distributor_ids: Iterable[int] | None = None) -> dict[tuple[int, int], dict[int, Decimal]]:
    """For each distributor × SKU, the share of its demand of the last ``weeks`` weeks that went
    to outlets of each territory (shares add up to 1). A distributor's forecast is split over
    territories by these shares, so that territory totals add up to the distributor totals."""
    start = week_start(until) - timedelta(weeks=weeks)
    qs = _demand_lines(until).filter(placed__date__gte=start)
    if distributor_ids is not None:
        qs = qs.filter(order__distributor_id__in=list(distributor_ids))
    rows = qs.values("order__distributor_id", "sku_id", "order__outlet__territory_id").annotate(y=Sum("quantity"))
    totals: dict[tuple[int, int], int] = {}
    parts: dict[tuple[int, int], dict[int, int]] = {}
    for r in rows:
        pair = (r["order__distributor_id"], r["sku_id"])
        totals[pair] = totals.get(pair, 0) + r["y"]
        parts.setdefault(pair, {})[r["order__outlet__territory_id"]] = r["y"]
    return {pair: {t: Decimal(y) / totals[pair] for t, y in split.items()} for pair, split in parts.items() if totals[pair] > 0}


def aggregate_history(*, kind: str, target_id: int, until: date, distributor_ids: Iterable[int] | None = None) -> list[tuple[date, int]]:
    """Weekly demand of an aggregate (a territory, region, category or brand), for its chart."""
    qs = _demand_lines(until)
    if distributor_ids is not None:
        qs = qs.filter(order__distributor_id__in=list(distributor_ids))
    if kind == AggregateKind.TERRITORY:
        qs = qs.filter(order__outlet__territory_id=target_id)
    elif kind == AggregateKind.REGION:
        from distra.geography.models import GeoNode

        path = GeoNode.objects.filter(pk=target_id).values_list("path", flat=True).first() or "/none/"
        qs = qs.filter(order__outlet__territory__path__startswith=path)
    elif kind == AggregateKind.CATEGORY:
        from distra.catalog.models import Category

        path = Category.objects.filter(pk=target_id).values_list("path", flat=True).first() or "/none/"
        qs = qs.filter(sku__category__path__startswith=path)
    else:
        qs = qs.filter(sku__brand_id=target_id)
    rows = qs.values("week").annotate(y=Sum("quantity")).values_list("week", "y")
    return sorted((_as_date(w), y) for w, y in rows)


def series_history(*, distributor_id: int, sku_id: int, until: date, outlet_id: int | None = None) -> list[tuple[date, int]]:
    """Weekly demand of one distributor × SKU (or outlet × SKU), for its chart."""
    qs = _demand_lines(until).filter(order__distributor_id=distributor_id, sku_id=sku_id)
    if outlet_id is not None:
        qs = qs.filter(order__outlet_id=outlet_id)
    rows = qs.values("week").annotate(y=Sum("quantity")).values_list("week", "y")
    return sorted((_as_date(w), y) for w, y in rows)


def actuals(*, keys: dict[str, tuple[int, int]], weeks: Iterable[date], until: date) -> dict[tuple[str, date], int]:
    """Demand of distributor × SKU series (``keys``: key → (distributor, sku)) in the given
    complete weeks; weeks without an order are 0."""
    weeks = sorted(set(weeks))
    if not weeks or not keys:
        return {}
    pairs = {v: k for k, v in keys.items()}
    qs = (_demand_lines(until).filter(order__distributor_id__in={d for d, _ in keys.values()}, sku_id__in={s for _, s in keys.values()})
          .filter(placed__date__gte=weeks[0]))
    found = {(key, week): 0 for key in keys for week in weeks}
    for d, s, week, y in qs.values("order__distributor_id", "sku_id", "week").annotate(y=Sum("quantity")).values_list(
            "order__distributor_id", "sku_id", "week", "y"):
        key, week = pairs.get((d, s)), _as_date(week)
        if key is not None and (key, week) in found:
            found[(key, week)] = y
    return found
