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
from distra.partners.choices import Channel, OutletClass, OutletStatus


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


@dataclass
class Series:
    key: str
    label: str
    values: list[int]


@dataclass
class Chart:
    """One chart of the home page: the rows of its table are its labels, the columns its series.
    ``kind`` is "bar", "stacked" (a bar per label split by series) or "doughnut"."""

    key: str
    kind: str
    title: str
    heading: str
    labels: list[str]
    keys: list[str]
    series: list[Series]
    note: str = ""

    @property
    def rows(self) -> list[tuple[str, list[int], int]]:
        """(label, a value per series, their total) for the chart's table."""
        columns = [s.values for s in self.series]
        return [(label, [c[i] for c in columns], sum(c[i] for c in columns)) for i, label in enumerate(self.labels)]

    def as_data(self) -> dict:
        return {
            "kind": self.kind,
            "labels": self.labels,
            "keys": self.keys,
            "series": [{"key": s.key, "label": s.label, "values": s.values} for s in self.series],
        }


def _one_series(key: str, kind: str, title: str, heading: str, counts: dict[str, int], choices) -> Chart:
    names = dict(choices.choices)
    labels = [str(names[value]) for value in counts]
    return Chart(key, kind, title, heading, labels, list(counts), [Series("outlets", _("Outlets"), list(counts.values()))])


def home_charts(user) -> list[Chart]:
    """The outlets in the user's scope by channel, by class per territory and by status; none
    for a role that may not see outlets or a scope without any."""
    if not user.has_perm("partners.view_outlet"):
        return []
    breakdown = partners.outlet_breakdown(user=user)
    if not breakdown.total:
        return []
    territories = breakdown.territories
    note = ""
    if breakdown.territory_count > len(territories):
        note = _("The %(shown)d territories with the most outlets, of %(count)d.") % {
            "shown": len(territories), "count": breakdown.territory_count,
        }
    by_class = Chart(
        "territory-class", "stacked", _("Outlets by class per territory"), _("Territory"),
        [t.name for t in territories], [str(t.territory_id) for t in territories],
        [
            Series(value, _("Class %(class)s") % {"class": value}, [t.by_class[value] for t in territories])
            for value in OutletClass.values
        ],
        note,
    )
    return [
        _one_series("channel", "bar", _("Outlets by channel"), _("Channel"), breakdown.by_channel, Channel),
        _one_series("status", "doughnut", _("Outlets by status"), _("Status"), breakdown.by_status, OutletStatus),
        by_class,
    ]


def chart_data(charts: list[Chart]) -> dict:
    """What the page's script draws, keyed as the canvases are (passed with json_script)."""
    return {chart.key: chart.as_data() for chart in charts}


__all__ = ["Chart", "Series", "Tile", "chart_data", "describe_scope", "home_charts", "home_tiles"]
