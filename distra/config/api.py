"""The one NinjaAPI: mounts each context's router. Wiring only."""

from ninja import NinjaAPI

from distra.core.api import BearerAuth, SessionAuth, install_error_handlers

api = NinjaAPI(
    title="Distra API",
    version="1",
    description=(
        "Distra's REST API. Authenticate with `POST /api/v1/auth/token` and send "
        "`Authorization: Bearer <token>` on every call. Lists are paginated "
        "(`limit`, `offset`) and return `{items, count}`; errors are `{code, message, fields}`."
    ),
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("/auth", "distra.accounts.api.router")
api.add_router("/geography", "distra.geography.api.router")
api.add_router("/distributors", "distra.partners.api.distributors_router")
api.add_router("/warehouses", "distra.partners.api.warehouses_router")
api.add_router("/outlets", "distra.partners.api.outlets_router")
api.add_router("/brands", "distra.catalog.api.brands_router")
api.add_router("/categories", "distra.catalog.api.categories_router")
api.add_router("/skus", "distra.catalog.api.skus_router")
api.add_router("/imports", "distra.integrations.api.imports_router")
api.add_router("/exports", "distra.integrations.api.exports_router")
api.add_router("/stock", "distra.inventory.api.router")
api.add_router("/orders", "distra.orders.api.router")
api.add_router("/billing", "distra.billing.api.router")
api.add_router("/purchasing", "distra.purchasing.api.router")
api.add_router("/pricing", "distra.pricing.api.router")
api.add_router("/claims", "distra.claims.api.router")
api.add_router("/forecasting", "distra.forecasting.api.router")
api.add_router("/replenishment", "distra.replenishment.api.router")
api.add_router("/outlets", "distra.suggestions.api.outlet_router")
api.add_router("/suggestions", "distra.suggestions.api.router")
