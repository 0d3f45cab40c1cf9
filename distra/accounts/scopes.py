"""Build a user's DataScope from its role and assignments (see distra.core.scoping)."""

from distra.accounts.choices import Role
from distra.core.scoping import NO_SCOPE, DataScope


def build_scope(user) -> DataScope:
    from distra.geography.selectors import territory_ids_under

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
        paths = tuple(user.geo_nodes.values_list("path", flat=True))
        return DataScope(role=user.role, geo_paths=paths, territory_ids=frozenset(territory_ids_under(paths)))
    return NO_SCOPE
