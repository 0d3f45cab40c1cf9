from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from distra.core.models import ScopedModel
from distra.geography.choices import PARENT_KIND, GeoKind


class GeoNode(ScopedModel):
    """A node of the sales geography: country → region → area → territory.

    ``path`` is the materialised chain of ids ("/1/4/9/"), so a subtree is one indexed prefix
    match. Invariant: a node's kind is the one below its parent's kind; a country has no parent;
    ``country_code`` is the country's ISO code, copied down the tree (phones and tax ids use it).
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=GeoKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    country_code = models.CharField(_("country code"), max_length=2, default="IN")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("geography node")
        verbose_name_plural = _("geography")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=GeoKind.COUNTRY, parent__isnull=True) | (~Q(kind=GeoKind.COUNTRY) & Q(parent__isnull=False)),
                name="geonode_only_countries_are_roots",
            ),
            models.CheckConstraint(condition=Q(kind__in=GeoKind.values), name="geonode_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        expected = PARENT_KIND.get(self.kind)
        parent_kind = self.parent.kind if self.parent_id else None
        if parent_kind != expected:
            message = _("A %(kind)s must sit under a %(expected)s.") % {"kind": self.kind, "expected": expected or _("nothing")}
            raise ValidationError({"parent": ValidationError(message, code="invalid_parent")})

    @classmethod
    def scope_q(cls, scope) -> Q:
        # A scoped user sees the subtrees of its nodes and the territories it covers (a
        # distributor user: the territories it serves). Ancestors are not shown.
        q = Q(id__in=scope.territory_ids)
        for path in scope.geo_paths:
            q |= Q(path__startswith=path)
        return q
