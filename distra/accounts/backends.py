from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from distra.accounts.permissions import role_permissions
from distra.core.sql import execute


class RoleBackend(ModelBackend):
    """Password authentication plus permissions taken from the user's role (see permissions.py).

    Roles live in code, not in editable groups, so that what a role may do is reviewed like code.
    """

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return role_permissions(getattr(user_obj, "role", ""))

    def get_user_permissions(self, user_obj, obj=None):
        """The permissions given to the user itself (in the admin), in one plain statement: every
        API call asks, and the ORM's join costs a millisecond of Python each time."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_user_permissions(user_obj, obj)
        if not hasattr(user_obj, "_user_perm_cache"):
            user_obj._user_perm_cache = {perm for (perm,) in execute(own_permissions_sql("%s"), [user_obj.pk])}
        return user_obj._user_perm_cache


@lru_cache(maxsize=4)
def own_permissions_sql(user: str) -> str:
    """The permissions given to the user ``user`` names (a placeholder, or a column of an outer
    query) itself, one "app_label.codename" per row: what ``get_user_permissions`` reads, and
    what ``accounts.services.token_authenticate`` reads in the token's statement."""
    quote = connection.ops.quote_name
    through = get_user_model().user_permissions.through._meta.db_table
    return (f"SELECT c.app_label || '.' || p.codename FROM {quote(Permission._meta.db_table)} p "  # noqa: S608 (no user text)
            f"JOIN {quote(ContentType._meta.db_table)} c ON c.id = p.content_type_id "
            f"JOIN {quote(through)} x ON x.permission_id = p.id WHERE x.user_id = {user}")
