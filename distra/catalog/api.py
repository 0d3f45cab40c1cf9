from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from distra.catalog import selectors, services
from distra.catalog.models import SKU, Brand, Category
from distra.catalog.schemas import (
    BrandIn,
    BrandOut,
    CatalogFilter,
    CategoryFilter,
    CategoryIn,
    CategoryOut,
    SKUFilter,
    SKUIn,
    SKUOut,
    SKUPatch,
)
from distra.core.api import (
    ERROR_RESPONSES,
    Id,
    Pagination,
    apply_sort,
    get_scoped_or_404,
    resolve_ids,
)
from distra.core.permissions import require_model_perm, require_view

brands_router = Router(tags=["catalog"])
categories_router = Router(tags=["catalog"])
skus_router = Router(tags=["catalog"])

SKU_REFS = {"brand_id": ("brand", Brand), "category_id": ("category", Category)}


@brands_router.get("", response={200: list[BrandOut], **ERROR_RESPONSES})
@paginate(Pagination)
def brand_list(request, filters: Query[CatalogFilter]):
    require_view(request.auth, Brand)
    return apply_sort(selectors.brand_list(user=request.auth, search=filters.search or ""), filters.sort, {"code", "name"}, "name")


@brands_router.post("", response={201: BrandOut, **ERROR_RESPONSES})
def brand_create(request, payload: BrandIn):
    require_model_perm(request.auth, Brand, "add")
    return Status(201, services.brand_save(by=request.auth, **payload.dict()))


@categories_router.get("", response={200: list[CategoryOut], **ERROR_RESPONSES})
@paginate(Pagination)
def category_list(request, filters: Query[CategoryFilter]):
    require_view(request.auth, Category)
    qs = selectors.category_list(user=request.auth, parent_id=filters.parent_id, search=filters.search or "")
    return apply_sort(qs, filters.sort, {"code", "name"}, "name")


@categories_router.post("", response={201: CategoryOut, **ERROR_RESPONSES})
def category_create(request, payload: CategoryIn):
    require_model_perm(request.auth, Category, "add")
    data = resolve_ids(payload.dict(), request.auth, {"parent_id": ("parent", Category)})
    return Status(201, services.category_create(by=request.auth, **data))


@skus_router.get("", response={200: list[SKUOut], **ERROR_RESPONSES})
@paginate(Pagination)
def sku_list(request, filters: Query[SKUFilter]):
    require_view(request.auth, SKU)
    qs = selectors.sku_list(
        user=request.auth, brand_id=filters.brand_id, category_id=filters.category_id, is_active=filters.is_active, search=filters.search or ""
    )
    return apply_sort(qs, filters.sort, {"code", "name", "mrp", "base_price"}, "code")


@skus_router.post("", response={201: SKUOut, **ERROR_RESPONSES})
def sku_create(request, payload: SKUIn):
    require_model_perm(request.auth, SKU, "add")
    return Status(201, services.sku_create(by=request.auth, **resolve_ids(payload.dict(), request.auth, SKU_REFS)))


@skus_router.get("/{int:sku_id}", response={200: SKUOut, **ERROR_RESPONSES})
def sku_get(request, sku_id: Id):
    require_view(request.auth, SKU)
    return get_scoped_or_404(SKU, request.auth, sku_id)


@skus_router.patch("/{int:sku_id}", response={200: SKUOut, **ERROR_RESPONSES})
def sku_update(request, sku_id: Id, payload: SKUPatch):
    sku = get_scoped_or_404(SKU, request.auth, sku_id)
    require_model_perm(request.auth, SKU, "change")
    data = resolve_ids(payload.dict(exclude_unset=True), request.auth, SKU_REFS)
    return services.sku_update(by=request.auth, sku=sku, **data)


@skus_router.delete("/{int:sku_id}", response={204: None, **ERROR_RESPONSES})
def sku_delete(request, sku_id: Id):
    sku = get_scoped_or_404(SKU, request.auth, sku_id)
    services.sku_delete(by=request.auth, sku=sku)
    return HttpResponse(status=204)
