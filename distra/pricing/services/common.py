"""What the pricing services share: the cache token, the lifecycle with its audit trail, and
per-field problems."""

from __future__ import annotations

import uuid

from django.db.models import Model

from distra.core.errors import Conflict, FieldProblem, ValidationFailed
from distra.pricing.choices import LIFECYCLE_TRANSITIONS, EventKind
from distra.pricing.models import PriceList, PricingEvent, PricingVersion, Scheme

Problems = dict[str, list[FieldProblem]]


def add(problems: Problems, name: str, code: str, message: str) -> None:
    problems.setdefault(name, []).append(FieldProblem(code, message))


def raise_if(problems: Problems) -> None:
    if problems:
        raise ValidationFailed(problems)


def bump_version() -> None:
    """Give the pricing data a new token (in the caller's transaction): every process's cache of
    live price lists and schemes reloads on its next quote after this commits."""
    token = uuid.uuid4().hex
    if not PricingVersion.objects.filter(pk=1).update(token=token):
        PricingVersion.objects.update_or_create(pk=1, defaults={"token": token})


def record(subject: Model, *, by, kind: str, from_status: str = "", to_status: str = "", note: str = "", **detail) -> PricingEvent:
    key = "price_list" if isinstance(subject, PriceList) else "scheme"
    return PricingEvent.objects.create(**{key: subject}, kind=kind, from_status=from_status, to_status=to_status,
                                       user=by if getattr(by, "pk", None) else None, note=note[:200], detail=detail)


class TransitionNotAllowed(Conflict):
    def __init__(self, subject: PriceList | Scheme, target: str):
        super().__init__(f"{subject.code} is {subject.status}; it cannot become {target}.", code="transition_not_allowed")


def move_to(subject: PriceList | Scheme, target: str, *, by, note: str = "") -> None:
    """Change the status along LIFECYCLE_TRANSITIONS (the row is locked by the caller), with its event."""
    if target not in LIFECYCLE_TRANSITIONS[subject.status]:
        raise TransitionNotAllowed(subject, target)
    source = subject.status
    subject.status = target
    subject.save(update_fields=["status", "updated_at"])
    record(subject, by=by, kind=EventKind.STATUS, from_status=source, to_status=target, note=note)
    bump_version()


def window_problems(valid_from, valid_to, problems: Problems) -> None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        add(problems, "valid_to", "window_ends_before_start", "The validity window ends before it starts.")
