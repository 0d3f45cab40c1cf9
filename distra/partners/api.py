"""Distributors, warehouses and outlets over HTTP: parse, check, call one service or selector."""

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from distra.core.api import (
    ERROR_RESPONSES,
    Id,
    Pagination,
    apply_sort,
    get_scoped_or_404,
    resolve_ids,
)
from distra.core.errors import FieldProblem, ValidationFailed
from distra.core.permissions import require_model_perm, require_view
from distra.geography.models import GeoNode
from distra.partners import selectors, services
from distra.partners.models import Distributor, Outlet, Warehouse
from distra.partners.schemas import (
    ContactIn,
    ContactOut,
    DistributorDetailOut,
    DistributorFilter,
    DistributorIn,
    DistributorOut,
    DistributorPatch,
    DistributorStatusIn,
    OutletFilter,
    OutletIn,
    OutletOut,
    OutletPatch,
    WarehouseFilter,
    WarehouseIn,
    WarehouseOut,
    WarehousePatch,
)

distributors_router = Router(tags=["distributors"])
warehouses_router = Router(tags=["warehouses"])
outlets_router = Router(tags=["outlets"])


def _territories(user, ids):
    """The territories named by ``ids``, each within the user's scope (else a 422 on the field)."""
    if ids is None:
        return None
    found = {node.pk: node for node in GeoNode.objects.for_user(user).filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationFailed({"territory_ids": [FieldProblem("not_found", f"No territory with id {pk} in your scope.") for pk in missing]})
    return [found[pk] for pk in dict.fromkeys(ids)]


# Distributors ---------------------------------------------------------------------------------

@distributors_router.get("", response={200: list[DistributorOut], **ERROR_RESPONSES})
@paginate(Pagination)
def distributor_list(request, filters: Query[DistributorFilter]):
    require_view(request.auth, Distributor)
    qs = selectors.distributor_list(user=request.auth, status=filters.status, territory_id=filters.territory_id, search=filters.search or "")
    return apply_sort(qs.prefetch_related("territories"), filters.sort, {"code", "legal_name", "created_at", "status"}, "code")


@distributors_router.post("", response={201: DistributorDetailOut, **ERROR_RESPONSES})
def distributor_create(request, payload: DistributorIn):
    require_model_perm(request.auth, Distributor, "add")
    data = payload.dict()
    territories = _territories(request.auth, data.pop("territory_ids"))
    distributor = services.distributor_create(by=request.auth, territories=territories, **data)
    return Status(201, distributor)


@distributors_router.get("/{int:distributor_id}", response={200: DistributorDetailOut, **ERROR_RESPONSES})
def distributor_get(request, distributor_id: Id):
    require_view(request.auth, Distributor)
    return get_scoped_or_404(Distributor, request.auth, distributor_id)


@distributors_router.patch("/{int:distributor_id}", response={200: DistributorDetailOut, **ERROR_RESPONSES})
def distributor_update(request, distributor_id: Id, payload: DistributorPatch):
    distributor = get_scoped_or_404(Distributor, request.auth, distributor_id)
    require_model_perm(request.auth, Distributor, "change")
    data = payload.dict(exclude_unset=True)
    territories = _territories(request.auth, data.pop("territory_ids", None))
    return services.distributor_update(by=request.auth, distributor=distributor, territories=territories, **data)


@distributors_router.post("/{int:distributor_id}/status", response={200: DistributorDetailOut, **ERROR_RESPONSES})
def distributor_set_status(request, distributor_id: Id, payload: DistributorStatusIn):
    """Move the distributor along its lifecycle: prospect → active ⇄ suspended → terminated."""
    distributor = get_scoped_or_404(Distributor, request.auth, distributor_id)
    return services.distributor_set_status(by=request.auth, distributor=distributor, status=payload.status)


@distributors_router.post("/{int:distributor_id}/contacts", response={200: ContactOut, **ERROR_RESPONSES})
def distributor_contact_save(request, distributor_id: Id, payload: ContactIn):
    """Add a contact, or update the one with the same name."""
    distributor = get_scoped_or_404(Distributor, request.auth, distributor_id)
    return services.contact_save(by=request.auth, distributor=distributor, **payload.dict())


@distributors_router.delete("/{int:distributor_id}", response={204: None, **ERROR_RESPONSES})
def distributor_delete(request, distributor_id: Id):
    distributor = get_scoped_or_404(Distributor, request.auth, distributor_id)
    services.distributor_delete(by=request.auth, distributor=distributor)
    return HttpResponse(status=204)


# Warehouses -----------------------------------------------------------------------------------

@warehouses_router.get("", response={200: list[WarehouseOut], **ERROR_RESPONSES})
@paginate(Pagination)
def warehouse_list(request, filters: Query[WarehouseFilter]):
    require_view(request.auth, Warehouse)
    qs = selectors.warehouse_list(user=request.auth, distributor_id=filters.distributor_id, search=filters.search or "")
    return apply_sort(qs, filters.sort, {"code", "name"}, "code")


@warehouses_router.post("", response={201: WarehouseOut, **ERROR_RESPONSES})
def warehouse_create(request, payload: WarehouseIn):
    require_model_perm(request.auth, Warehouse, "add")
    data = resolve_ids(payload.dict(), request.auth, {"distributor_id": ("distributor", Distributor)})
    return Status(201, services.warehouse_create(by=request.auth, **data))


@warehouses_router.get("/{int:warehouse_id}", response={200: WarehouseOut, **ERROR_RESPONSES})
def warehouse_get(request, warehouse_id: Id):
    require_view(request.auth, Warehouse)
    return get_scoped_or_404(Warehouse, request.auth, warehouse_id)


@warehouses_router.patch("/{int:warehouse_id}", response={200: WarehouseOut, **ERROR_RESPONSES})
def warehouse_update(request, warehouse_id: Id, payload: WarehousePatch):
    warehouse = get_scoped_or_404(Warehouse, request.auth, warehouse_id)
    require_model_perm(request.auth, Warehouse, "change")
    return services.warehouse_update(by=request.auth, warehouse=warehouse, **payload.dict(exclude_unset=True))


# Outlets --------------------------------------------------------------------------------------

OUTLET_REFS = {"territory_id": ("territory", GeoNode), "distributor_id": ("distributor", Distributor)}


@outlets_router.get("", response={200: list[OutletOut], **ERROR_RESPONSES})
@paginate(Pagination)
def outlet_list(request, filters: Query[OutletFilter]):
    require_view(request.auth, Outlet)
    qs = selectors.outlet_list(
        user=request.auth,
        territory_id=filters.territory_id,
        distributor_id=filters.distributor_id,
        channel=filters.channel,
        outlet_class=filters.outlet_class,
        status=filters.status,
        search=filters.search or "",
    )
    return apply_sort(qs, filters.sort, {"code", "name", "city", "created_at", "outlet_class"}, "code")


@outlets_router.post("", response={201: OutletOut, **ERROR_RESPONSES})
def outlet_create(request, payload: OutletIn):
    require_model_perm(request.auth, Outlet, "add")
    data = resolve_ids(payload.dict(), request.auth, OUTLET_REFS)
    return Status(201, services.outlet_create(by=request.auth, **data))


@outlets_router.get("/{int:outlet_id}", response={200: OutletOut, **ERROR_RESPONSES})
def outlet_get(request, outlet_id: Id):
    require_view(request.auth, Outlet)
    return get_scoped_or_404(Outlet, request.auth, outlet_id)


@outlets_router.patch("/{int:outlet_id}", response={200: OutletOut, **ERROR_RESPONSES})
def outlet_update(request, outlet_id: Id, payload: OutletPatch):
    outlet = get_scoped_or_404(Outlet, request.auth, outlet_id)
    require_model_perm(request.auth, Outlet, "change")
    data = resolve_ids(payload.dict(exclude_unset=True), request.auth, OUTLET_REFS)
    return services.outlet_update(by=request.auth, outlet=outlet, **data)


@outlets_router.delete("/{int:outlet_id}", response={204: None, **ERROR_RESPONSES})
def outlet_delete(request, outlet_id: Id):
    outlet = get_scoped_or_404(Outlet, request.auth, outlet_id)
    services.outlet_delete(by=request.auth, outlet=outlet)
    return HttpResponse(status=204)
