"""Base model and the scoped queryset every data-bearing model uses."""

from decimal import Decimal

from django.db import models
from django.db.models import Value
from django.db.models.functions import Abs
from django.db.models.lookups import GreaterThan, LessThan

from distra.core.scoping import ScopedQuerySet

HALF_PAISA = Decimal("0.005")


def same_money(left, right) -> LessThan:
    """A check-constraint condition: left = right to the paisa. Amounts have two decimals, so on
    PostgreSQL (numeric) this is exact equality; the half-paisa tolerance absorbs SQLite, which
    evaluates decimal arithmetic in floating point (an exact equality there refuses about one
    correct row in five)."""
    return LessThan(Abs(left - right), Value(HALF_PAISA))


def not_below(left, right) -> GreaterThan:
    """A check-constraint condition: left >= right to the paisa (see same_money)."""
    return GreaterThan(left - right, Value(-HALF_PAISA))


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ScopedModel(TimeStampedModel):
    """A model whose rows belong to part of the sales organisation.

    Subclasses implement ``scope_q(scope)``: the filter that keeps only the rows the scope may see.
    ``Model.objects.for_user(user)`` is the one way every selector, the API, the admin and the
    pages read such rows.
    """

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
