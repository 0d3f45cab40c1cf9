from django.contrib.auth.backends import ModelBackend

from distra.accounts.permissions import role_permissions


class RoleBackend(ModelBackend):
    """Password authentication plus permissions taken from the user's role (see permissions.py).

    Roles live in code, not in editable groups, so that what a role may do is reviewed like code.
    """

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return role_permissions(getattr(user_obj, "role", ""))
