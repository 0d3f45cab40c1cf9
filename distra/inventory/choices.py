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


class AlertKind(models.TextChoices):
    OUT_OF_STOCK = "out_of_stock", _("out of stock")
    BELOW_REORDER_LEVEL = "below_reorder_level", _("below reorder level")
    OVERSTOCK = "overstock", _("overstock")
    NEAR_EXPIRY = "near_expiry", _("near expiry")
    EXPIRED = "expired", _("expired stock on hand")


# Kinds about a SKU at a warehouse (no batch) and kinds about one batch.
SKU_ALERT_KINDS = (AlertKind.OUT_OF_STOCK, AlertKind.BELOW_REORDER_LEVEL, AlertKind.OVERSTOCK)
BATCH_ALERT_KINDS = (AlertKind.NEAR_EXPIRY, AlertKind.EXPIRED)
# The only kind raised at a quarantine warehouse: its stock is never sold, so out of stock, reorder
# level, overstock and near expiry say nothing there; expired stock still on hand asks for a write-off.
QUARANTINE_ALERT_KINDS = (AlertKind.EXPIRED,)


class AlertStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    RESOLVED = "resolved", _("resolved")


# The allowed status changes: a person acknowledges; only the evaluation resolves.
ALERT_TRANSITIONS = {
    AlertStatus.OPEN: {AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED},
    AlertStatus.ACKNOWLEDGED: {AlertStatus.RESOLVED},
    AlertStatus.RESOLVED: set(),
}
