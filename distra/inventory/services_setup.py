"""Writes of inventory master data: supply terms (lead time, minimum order quantity) and stock
thresholds. Each re-checks the permission and the distributor's scope inside its transaction."""

from __future__ import annotations

from django.db import transaction

from distra.catalog.models import SKU, Category
from distra.core.errors import FieldProblem, Forbidden, NotFound, ValidationFailed
from distra.core.permissions import require_perm
from distra.core.scoping import scope_for
from distra.inventory.models import StockThreshold, SupplyTerm
from distra.partners.models import Distributor

MAX_LEAD_TIME_DAYS = 365


def _distributor_in_scope(by, distributor: Distributor) -> None:
    if not Distributor.objects.for_user(by).filter(pk=distributor.pk).exists():
        raise NotFound(f"No distributor with id {distributor.pk}.")


@transaction.atomic
def supply_term_upsert(*, by, distributor: Distributor, sku: SKU, lead_time_days: int, min_order_quantity: int) -> tuple[SupplyTerm, bool]:
    """Set the lead time (0..365 days) and minimum order quantity (>= 1 base unit) of ``sku`` for
    ``distributor``, creating the row if new; returns (row, created). Locks the existing row."""
    require_perm(by, "inventory.change_supplyterm")
    require_perm(by, "inventory.add_supplyterm")
    _distributor_in_scope(by, distributor)
    problems = {}
    if isinstance(lead_time_days, bool) or not isinstance(lead_time_days, int) or not 0 <= lead_time_days <= MAX_LEAD_TIME_DAYS:
        problems["lead_time_days"] = [FieldProblem("invalid_lead_time", f"Lead time is 0 to {MAX_LEAD_TIME_DAYS} days.")]
    if isinstance(min_order_quantity, bool) or not isinstance(min_order_quantity, int) or min_order_quantity < 1:
        problems["min_order_quantity"] = [FieldProblem("invalid_quantity", "The minimum order quantity is a whole number of units above zero.")]
    if problems:
        raise ValidationFailed(problems)
    row = SupplyTerm.objects.select_for_update(of=("self",)).filter(distributor=distributor, sku=sku).first()
    if row is None:
        row, created = SupplyTerm.objects.get_or_create(
            distributor=distributor, sku=sku, defaults={"lead_time_days": lead_time_days, "min_order_quantity": min_order_quantity})
        if created:
            return row, True
    row.lead_time_days, row.min_order_quantity = lead_time_days, min_order_quantity
    row.save(update_fields=["lead_time_days", "min_order_quantity", "updated_at"])
    return row, False


@transaction.atomic
def stock_threshold_upsert(
    *, by, sku: SKU | None = None, category: Category | None = None, distributor: Distributor | None = None,
    reorder_level: int | None = None, overstock_days: int | None = None, near_expiry_days: int | None = None,
) -> tuple[StockThreshold, bool]:
    """Set the thresholds of one target (a SKU or a category or neither, for one distributor or
    for all), creating the row if new; returns (row, created). A figure left None falls back to
    less specific rows (see StockThreshold). Brand-wide rows (no distributor) need a user who sees
    everything; a distributor user sets rows of its own distributor only. Locks the existing row."""
    require_perm(by, "inventory.change_stockthreshold")
    require_perm(by, "inventory.add_stockthreshold")
    if distributor is None and not scope_for(by).everything:
        raise Forbidden("Only the brand sets thresholds for every distributor; name your distributor.")
    if distributor is not None:
        _distributor_in_scope(by, distributor)
    problems = {}
    if sku is not None and category is not None:
        problems["category_id"] = [FieldProblem("sku_or_category", "Give a SKU or a category, not both.")]
    if sku is None and category is None and distributor is None:
        problems["__all__"] = [FieldProblem("no_target", "Give a SKU, a category or a distributor.")]
    for name, value, low in (("reorder_level", reorder_level, 0), ("overstock_days", overstock_days, 1), ("near_expiry_days", near_expiry_days, 0)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 10**9):
            problems[name] = [FieldProblem("invalid_threshold", f"{name} is a whole number from {low}.")]
    if problems:
        raise ValidationFailed(problems)
    figures = {"reorder_level": reorder_level, "overstock_days": overstock_days, "near_expiry_days": near_expiry_days}
    target = {"sku": sku, "category": category, "distributor": distributor}
    row = StockThreshold.objects.select_for_update(of=("self",)).filter(**target).first()
    if row is None:
        row, created = StockThreshold.objects.get_or_create(**target, defaults=figures)
        if created:
            return row, True
    for name, value in figures.items():
        setattr(row, name, value)
    row.save(update_fields=[*figures, "updated_at"])
    return row, False
