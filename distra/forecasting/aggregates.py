"""Aggregate forecasts of a distributor × SKU run: territory, region, category and brand totals,
each the sum of bottom-level forecasts, so that they add up (domain.aggregate_points).

- category and brand: the sum of the distributor × SKU series of the SKUs in the category (and
  its sub-categories) or of the brand;
- territory: each distributor × SKU forecast split over the territories it sold to in the last 52
  weeks, by their share of its demand (top-down proportions: the bottom level of the run is the
  distributor, and a distributor may serve several territories);
- region: the sum of its territories.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from distra.forecasting import domain
from distra.forecasting.choices import AggregateKind
from distra.forecasting.history import territory_shares
from distra.forecasting.models import ForecastRun, ForecastSeries

ONE = Decimal("1")
Points = dict[str, list[tuple[date, domain.PointValues]]]


def _ancestors(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def build(*, run: ForecastRun, bottom: Sequence[ForecastSeries], points: Points, until: date) -> tuple[list[ForecastSeries], Points]:
    """The aggregate series (unsaved) and their points, keyed like the engine's series."""
    from distra.catalog.models import SKU
    from distra.geography.choices import GeoKind
    from distra.geography.models import GeoNode

    skus = {s.pk: s for s in SKU.objects.filter(pk__in={b.sku_id for b in bottom}).select_related("category")}
    members: dict[tuple[str, int], list[tuple[Decimal, ForecastSeries]]] = {}
    for series in bottom:
        sku = skus[series.sku_id]
        for category_id in _ancestors(sku.category.path) or [sku.category_id]:
            members.setdefault((AggregateKind.CATEGORY, category_id), []).append((ONE, series))
        members.setdefault((AggregateKind.BRAND, sku.brand_id), []).append((ONE, series))
    shares = territory_shares(until=until, distributor_ids=[run.distributor_id] if run.distributor_id else None)
    territory_ids = {t for split in shares.values() for t in split}
    regions = {}
    for node in GeoNode.objects.filter(pk__in=territory_ids).only("path"):
        ancestors = _ancestors(node.path)
        region = GeoNode.objects.filter(pk__in=ancestors, kind=GeoKind.REGION).values_list("pk", flat=True).first()
        regions[node.pk] = region
    for series in bottom:
        for territory_id, share in shares.get((series.distributor_id, series.sku_id), {}).items():
            members.setdefault((AggregateKind.TERRITORY, territory_id), []).append((share, series))
            if regions.get(territory_id):
                members.setdefault((AggregateKind.REGION, regions[territory_id]), []).append((share, series))
    return _series(run, members, points)


def _volume(points: Points, key: str) -> Decimal:
    return sum((p.yhat for _, p in points[key]), Decimal("0"))


def _series(run: ForecastRun, members, points: Points) -> tuple[list[ForecastSeries], Points]:
    rows, agg_points = [], {}
    target_field = {AggregateKind.TERRITORY: "node_id", AggregateKind.REGION: "node_id",
                    AggregateKind.CATEGORY: "category_id", AggregateKind.BRAND: "brand_id"}
    for (kind, target_id), parts in sorted(members.items(), key=lambda item: (item[0][0], item[0][1])):
        key = f"{kind}-{target_id}"
        summed = domain.aggregate_points([(share, [p for _, p in points[s.key]]) for share, s in parts])
        dates = [ds for ds, _ in points[parts[0][1].key]]
        agg_points[key] = list(zip(dates, summed, strict=False))
        accuracy = domain.weighted_wape([(share * _volume(points, s.key), s.wape) for share, s in parts])
        models = sorted({s.model for _, s in parts if s.model})
        label = f"sum of {len(parts)} series" + (f" ({models[0]})" if len(models) == 1 else "")
        rows.append(ForecastSeries(run=run, kind=kind, key=key, model=label[:120], wape=accuracy,
                                   error_sd=domain.error_sd_from_interval(summed[0]) if summed else Decimal("0"),
                                   **{target_field[kind]: target_id}))
    return rows, agg_points
