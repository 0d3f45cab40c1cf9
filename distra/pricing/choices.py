"""Kinds, statuses and the lifecycle of price lists and schemes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Lifecycle(models.TextChoices):
    """The status of a price list or a scheme. Only ``active`` ones price anything."""

    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


L = Lifecycle
# The only status changes a service may make; each one writes a PricingEvent.
LIFECYCLE_TRANSITIONS: dict[str, frozenset[str]] = {
    L.DRAFT: frozenset({L.ACTIVE, L.ENDED}),
    L.ACTIVE: frozenset({L.PAUSED, L.ENDED}),
    L.PAUSED: frozenset({L.ACTIVE, L.ENDED}),
    L.ENDED: frozenset(),
}
# Draft price lists and schemes can be edited; once live they are paused, changed by a new one, or ended.
EDITABLE = frozenset({L.DRAFT})


class SchemeKind(models.TextChoices):
    PERCENT_OFF = "percent_off", _("Percentage off")
    AMOUNT_OFF = "amount_off", _("Amount off per unit or case")
    QUANTITY_SLAB = "quantity_slab", _("Quantity slabs")
    FREE_GOODS = "free_goods", _("Free goods (buy X get Y)")
    VALUE_SLAB = "value_slab", _("Order-value slabs")
    COMBO = "combo", _("Combo (bundle)")
    FIRST_ORDER = "first_order", _("First order of a new outlet")


class Per(models.TextChoices):
    """The unit an amount, a slab or a buy-X count is expressed in."""

    UNIT = "unit", _("unit")
    CASE = "case", _("case")


class Stacking(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Exclusive")
    COMBINABLE = "combinable", _("Combinable")


class BudgetBasis(models.TextChoices):
    NONE = "", _("No budget")
    VALUE = "value", _("Value (benefit given)")
    QUANTITY = "quantity", _("Quantity (units given free or discounted)")


class TargetKind(models.TextChoices):
    """What a scheme target row names. Rows of one kind are alternatives (any of them); kinds
    combine (all of them). A kind without rows does not restrict."""

    GEOGRAPHY = "geography", _("Geography node (and everything under it)")
    CHANNEL = "channel", _("Channel")
    OUTLET_CLASS = "outlet_class", _("Outlet class")
    DISTRIBUTOR = "distributor", _("Distributor")
    OUTLET = "outlet", _("Outlet")
    SKU = "sku", _("SKU")
    CATEGORY = "category", _("Category (and its children)")
    BRAND = "brand", _("Brand")


OUTLET_TARGETS = (TargetKind.GEOGRAPHY, TargetKind.CHANNEL, TargetKind.OUTLET_CLASS, TargetKind.DISTRIBUTOR, TargetKind.OUTLET)
PRODUCT_TARGETS = (TargetKind.SKU, TargetKind.CATEGORY, TargetKind.BRAND)


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    STATUS = "status", _("Status changed")


# Kinds whose benefit is a percentage of slabs, and what their slab bounds measure.
SLAB_KINDS = frozenset({SchemeKind.QUANTITY_SLAB, SchemeKind.VALUE_SLAB})
