"""Base model and the scoped queryset every data-bearing model uses."""

from django.db import models

from distra.core.scoping import ScopedQuerySet


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
