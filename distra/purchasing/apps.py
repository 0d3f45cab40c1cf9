from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "distra.purchasing"
    verbose_name = _("Primary orders and goods receipt")
