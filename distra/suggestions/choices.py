"""Choices of outlet suggestions: where a suggested line's quantity comes from, and where a
suggestion was given."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Basis(models.TextChoices):
    """Where a line's quantity comes from, best first (docs/suggestions.md)."""

    OUTLET_FORECAST = "outlet_forecast", _("Outlet × SKU forecast")
    DISTRIBUTOR_SHARE = "distributor_share", _("Outlet's share of the distributor's forecast")
    HISTORY = "history", _("Outlet's purchase history")
    MUST_SELL = "must_sell", _("Must-sell SKU not bought")
    BEST_SELLER = "best_seller", _("Channel best-seller (no history)")


class GivenThrough(models.TextChoices):
    API = "api", _("API (rep app)")
    WEB = "web", _("Outlet page")
    SYSTEM = "system", _("System")
