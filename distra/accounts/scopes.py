"""Build a user's DataScope from its role and assignments (see distra.core.scoping)."""

from distra.accounts.choices import Role
from distra.core.scoping import NO_SCOPE, DataScope


def build_scope(user) -> DataScope:
    if user.is_superuser or user.role in (Role.ADMINISTRATOR, Role.BRAND_MANAGER):
        return DataScope(role=user.role if not user.is_superuser else Role.ADMINISTRATOR, everything=True)
    if user.role == Role.DISTRIBUTOR:
        if user.distributor_id is None:
            return NO_SCOPE
        from distra.partners.selectors import territory_ids_served

        return DataScope(
            role=user.role,
            distributor_id=user.distributor_id,
            territory_ids=frozenset(territory_ids_served(user.distributor_id)),
        )
    if user.role in (Role.AREA_SALES_MANAGER, Role.FIELD_REP):
        paths, territory_ids = territories_of(user)
        return DataScope(role=user.role, geo_paths=paths, territory_ids=territory_ids)
    return NO_SCOPE


def territories_of(user) -> tuple[tuple[str, ...], frozenset[int]]:
    """The paths of the geography nodes ``user`` is assigned to and the territories under them
    (``territory_ids_under`` of those paths), in one statement: every request of a field rep or
    an area sales manager needs them."""
    from django.db import connection

    from distra.accounts.models import User
    from distra.core.sql import execute
    from distra.geography.choices import GeoKind
    from distra.geography.models import GeoNode

    quote = connection.ops.quote_name
    nodes, through = quote(GeoNode._meta.db_table), quote(User.geo_nodes.through._meta.db_table)
    sql = (f"SELECT n.path, t.id FROM {through} u JOIN {nodes} n ON n.id = u.geonode_id "  # noqa: S608 (no user text)
           f"LEFT JOIN {nodes} t ON t.kind = %s AND substr(t.path, 1, length(n.path)) = n.path WHERE u.user_id = %s")
    rows = execute(sql, [GeoKind.TERRITORY.value, user.pk])
    return tuple(sorted({path for path, _ in rows})), frozenset(t for _, t in rows if t is not None)
