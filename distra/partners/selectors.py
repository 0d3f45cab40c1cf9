"""Reads of distributors, warehouses and outlets, always through the user's data scope."""

from django.db.models import Q, QuerySet

from distra.partners.models import Distributor, DistributorTerritory, Outlet, Warehouse


def territory_ids_served(distributor_id: int) -> list[int]:
    return list(DistributorTerritory.objects.filter(distributor_id=distributor_id).values_list("territory_id", flat=True))


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


def warehouse_list(*, user, distributor_id: int | None = None, search: str = "") -> QuerySet[Warehouse]:
    qs = Warehouse.objects.for_user(user).select_related("distributor")
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
