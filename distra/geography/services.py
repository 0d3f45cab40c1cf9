"""Every write to the geography tree."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from distra.core.errors import Conflict, ValidationFailed
from distra.core.permissions import require_in_scope, require_perm
from distra.geography.models import GeoNode


@transaction.atomic
def geonode_create(*, by, code: str, name: str, kind: str, parent: GeoNode | None, country_code: str = "IN") -> GeoNode:
    """Create a node under ``parent`` and set its materialised path."""
    require_perm(by, "geography.add_geonode")
    node = GeoNode(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        country_code=(parent.country_code if parent else country_code).upper(),
    )
    try:
        node.full_clean(exclude=["path"])
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    node.save()
    node.path = f"{parent.path if parent else '/'}{node.pk}/"
    GeoNode.objects.filter(pk=node.pk).update(path=node.path)
    return node


@transaction.atomic
def geonode_update(*, by, node: GeoNode, name: str | None = None, code: str | None = None) -> GeoNode:
    """Rename a node. Moving a node to another parent is not offered: it would silently change
    every user's and outlet's scope below it."""
    require_perm(by, "geography.change_geonode")
    require_in_scope(by, node)
    if name is not None:
        node.name = name.strip()
    if code is not None:
        node.code = code.strip()
    try:
        node.full_clean(exclude=["path"])
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    node.save()
    return node


@transaction.atomic
def geonode_delete(*, by, node: GeoNode) -> None:
    require_perm(by, "geography.delete_geonode")
    require_in_scope(by, node)
    try:
        node.delete()
    except ProtectedError as exc:
        raise Conflict("This node still has children, outlets or users; move or delete them first.", code="in_use") from exc
