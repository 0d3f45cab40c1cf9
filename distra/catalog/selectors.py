"""Reads of the catalog."""

from django.db.models import Q, QuerySet

from distra.catalog.models import SKU, Brand, Category


def brand_list(*, user, search: str = "") -> QuerySet[Brand]:
    qs = Brand.objects.for_user(user)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return qs


def category_list(*, user, parent_id: int | None = None, search: str = "") -> QuerySet[Category]:
    qs = Category.objects.for_user(user).select_related("parent")
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return qs


def category_subtree_ids(category: Category) -> list[int]:
    return list(Category.objects.filter(path__startswith=category.path).values_list("id", flat=True))


def sku_list(
    *, user, brand_id: int | None = None, category_id: int | None = None, is_active: bool | None = None, search: str = ""
) -> QuerySet[SKU]:
    qs = SKU.objects.for_user(user).select_related("brand", "category")
    if brand_id is not None:
        qs = qs.filter(brand_id=brand_id)
    if category_id is not None:
        category = Category.objects.filter(pk=category_id).first()
        qs = qs.filter(category_id__in=category_subtree_ids(category)) if category else qs.none()
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search) | Q(gtin=search))
    return qs
