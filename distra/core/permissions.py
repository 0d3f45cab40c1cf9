"""Checks every write makes inside its transaction: may this user act, on this row?"""

from distra.core.errors import Forbidden, NotFound


def require_perm(user, perm: str) -> None:
    """Raise Forbidden (403) unless ``user`` holds ``perm`` ("app.action_model")."""
    if not user.has_perm(perm):
        raise Forbidden()


def require_in_scope(user, instance, message: str = "Not found.") -> None:
    """Raise NotFound (404) unless ``instance`` is within ``user``'s data scope.

    Out-of-scope rows are reported as missing, so that their existence is not revealed.
    """
    model = type(instance)
    if not model.objects.for_user(user).filter(pk=instance.pk).exists():
        raise NotFound(message)
