"""Reads of the geography tree."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from distra.geography.choices import GeoKind
from distra.geography.models import GeoNode


def territory_ids_under(paths: Iterable[str]) -> list[int]:
    """Ids of the territories in the subtrees rooted at ``paths`` (materialised paths)."""
    paths = list(paths)
    if not paths:
        return []
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return list(GeoNode.objects.filter(q, kind=GeoKind.TERRITORY).values_list("id", flat=True))


def geonode_list(*, user, kind: str | None = None, parent_id: int | None = None, search: str = "") -> QuerySet[GeoNode]:
    qs = GeoNode.objects.for_user(user).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return qs


def geonode_get(*, user, node_id: int) -> GeoNode | None:
    return geonode_list(user=user).filter(pk=node_id).first()
