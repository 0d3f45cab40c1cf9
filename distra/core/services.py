"""Helpers the services of every context share."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models

from distra.core.errors import FieldProblem, ValidationFailed


def apply_changes(instance: models.Model, changes: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the ``allowed`` fields present in ``changes`` on ``instance``; return what changed.

    An unknown field is a validation error, never silently ignored.
    """
    allowed = set(allowed)
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed({name: [FieldProblem("unknown_field", "This field cannot be changed here.")] for name in unknown})
    changed = []
    for name, value in changes.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            current, new = getattr(instance, field.attname), getattr(value, "pk", value)
        else:
            current, new = getattr(instance, name), value
        if current != new or instance._state.adding:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def save_validated(instance: models.Model, *, exclude: Iterable[str] = ()) -> models.Model:
    """full_clean() then save(); validation and unique-key races become a 422, never a 500.

    Check constraints are not re-validated here (each costs a query per row in Django's
    implementation): every one of them restates a field validator or a clean() rule, and the
    database still enforces them, answered as a 422 below if a row ever slips past.
    """
    try:
        instance.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    try:
        instance.save()
    except IntegrityError as exc:
        raise ValidationFailed({"__all__": [FieldProblem("integrity", f"This conflicts with existing data: {exc}")]}) from exc
    return instance


def guarded_status_change(instance: models.Model, to: str, transitions: Mapping[str, Iterable[str]], **fields: Any) -> bool:
    """Move ``instance`` to status ``to`` if ``transitions`` allow it from the status it has in the
    database: one guarded UPDATE (``WHERE status = <the status read>``), so two workers cannot
    both claim a job. Refuses a transition the table forbids (409 ``invalid_transition``);
    returns False when the row has moved on meanwhile. Sets ``updated_at`` and ``fields`` too."""
    from django.utils import timezone

    from distra.core.errors import Conflict

    if to not in transitions[instance.status]:
        raise Conflict(f"Cannot go from {instance.status} to {to}.", code="invalid_transition")
    changed = type(instance).objects.filter(pk=instance.pk, status=instance.status).update(status=to, updated_at=timezone.now(), **fields)
    if changed:
        instance.status = to
        for name, value in fields.items():
            setattr(instance, name, value)
    return bool(changed)
