"""Checks every write makes inside its transaction: may this user act, on this row?"""

from distra.core.errors import Forbidden, NotFound


def require_perm(user, perm: str) -> None:
    """Raise Forbidden (403) unless ``user`` holds ``perm`` ("app.action_model")."""
    if not user.has_perm(perm):
        raise Forbidden()


def require_model_perm(user, model, action: str) -> None:
    """Raise Forbidden (403) unless ``user`` may ``action`` ("view", "add", "change", "delete")
    rows of ``model``. The API checks it before reading a payload, so that a role that may not
    write gets 403 rather than a 422 about its input; the pages check "view" before a list."""
    require_perm(user, f"{model._meta.app_label}.{action}_{model._meta.model_name}")


def require_view(user, model) -> None:
    require_model_perm(user, model, "view")


def require_in_scope(user, instance, message: str = "Not found.") -> None:
    """Raise NotFound (404) unless ``instance`` is within ``user``'s data scope.

    Out-of-scope rows are reported as missing, so that their existence is not revealed.
    """
    model = type(instance)
    if not model.objects.for_user(user).filter(pk=instance.pk).exists():
        raise NotFound(message)
