from django.db import models
from django.utils.translation import gettext_lazy as _


class DistributorStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


# Allowed status changes; the distributor lifecycle issue adds onboarding steps in between.
DISTRIBUTOR_TRANSITIONS = {
    DistributorStatus.PROSPECT: {DistributorStatus.ACTIVE, DistributorStatus.TERMINATED},
    DistributorStatus.ACTIVE: {DistributorStatus.SUSPENDED, DistributorStatus.TERMINATED},
    DistributorStatus.SUSPENDED: {DistributorStatus.ACTIVE, DistributorStatus.TERMINATED},
    DistributorStatus.TERMINATED: set(),
}


class OutletStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    CLOSED = "closed", _("Closed")


class Channel(models.TextChoices):
    GENERAL_TRADE = "general_trade", _("General trade")
    MODERN_TRADE = "modern_trade", _("Modern trade")
    PHARMACY = "pharmacy", _("Pharmacy")
    HORECA = "horeca", _("HoReCa")
    WHOLESALE = "wholesale", _("Wholesale")


class OutletClass(models.TextChoices):
    A = "A", _("A")
    B = "B", _("B")
    C = "C", _("C")


class WarehouseKind(models.TextChoices):
    DISTRIBUTOR = "distributor", _("Distributor's warehouse")
    DEPOT = "depot", _("Brand depot")
    QUARANTINE = "quarantine", _("Quarantine (damaged stock)")


# Kinds whose stock is sold to outlets: orders are placed on, and allocated from, these only.
SELLING_WAREHOUSE_KINDS = (WarehouseKind.DISTRIBUTOR,)
