"""What each role may do, per model: the table the RoleBackend answers ``has_perm`` from.

Data scope (which rows) is separate: see distra.core.scoping. A permission says which actions a
role may take on the rows it can see. Django's admin, the API and the pages all ask ``has_perm``.
"""

from distra.accounts.choices import Role

VIEW = {"view"}
EDIT = {"view", "add", "change"}
ALL = {"view", "add", "change", "delete"}

MASTER_MODELS = {
    "geography.geonode",
    "partners.distributor",
    "partners.distributorcontact",
    "partners.warehouse",
    "partners.outlet",
    "catalog.brand",
    "catalog.category",
    "catalog.sku",
}
CATALOG_MODELS = {"catalog.brand", "catalog.category", "catalog.sku"}
# Stock is written only by the inventory services; "add" on a stock move means "may post moves"
# (receipts, adjustments, transfers, counts), "add" on a reservation "may reserve and release".
INVENTORY_MODELS = {"inventory.batch", "inventory.stockmove", "inventory.stockbalance", "inventory.stockreservation"}
INVENTORY_VIEW = {model: VIEW for model in INVENTORY_MODELS}
# Primary orders (distra.purchasing): "add" on a purchase order means "may raise, edit, submit and
# cancel", "change" "may confirm, cancel and close" (the brand's side); "add" on a shipment "may
# ship from a depot"; "add" on a goods receipt "may record a GRN".
PURCHASING_MODELS = {"purchasing.purchaseorder", "purchasing.shipment", "purchasing.goodsreceipt"}
PURCHASING_VIEW = {model: VIEW for model in PURCHASING_MODELS}
# Inventory master data and alerts: supply terms (lead time, MOQ) and thresholds are the brand's to
# set (a distributor may set thresholds of its own); "change" on an alert means "may acknowledge".
INVENTORY_SETUP = {"inventory.supplyterm": EDIT, "inventory.stockthreshold": EDIT, "inventory.stockalert": {"view", "change"}}

# Orders: "add" takes orders (create, submit, allocate), "change" edits lines, "approve" approves or
# rejects, "cancel" cancels; "dispatch" and "deliver" run the delivery. Taking an order reserves
# stock, so the roles that take orders may reserve ("add" on a reservation).
ORDERS_VIEW = {"orders.order": VIEW, "orders.orderpolicy": VIEW, "orders.minshelflife": VIEW}
TAKE_ORDERS = {"view", "add", "change", "cancel"}
# Billing: "invoice" on an order issues its tax invoice; "add" on a credit note issues credit notes
# (and cancels an invoiced order's invoice), "add" on a payment records collections.
BILLING_VIEW = {"billing.invoice": VIEW, "billing.creditnote": VIEW, "billing.payment": VIEW}
BILLING_KEEP = {"billing.invoice": {"view", "add"}, "billing.creditnote": {"view", "add"}, "billing.payment": {"view", "add"}}
# Forecasting: "add" on a run starts one, "add" on an override sets a planner's quantity (with a
# reason). Replenishment: "add" on a suggested order generates suggestions, "change" edits their
# lines, "approve" approves or dismisses them (approval raises the purchase order); service levels
# per SKU class are the brand's, the autonomy policy (guardrails) the distributor's or the brand's.
FORECAST_VIEW = {"forecasting.forecastrun": VIEW, "forecasting.forecastseries": VIEW, "forecasting.forecastoverride": VIEW}
FORECAST_PLAN = {**FORECAST_VIEW, "forecasting.forecastrun": {"view", "add"}, "forecasting.forecastoverride": {"view", "add"}}
REPLENISHMENT_VIEW = {"replenishment.suggestedorder": VIEW, "replenishment.servicelevel": VIEW,
                      "replenishment.autonomypolicy": VIEW, "replenishment.replenishmentparameter": VIEW}
REPLENISHMENT_PLAN = {**REPLENISHMENT_VIEW, "replenishment.suggestedorder": {"view", "add", "change", "approve"},
                      "replenishment.autonomypolicy": EDIT}
# Pricing: the brand sets price lists and schemes ("add" creates drafts, "change" edits drafts,
# activates, pauses and ends); every role sees them and may quote a basket ("view").
PRICING_VIEW = {"pricing.pricelist": VIEW, "pricing.scheme": VIEW}
PRICING_KEEP = {"pricing.pricelist": EDIT, "pricing.scheme": EDIT}
# Outlet suggestions: "add" on a suggestion means "may be given one (recorded for the acceptance
# KPI)"; must-sell lists are the brand's to keep, every role sees them.
SUGGESTIONS_VIEW = {"suggestions.suggestion": VIEW, "suggestions.mustselllist": VIEW}
SUGGESTIONS_TAKE = {**SUGGESTIONS_VIEW, "suggestions.suggestion": {"view", "add"}}
SUGGESTIONS_KEEP = {**SUGGESTIONS_TAKE, "suggestions.mustselllist": ALL}

# Claims: "add" raises a manual claim, adds lines to a draft and submits (the distributor's side);
# "review" starts a review, decides lines and finishes it; "settle" issues the settling credit
# note; "generate" runs the claim generation by hand (the brand's side).
CLAIMS_VIEW = {"claims.claim": VIEW, "claims.claimcreditnote": VIEW, "claims.claimpolicy": VIEW}
CLAIMS_BRAND = {**CLAIMS_VIEW, "claims.claim": {"view", "review", "settle", "generate"}, "claims.claimpolicy": EDIT}
CLAIMS_DISTRIBUTOR = {**CLAIMS_VIEW, "claims.claim": {"view", "add"}}

ROLE_PERMISSIONS: dict[str, dict[str, set[str]]] = {
    # Administrators are superusers in Django's sense: everything, everywhere.
    Role.ADMINISTRATOR: {
        **{model: ALL for model in MASTER_MODELS},
        **{model: {"view", "add"} for model in INVENTORY_MODELS},
        **{model: ALL for model in PURCHASING_MODELS},
        **INVENTORY_SETUP,
        **ORDERS_VIEW,
        "orders.order": TAKE_ORDERS | {"approve", "dispatch", "deliver", "invoice"},
        "orders.orderpolicy": EDIT,
        "orders.minshelflife": EDIT,
        **BILLING_KEEP,
        **PRICING_KEEP,
        **FORECAST_PLAN, **REPLENISHMENT_PLAN, "replenishment.servicelevel": EDIT,
        **SUGGESTIONS_KEEP,
        **CLAIMS_BRAND, "claims.claim": {"view", "add", "review", "settle", "generate"},
    },
    # Brand managers see all data; they maintain the catalog and nothing else.
    Role.BRAND_MANAGER: {
        **{model: (ALL if model in CATALOG_MODELS else VIEW) for model in MASTER_MODELS},
        **INVENTORY_VIEW,
        # They run the brand's depots: receive depot stock and ship primary orders from it.
        "inventory.batch": {"view", "add"},
        "inventory.stockmove": {"view", "add"},
        **PURCHASING_VIEW,
        "purchasing.purchaseorder": {"view", "change"},
        "purchasing.shipment": {"view", "add"},
        **INVENTORY_SETUP,
        **ORDERS_VIEW,
        "orders.order": {"view", "approve"},
        "orders.minshelflife": EDIT,
        **BILLING_VIEW,
        **PRICING_KEEP,
        **FORECAST_PLAN, **REPLENISHMENT_PLAN, "replenishment.servicelevel": EDIT,
        **SUGGESTIONS_KEEP,
        **CLAIMS_BRAND,
    },
    # Area sales managers look after outlets in their area and see its distributors.
    Role.AREA_SALES_MANAGER: {
        **{model: VIEW for model in MASTER_MODELS},
        **INVENTORY_VIEW,
        **PURCHASING_VIEW,
        "partners.outlet": EDIT,
        "inventory.supplyterm": VIEW, "inventory.stockthreshold": VIEW, "inventory.stockalert": VIEW,
        "inventory.stockreservation": {"view", "add"},
        **ORDERS_VIEW,
        "orders.order": TAKE_ORDERS | {"approve"},
        **BILLING_VIEW,
        **PRICING_VIEW,
        **FORECAST_VIEW, **REPLENISHMENT_VIEW,
        **SUGGESTIONS_TAKE,
        **CLAIMS_VIEW,
    },
    # Distributor users keep their own outlets, warehouses and contacts current.
    Role.DISTRIBUTOR: {
        **{model: VIEW for model in MASTER_MODELS},
        "partners.outlet": EDIT,
        "partners.warehouse": {"view", "change"},
        "partners.distributorcontact": ALL,
        # They receive and adjust the stock of their own warehouses (the scope says which).
        **{model: {"view", "add"} for model in INVENTORY_MODELS},
        # They raise primary orders to the brand and record what arrives.
        **PURCHASING_VIEW,
        "purchasing.purchaseorder": {"view", "add"},
        "purchasing.goodsreceipt": {"view", "add"},
        "inventory.supplyterm": VIEW, "inventory.stockthreshold": EDIT, "inventory.stockalert": {"view", "change"},
        **ORDERS_VIEW,
        "orders.order": TAKE_ORDERS | {"approve", "dispatch", "deliver", "invoice"},
        "orders.orderpolicy": {"view", "change"},
        **BILLING_KEEP,
        **PRICING_VIEW,
        **FORECAST_PLAN, **REPLENISHMENT_PLAN,
        **SUGGESTIONS_TAKE,
        **CLAIMS_DISTRIBUTOR,
    },
    # Field reps onboard and update outlets on their beats.
    Role.FIELD_REP: {
        "geography.geonode": VIEW,
        "partners.distributor": VIEW,
        "partners.outlet": EDIT,
        "catalog.brand": VIEW,
        "catalog.category": VIEW,
        "catalog.sku": VIEW,
        **INVENTORY_VIEW,
        "inventory.stockalert": VIEW,
        "inventory.stockreservation": {"view", "add"},
        **ORDERS_VIEW,
        "orders.order": TAKE_ORDERS,
        **BILLING_VIEW,
        **PRICING_VIEW,
        **SUGGESTIONS_TAKE,
    },
}

# Permissions that are not about one model.
ROLE_EXTRA_PERMISSIONS: dict[str, set[str]] = {
    Role.ADMINISTRATOR: {"integrations.import_data", "integrations.export_data", "accounts.manage_users"},
    Role.BRAND_MANAGER: {"integrations.export_data", "integrations.import_catalog"},
    Role.AREA_SALES_MANAGER: {"integrations.export_data"},
    Role.DISTRIBUTOR: {"integrations.export_data"},
    Role.FIELD_REP: set(),
}


def role_permissions(role: str) -> set[str]:
    """Django permission strings ("app_label.action_model") granted to ``role``."""
    perms = set(ROLE_EXTRA_PERMISSIONS.get(role, set()))
    for model, actions in ROLE_PERMISSIONS.get(role, {}).items():
        app_label, model_name = model.split(".")
        perms.update(f"{app_label}.{action}_{model_name}" for action in actions)
    return perms
