"""What a user covers, in words and in numbers, for the home and profile pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from distra.accounts.choices import Role
from distra.catalog import selectors as catalog
from distra.core.scoping import scope_for
from distra.geography import selectors as geography
from distra.geography.choices import GeoKind
from distra.partners import selectors as partners


def _names(items) -> str:
    return ", ".join(str(item) for item in items)


def describe_scope(user) -> str:
    """One sentence saying which part of the organisation ``user`` sees."""
    scope = scope_for(user)
    if scope.everything:
        return _("You see the whole organisation: every territory, distributor and outlet.")
    if scope.nothing:
        return _("You do not cover any part of the organisation yet; ask an administrator to assign it.")
    territories = [node.name for node in geography.geonode_list(user=user, kind=GeoKind.TERRITORY).order_by("name")]
    if user.role == Role.DISTRIBUTOR:
        distributor = partners.distributor_list(user=user).first()
        return _("You see the data of distributor %(distributor)s, which serves %(territories)s.") % {
            "distributor": distributor, "territories": _names(territories) or "—",
        }
    nodes = user.geo_nodes.order_by("path")
    return ngettext(
        "You cover %(nodes)s: %(count)d territory (%(territories)s).",
        "You cover %(nodes)s: %(count)d territories (%(territories)s).",
        len(territories),
    ) % {"nodes": _names(nodes), "count": len(territories), "territories": _names(territories)}


@dataclass
class Tile:
    label: str
    count: int
    url_name: str


def home_tiles(user) -> list[Tile]:
    """How many outlets, distributors, SKUs and territories the user's scope holds (those its role
    may see)."""
    tiles = []
    if user.has_perm("partners.view_outlet"):
        tiles.append(Tile(_("Outlets"), partners.outlet_list(user=user).count(), "outlet-list"))
    if user.has_perm("partners.view_distributor"):
        tiles.append(Tile(_("Distributors"), partners.distributor_list(user=user).count(), "distributor-list"))
    if user.has_perm("catalog.view_sku"):
        tiles.append(Tile(_("SKUs"), catalog.sku_list(user=user).count(), "sku-list"))
    if user.has_perm("geography.view_geonode"):
        count = geography.geonode_list(user=user, kind=GeoKind.TERRITORY).count()
        tiles.append(Tile(_("Territories"), count, "geography"))
    return tiles

__all__ = ["Tile", "describe_scope", "home_tiles"]
