"""The one data-scope mechanism.

A ``DataScope`` says which part of the sales organisation a user may see: everything (administrator,
brand manager), a set of territories (area sales manager: the territories under its geography
nodes; field rep: its territories), or one distributor (distributor user). Each scoped model turns a
scope into a filter with ``scope_q``; ``Model.objects.for_user(user)`` applies it. Selectors, the
API, the admin and the pages all read through ``for_user``, so the rule is written once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class DataScope:
    role: str
    everything: bool = False
    territory_ids: frozenset[int] = frozenset()
    geo_paths: tuple[str, ...] = ()
    distributor_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and not self.territory_ids and self.distributor_id is None and not self.geo_paths


NO_SCOPE = DataScope(role="")


def scope_for(user) -> DataScope:
    """The scope of ``user``, computed once per user object (i.e. once per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_distra_scope", None)
    if cached is None:
        from distra.accounts.scopes import build_scope

        cached = build_scope(user)
        user._distra_scope = cached
    return cached


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user) -> ScopedQuerySet:
        return self.for_scope(scope_for(user))

    def for_scope(self, scope: DataScope) -> ScopedQuerySet:
        if scope.everything:
            return self.all()
        if scope.nothing:
            return self.none()
        return self.filter(self.model.scope_q(scope))


def confirm_in_scope(user, model, pk) -> None:
    """Record that the row ``pk`` of ``model`` is within ``user``'s scope, checked by the caller in
    this request (the user object lives for one request), so that a service it calls next need not
    ask the database again (``confirmed_in_scope``)."""
    user.__dict__.setdefault("_distra_in_scope", set()).add((model._meta.label, pk))


def confirmed_in_scope(user, model, pk) -> bool:
    return (model._meta.label, pk) in user.__dict__.get("_distra_in_scope", ())
