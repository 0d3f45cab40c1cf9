"""The navigation bar: a few groups (Bootstrap dropdowns), each listing the links its user may
see. A link shows only with its permission and once its page exists; a group with no such link
is not shown. The current page marks its link (aria-current="page") and its group."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class NavGroup:
    """A top-level entry: one link (``items`` holds just it, ``label`` is None) or a dropdown."""

    key: str
    label: str | None
    items: tuple[NavItem, ...]

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)


# (label, url name, permission needed, url names that mark the item active)
HOME = (_("Home"), "home", None, {"home"})
OUTLETS = (_("Outlets"), "outlet-list", "partners.view_outlet", {"outlet-list", "outlet-detail", "outlet-edit", "outlet-create"})
DISTRIBUTORS = (_("Distributors"), "distributor-list", "partners.view_distributor", {"distributor-list", "distributor-detail", "distributor-edit"})
WAREHOUSES = (_("Warehouses"), "warehouse-list", "partners.view_warehouse", {"warehouse-list"})
GEOGRAPHY = (_("Geography"), "geography", "geography.view_geonode", {"geography"})
SKUS = (_("SKUs"), "sku-list", "catalog.view_sku", {"sku-list", "sku-detail"})
SCHEMES = (_("Schemes and prices"), "scheme-list", "pricing.view_scheme",
           {"scheme-list", "scheme-create", "scheme-detail", "price-list-list", "price-list-create", "price-list-detail"})
STOCK = (_("Stock"), "stock-list", "inventory.view_stockbalance", {"stock-list", "stock-card", "stock-count", "stock-transfers"})
STOCK_ALERTS = (_("Stock alerts"), "stock-alerts", "inventory.view_stockalert", {"stock-alerts"})
PURCHASE_ORDERS = (_("Purchase orders"), "po-list", "purchasing.view_purchaseorder", {"po-list", "po-create", "po-detail", "grn-entry"})
ORDERS = (_("Orders"), "order-list", "orders.view_order", {"order-list", "order-detail", "order-create", "order-edit"})
DELIVERIES = (_("Deliveries"), "delivery-board", "orders.dispatch_order", {"delivery-board", "delivery-pod"})
INVOICES = (_("Invoices"), "invoice-list", "billing.view_invoice", {"invoice-list", "invoice-detail", "payment-create", "outlet-statement"})
CLAIMS = (_("Claims"), "claim-list", "claims.view_claim", {"claim-list", "claim-detail", "claim-create", "claim-credit-note"})
FORECASTS = (_("Forecasts"), "forecast-index", "forecasting.view_forecastseries", {"forecast-index", "forecast-series", "forecast-aggregate"})
REPLENISHMENT = (_("Replenishment"), "suggestion-list", "replenishment.view_suggestedorder", {"suggestion-list", "suggestion-detail", "near-expiry"})
SUGGESTIONS = (_("Suggestion acceptance"), "suggestion-acceptance", "suggestions.view_suggestion", {"suggestion-acceptance", "must-sell-lists"})
# Built in distra.integrations; the link appears once that page exists.
IMPORT_EXPORT = (_("Import / export"), "data-import", "integrations.export_data", {"data-import"})

# (key, group label or None for a plain link, its entries), in the bar's order.
NAV = [
    ("home", None, [HOME]),
    ("partners", _("Partners"), [OUTLETS, DISTRIBUTORS, WAREHOUSES, GEOGRAPHY]),
    ("catalog", _("Catalog and prices"), [SKUS, SCHEMES]),
    ("inventory", _("Inventory"), [STOCK, STOCK_ALERTS, PURCHASE_ORDERS]),
    ("sales", _("Sales"), [ORDERS, DELIVERIES, INVOICES, CLAIMS]),
    ("planning", _("Planning"), [FORECASTS, REPLENISHMENT, SUGGESTIONS]),
    ("import-export", None, [IMPORT_EXPORT]),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _visible_items(user, entries, current: str | None) -> tuple[NavItem, ...]:
    items = []
    for label, name, perm, active_names in entries:
        if perm is not None and not user.has_perm(perm):
            continue
        url = _url(name)
        if url is not None:
            items.append(NavItem(label=label, url=url, active=current in active_names))
    return tuple(items)


def navigation(request) -> dict:
    """``nav_groups``: the bar's entries the user may see; ``nav_items``: their links, flat."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": [], "nav_items": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    groups = []
    for key, label, entries in NAV:
        items = _visible_items(user, entries, current)
        if items:
            groups.append(NavGroup(key=key, label=label, items=items))
    return {"nav_groups": groups, "nav_items": [item for group in groups for item in group.items]}
