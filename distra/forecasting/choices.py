"""Forecast levels, run status values and their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ForecastLevel(models.TextChoices):
    DISTRIBUTOR_SKU = "distributor_sku", _("Distributor × SKU")
    OUTLET_SKU = "outlet_sku", _("Outlet × SKU")


class AggregateKind(models.TextChoices):
    """Aggregates stored with a distributor × SKU run: sums of its bottom-level forecasts."""

    TERRITORY = "territory", _("Territory")
    REGION = "region", _("Region")
    CATEGORY = "category", _("Category")
    BRAND = "brand", _("Brand")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


# A run is claimed once (queued → running) and ends once. queued → failed: never started (its
# worker was lost; see services.forecast_runs_prune).
RUN_TRANSITIONS = {
    RunStatus.QUEUED: {RunStatus.RUNNING, RunStatus.FAILED},
    RunStatus.RUNNING: {RunStatus.SUCCEEDED, RunStatus.FAILED},
    RunStatus.SUCCEEDED: set(),
    RunStatus.FAILED: set(),
}
FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED)
