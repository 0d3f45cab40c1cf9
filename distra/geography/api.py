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
from distra.core.permissions import require_model_perm, require_view
from distra.geography import selectors, services
from distra.geography.models import GeoNode
from distra.geography.schemas import GeoNodeFilter, GeoNodeIn, GeoNodeOut, GeoNodePatch

router = Router(tags=["geography"])


@router.get("/nodes", response={200: list[GeoNodeOut], **ERROR_RESPONSES})
@paginate(Pagination)
def geonode_list(request, filters: Query[GeoNodeFilter]):
    require_view(request.auth, GeoNode)
    qs = selectors.geonode_list(user=request.auth, kind=filters.kind, parent_id=filters.parent_id, search=filters.search or "")
    return apply_sort(qs, filters.sort, {"path", "code", "name"}, "path")


@router.post("/nodes", response={201: GeoNodeOut, **ERROR_RESPONSES})
def geonode_create(request, payload: GeoNodeIn):
    require_model_perm(request.auth, GeoNode, "add")
    data = resolve_ids(payload.dict(), request.auth, {"parent_id": ("parent", GeoNode)})
    return Status(201, services.geonode_create(by=request.auth, **data))


@router.get("/nodes/{int:node_id}", response={200: GeoNodeOut, **ERROR_RESPONSES})
def geonode_get(request, node_id: Id):
    require_view(request.auth, GeoNode)
    return get_scoped_or_404(GeoNode, request.auth, node_id)


@router.patch("/nodes/{int:node_id}", response={200: GeoNodeOut, **ERROR_RESPONSES})
def geonode_update(request, node_id: Id, payload: GeoNodePatch):
    node = get_scoped_or_404(GeoNode, request.auth, node_id)
    require_model_perm(request.auth, GeoNode, "change")
    return services.geonode_update(by=request.auth, node=node, **payload.dict(exclude_unset=True))


@router.delete("/nodes/{int:node_id}", response={204: None, **ERROR_RESPONSES})
def geonode_delete(request, node_id: Id):
    node = get_scoped_or_404(GeoNode, request.auth, node_id)
    services.geonode_delete(by=request.auth, node=node)
    return HttpResponse(status=204)
