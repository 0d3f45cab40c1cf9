from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    BRAND_MANAGER = "brand_manager", _("Brand manager")
    AREA_SALES_MANAGER = "area_sales_manager", _("Area sales manager")
    DISTRIBUTOR = "distributor", _("Distributor user")
    FIELD_REP = "field_rep", _("Field rep")
