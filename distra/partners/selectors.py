"""Reads of distributors, warehouses and outlets, always through the user's data scope."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from distra.geography import selectors as geography
from distra.partners.choices import SELLING_WAREHOUSE_KINDS, Channel, OutletClass, OutletStatus
from distra.partners.models import Distributor, DistributorTerritory, Outlet, Warehouse


def territory_ids_served(distributor_id: int) -> list[int]:
    """The territories a distributor serves: one plain statement (every request of a distributor
    user builds its data scope from it)."""
    from django.db import connection

    from distra.core.sql import execute

    table = connection.ops.quote_name(DistributorTerritory._meta.db_table)
    return [row[0] for row in execute(f"SELECT territory_id FROM {table} WHERE distributor_id = %s", [distributor_id])]  # noqa: S608


def distributor_serves(*, distributor_id: int, territory_id: int) -> bool:
    return DistributorTerritory.objects.filter(distributor_id=distributor_id, territory_id=territory_id).exists()


def distributor_list(*, user, status: str | None = None, territory_id: int | None = None, search: str = "") -> QuerySet[Distributor]:
    qs = Distributor.objects.for_user(user)
    if status:
        qs = qs.filter(status=status)
    if territory_id is not None:
        qs = qs.filter(id__in=DistributorTerritory.objects.filter(territory_id=territory_id).values("distributor_id"))
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(legal_name__icontains=search) | Q(trade_name__icontains=search))
    return qs


def warehouse_list(*, user, distributor_id: int | None = None, search: str = "", selling: bool = False) -> QuerySet[Warehouse]:
    """Warehouses in ``user``'s scope; with ``selling``, only those orders may be placed on (not a
    depot, not a quarantine)."""
    qs = Warehouse.objects.for_user(user).select_related("distributor")
    if selling:
        qs = qs.filter(kind__in=SELLING_WAREHOUSE_KINDS)
    if distributor_id is not None:
        qs = qs.filter(distributor_id=distributor_id)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return qs


def outlet_list(
    *,
    user,
    territory_id: int | None = None,
    distributor_id: int | None = None,
    channel: str | None = None,
    outlet_class: str | None = None,
    status: str | None = None,
    search: str = "",
) -> QuerySet[Outlet]:
    qs = Outlet.objects.for_user(user).select_related("territory", "distributor")
    if territory_id is not None:
        qs = qs.filter(territory_id=territory_id)
    if distributor_id is not None:
        qs = qs.filter(distributor_id=distributor_id)
    if channel:
        qs = qs.filter(channel=channel)
    if outlet_class:
        qs = qs.filter(outlet_class=outlet_class)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search) | Q(owner_name__icontains=search) | Q(city__icontains=search))
    return qs


def contact_list(*, user, distributor_id: int | None = None) -> QuerySet:
    """A distributor's contacts, within the user's scope (primary contact first)."""
    from distra.partners.models import DistributorContact

    qs = DistributorContact.objects.for_user(user)
    if distributor_id is not None:
        qs = qs.filter(distributor_id=distributor_id)
    return qs



# The home page's charts ---------------------------------------------------------------------------

TOP_TERRITORIES = 12


@dataclass(frozen=True)
class TerritoryClasses:
    """One territory's outlets in the user's scope, counted per outlet class."""

    territory_id: int
    name: str
    by_class: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_class.values())


@dataclass(frozen=True)
class OutletBreakdown:
    """The outlets in a user's scope counted by channel, by status and by class per territory.

    Every channel, status and class appears (zero when no outlet has it), in the order of its
    choices (a value outside the choices, which only a write around the services could store, is
    not counted); ``territories`` holds the ``TOP_TERRITORIES`` territories with the most outlets
    (a tie at the cut goes to the older territory), most first, then by name, of the
    ``territory_count`` territories that have any.
    """

    total: int
    by_channel: dict[str, int]
    by_status: dict[str, int]
    territories: list[TerritoryClasses]
    territory_count: int


_COUNTED = {"channel": Channel.values, "status": OutletStatus.values, "outlet_class": OutletClass.values}


def outlet_breakdown(*, user, top: int | None = None) -> OutletBreakdown:
    """Count the outlets in ``user``'s scope for the home page's charts.

    One query reads the scoped outlets once, grouped by territory, with a filtered count per
    channel, status and class (a GROUP BY over four columns would sort every row in a temporary
    B-tree, several times slower on SQLite); a second names the top ``top`` territories (by
    default ``TOP_TERRITORIES``).
    """
    top = TOP_TERRITORIES if top is None else top
    counts = {
        f"{field}:{value}": Count("id", filter=Q(**{field: value}))
        for field, values in _COUNTED.items()
        for value in values
    }
    rows = list(Outlet.objects.for_user(user).order_by().values("territory_id").annotate(**counts))

    def total(field: str, value: str) -> int:
        return sum(row[f"{field}:{value}"] for row in rows)

    ranked = sorted(rows, key=lambda row: (-sum(row[f"outlet_class:{c}"] for c in OutletClass.values), row["territory_id"]))[:top]
    names = dict(
        geography.geonode_list(user=user).filter(pk__in=[row["territory_id"] for row in ranked]).values_list("pk", "name")
    )
    territories = [
        TerritoryClasses(
            territory_id=row["territory_id"],
            name=names.get(row["territory_id"], str(row["territory_id"])),
            by_class={c: row[f"outlet_class:{c}"] for c in OutletClass.values},
        )
        for row in ranked
    ]
    by_channel = {value: total("channel", value) for value in Channel.values}
    return OutletBreakdown(
        total=sum(by_channel.values()),
        by_channel=by_channel,
        by_status={value: total("status", value) for value in OutletStatus.values},
        territories=sorted(territories, key=lambda t: (-t.total, t.name)),
        territory_count=len(rows),
    )
