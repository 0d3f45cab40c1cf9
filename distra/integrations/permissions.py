"""Who may import and export which kind of master data (permissions from distra.accounts)."""

from distra.core.errors import Forbidden

IMPORT_ALL = "integrations.import_data"
IMPORT_CATALOG = "integrations.import_catalog"
EXPORT = "integrations.export_data"
VIEW_PERMS = {"distributors": "partners.view_distributor", "outlets": "partners.view_outlet", "skus": "catalog.view_sku",
              "price_lists": "pricing.view_pricelist", "schemes": "pricing.view_scheme"}
# Price lists and schemes are imported as drafts by whoever may create them (the brand).
PRICING_IMPORTS = {"price_lists": "pricing.add_pricelist", "schemes": "pricing.add_scheme"}


def may_import(user, kind: str) -> bool:
    """Administrators import every kind; brand managers import SKUs; whoever may add and change
    outlets (distributor users, ASMs, reps) imports outlets, each row within its own scope."""
    if user.has_perm(IMPORT_ALL):
        return True
    if kind == "skus":
        return user.has_perm(IMPORT_CATALOG)
    if kind in PRICING_IMPORTS:
        return user.has_perm(PRICING_IMPORTS[kind])
    if kind == "outlets":
        return user.has_perm("partners.add_outlet") and user.has_perm("partners.change_outlet")
    return False


def may_export(user, kind: str) -> bool:
    return user.has_perm(EXPORT) and user.has_perm(VIEW_PERMS[kind])


def require_import(user, kind: str) -> None:
    if not may_import(user, kind):
        raise Forbidden(f"Your role may not import {kind}.")


def require_export(user, kind: str) -> None:
    if not may_export(user, kind):
        raise Forbidden(f"Your role may not export {kind}.")
