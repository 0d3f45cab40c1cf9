"""The navigation bar: each role sees links to what it may see, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


# (label, url name, permission needed, url names that mark the item active)
NAV = [
    (_("Home"), "home", None, {"home"}),
    (_("Outlets"), "outlet-list", "partners.view_outlet", {"outlet-list", "outlet-detail", "outlet-edit", "outlet-create"}),
    (_("Distributors"), "distributor-list", "partners.view_distributor", {"distributor-list", "distributor-detail", "distributor-edit"}),
    (_("Warehouses"), "warehouse-list", "partners.view_warehouse", {"warehouse-list"}),
    (_("SKUs"), "sku-list", "catalog.view_sku", {"sku-list", "sku-detail"}),
    (_("Stock"), "stock-list", "inventory.view_stockbalance", {"stock-list", "stock-card", "stock-count", "stock-transfers"}),
    (_("Stock alerts"), "stock-alerts", "inventory.view_stockalert", {"stock-alerts"}),
    (_("Orders"), "order-list", "orders.view_order", {"order-list", "order-detail", "order-create", "order-edit"}),
    (_("Deliveries"), "delivery-board", "orders.dispatch_order", {"delivery-board", "delivery-pod"}),
    (_("Purchase orders"), "po-list", "purchasing.view_purchaseorder", {"po-list", "po-create", "po-detail", "grn-entry"}),
    (_("Forecasts"), "forecast-index", "forecasting.view_forecastseries", {"forecast-index", "forecast-series", "forecast-aggregate"}),
    (_("Replenishment"), "suggestion-list", "replenishment.view_suggestedorder", {"suggestion-list", "suggestion-detail", "near-expiry"}),
    (_("Suggestion acceptance"), "suggestion-acceptance", "suggestions.view_suggestion", {"suggestion-acceptance", "must-sell-lists"}),
    (_("Geography"), "geography", "geography.view_geonode", {"geography"}),
    (_("Schemes and prices"), "scheme-list", "pricing.view_scheme",
     {"scheme-list", "scheme-create", "scheme-detail", "price-list-list", "price-list-create", "price-list-detail"}),
    (_("Invoices"), "invoice-list", "billing.view_invoice", {"invoice-list", "invoice-detail", "payment-create", "outlet-statement"}),
    (_("Claims"), "claim-list", "claims.view_claim", {"claim-list", "claim-detail", "claim-create", "claim-credit-note"}),
    # Built in distra.integrations; the link appears once that page exists.
    (_("Import / export"), "data-import", "integrations.export_data", {"data-import"}),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    items = []
    for label, name, perm, active_names in NAV:
        if perm is not None and not user.has_perm(perm):
            continue
        url = _url(name)
        if url is not None:
            items.append(NavItem(label=label, url=url, active=current in active_names))
    return {"nav_items": items}
