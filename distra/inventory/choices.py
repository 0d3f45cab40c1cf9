from django.db import models
from django.utils.translation import gettext_lazy as _


class MoveKind(models.TextChoices):
    OPENING = "opening", _("opening balance")
    RECEIPT = "receipt", _("goods receipt")
    SALE_ISSUE = "sale_issue", _("sale issue")
    RETURN_SALEABLE = "return_saleable", _("customer return (saleable)")
    RETURN_DAMAGED = "return_damaged", _("customer return (damaged)")
    TRANSFER_OUT = "transfer_out", _("transfer out")
    TRANSFER_IN = "transfer_in", _("transfer in")
    ADJUSTMENT = "adjustment", _("adjustment")


class AdjustmentReason(models.TextChoices):
    COUNT_VARIANCE = "count_variance", _("count variance")
    DAMAGE = "damage", _("damage")
    EXPIRY_WRITE_OFF = "expiry_write_off", _("expiry write-off")
    SHRINKAGE = "shrinkage", _("shrinkage")
