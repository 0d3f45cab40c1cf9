"""The stock ledger: batches, the append-only moves, the cached balances and the reservations.

Only ``distra.inventory.services`` writes moves, balances and reservations. Balances are a cache of
the ledger (on hand) and of the open reservations (reserved); ``distra stock verify`` rebuilds both
and reports any difference.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from distra.core.models import ScopedModel
from distra.core.scoping import ScopedQuerySet
from distra.inventory.choices import (
    BATCH_ALERT_KINDS,
    SKU_ALERT_KINDS,
    AdjustmentReason,
    AlertKind,
    AlertStatus,
    MoveKind,
)


def _warehouses_visible(scope) -> Q:
    """Stock rows a scope sees: those of the warehouses it sees (partners' warehouse scope)."""
    from distra.partners.models import Warehouse

    return Q(warehouse__in=Warehouse.objects.filter(Warehouse.scope_q(scope)).values("id"))


def _distributors_visible(scope) -> Q:
    from distra.partners.models import Distributor

    return Q(distributor__in=Distributor.objects.filter(Distributor.scope_q(scope)).values("id"))


class LedgerIsAppendOnly(Exception):
    """Raised on any attempt to edit or delete a stock move: corrections are reversing moves."""


class Batch(ScopedModel):
    """Units of one SKU made together. Invariant: (sku, batch_number) is unique and the batch
    expires after it was made. Batches are catalog-like: every role may see them."""

    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="batches", verbose_name=_("SKU"))
    batch_number = models.CharField(_("batch number"), max_length=40)
    manufactured_on = models.DateField(_("manufactured on"))
    expires_on = models.DateField(_("expires on"), db_index=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["sku", "expires_on", "batch_number"]
        constraints = [
            models.UniqueConstraint(fields=["sku", "batch_number"], name="batch_sku_number_unique"),
            models.CheckConstraint(condition=Q(expires_on__gt=models.F("manufactured_on")), name="batch_expires_after_made"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_number} (exp. {self.expires_on})"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q()


class StockMoveQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise LedgerIsAppendOnly("Stock moves cannot be edited; post a reversing move.")

    def delete(self):
        raise LedgerIsAppendOnly("Stock moves cannot be deleted; post a reversing move.")


class StockMove(ScopedModel):
    """One line of the append-only stock ledger: a signed, non-zero quantity in base units of one
    batch at one warehouse. Invariants: never updated or deleted (save() of an existing row and
    delete() raise; the queryset refuses update() and delete()); ``source_key`` is unique, so a
    retried post cannot post twice; a move is reversed at most once (``reverses`` is unique);
    adjustments, and only they, carry a reason."""

    warehouse = models.ForeignKey("partners.Warehouse", on_delete=models.PROTECT, related_name="stock_moves")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="stock_moves")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="moves")
    quantity = models.BigIntegerField(_("quantity (base units, signed)"))
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=AdjustmentReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source_type = models.CharField(_("source document type"), max_length=40, blank=True)
    source_id = models.CharField(_("source document id"), max_length=64, blank=True)
    source_line = models.PositiveIntegerField(_("source document line"), default=0)
    source_key = models.CharField(_("source key"), max_length=200, unique=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by", verbose_name=_("reverses")
    )
    # Transfers: the out move names the destination; the in move names the out move it receives.
    counterpart_warehouse = models.ForeignKey(
        "partners.Warehouse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer_out = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="received_by"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = StockMoveQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock move")
        ordering = ["id"]
        indexes = [models.Index(fields=["warehouse", "sku", "id"]), models.Index(fields=["batch", "warehouse"])]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_quantity_not_zero"),
            models.CheckConstraint(condition=Q(kind__in=MoveKind.values), name="stock_move_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind=MoveKind.ADJUSTMENT) & Q(reason__in=AdjustmentReason.values))
                | (~Q(kind=MoveKind.ADJUSTMENT) & Q(reason="")),
                name="stock_move_reason_for_adjustments_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity:+d} of {self.sku_id}/{self.batch_id} at {self.warehouse_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerIsAppendOnly("Stock moves cannot be edited; post a reversing move.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly("Stock moves cannot be deleted; post a reversing move.")

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _warehouses_visible(scope)


class StockBalance(ScopedModel):
    """The cached position of one batch at one warehouse. Invariants (database checks):
    0 <= reserved <= on_hand; on_hand equals the sum of the ledger and reserved the sum of the
    open reservations (``distra stock verify``). Written only by inventory services, in the
    transaction of the move, with F() expressions or guarded updates after locking the row."""

    warehouse = models.ForeignKey("partners.Warehouse", on_delete=models.PROTECT, related_name="stock_balances")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="stock_balances")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="balances")
    on_hand = models.BigIntegerField(_("on hand"), default=0)
    reserved = models.BigIntegerField(_("reserved"), default=0)

    class Meta:
        verbose_name = _("stock balance")
        ordering = ["warehouse", "sku", "batch"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "sku", "batch"], name="stock_balance_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_balance_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=models.F("on_hand")), name="stock_balance_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id}/{self.sku_id}/{self.batch_id}: {self.on_hand} on hand, {self.reserved} reserved"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _warehouses_visible(scope)


class StockReservation(ScopedModel):
    """Stock promised to a document (an order line). The open ones add up to each balance's
    ``reserved``. Invariant: quantity > 0; ``source_key`` unique (a retried reserve is a no-op)."""

    warehouse = models.ForeignKey("partners.Warehouse", on_delete=models.PROTECT, related_name="stock_reservations")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="stock_reservations")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.BigIntegerField(_("quantity (base units)"))
    source_key = models.CharField(_("source key"), max_length=200, unique=True)
    is_open = models.BooleanField(_("open"), default=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("stock reservation")
        ordering = ["id"]
        indexes = [models.Index(fields=["warehouse", "sku", "batch"], condition=Q(is_open=True), name="reservation_open_idx")]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="stock_reservation_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} of {self.sku_id}/{self.batch_id} at {self.warehouse_id} ({self.source_key})"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _warehouses_visible(scope)


class SupplyTerm(ScopedModel):
    """How the brand supplies one SKU to one distributor: lead time in days and the minimum order
    quantity in base units. Invariants: one row per (distributor, sku); lead time 0..365 days;
    minimum order quantity >= 1. Where no row exists, ``selectors.supply_terms_for`` answers the
    defaults (settings.DISTRA_DEFAULT_LEAD_TIME_DAYS, one case)."""

    distributor = models.ForeignKey("partners.Distributor", on_delete=models.CASCADE, related_name="supply_terms")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.CASCADE, related_name="supply_terms", verbose_name=_("SKU"))
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    min_order_quantity = models.BigIntegerField(_("minimum order quantity (base units)"))

    class Meta:
        verbose_name = _("supply term")
        ordering = ["distributor", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["distributor", "sku"], name="supply_term_unique"),
            models.CheckConstraint(condition=Q(lead_time_days__gte=0) & Q(lead_time_days__lte=365), name="supply_term_lead_time_range"),
            models.CheckConstraint(condition=Q(min_order_quantity__gte=1), name="supply_term_moq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id}/{self.sku_id}: {self.lead_time_days} d, MOQ {self.min_order_quantity}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _distributors_visible(scope)


class StockThreshold(ScopedModel):
    """Alert thresholds for a target: a SKU or a category (not both), for one distributor or for
    all (distributor empty); at least one of the three is set. Each figure may be left empty.

    Which row applies to a SKU at a distributor's warehouse: for each figure, the most specific
    matching row that sets it wins, in this order: sku + distributor > sku > category +
    distributor > category > distributor, where a category matches the SKU's own category and its
    ancestors, the nearest first; without any, the settings defaults
    (DISTRA_DEFAULT_REORDER_LEVEL, _OVERSTOCK_DAYS, _NEAR_EXPIRY_DAYS). Invariants: one row per
    target (partial unique constraints per shape); reorder level >= 0, overstock days >= 1,
    near-expiry days >= 0."""

    sku = models.ForeignKey("catalog.SKU", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("SKU"))
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))
    distributor = models.ForeignKey("partners.Distributor", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("distributor"))
    reorder_level = models.BigIntegerField(_("reorder level (base units)"), null=True, blank=True)
    overstock_days = models.PositiveIntegerField(_("overstock above (days of cover)"), null=True, blank=True)
    near_expiry_days = models.PositiveIntegerField(_("near expiry within (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock threshold")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(sku__isnull=True) | Q(category__isnull=True), name="threshold_sku_or_category"),
            models.CheckConstraint(
                condition=Q(sku__isnull=False) | Q(category__isnull=False) | Q(distributor__isnull=False), name="threshold_has_target"
            ),
            models.CheckConstraint(condition=Q(reorder_level__isnull=True) | Q(reorder_level__gte=0), name="threshold_reorder_not_negative"),
            models.CheckConstraint(condition=Q(overstock_days__isnull=True) | Q(overstock_days__gte=1), name="threshold_overstock_positive"),
            models.UniqueConstraint(fields=["sku", "distributor"], condition=Q(sku__isnull=False, distributor__isnull=False),
                                    name="threshold_unique_sku_distributor"),
            models.UniqueConstraint(fields=["sku"], condition=Q(sku__isnull=False, distributor__isnull=True), name="threshold_unique_sku"),
            models.UniqueConstraint(fields=["category", "distributor"], condition=Q(category__isnull=False, distributor__isnull=False),
                                    name="threshold_unique_category_distributor"),
            models.UniqueConstraint(fields=["category"], condition=Q(category__isnull=False, distributor__isnull=True),
                                    name="threshold_unique_category"),
            models.UniqueConstraint(fields=["distributor"], condition=Q(sku__isnull=True, category__isnull=True),
                                    name="threshold_unique_distributor"),
        ]

    def __str__(self) -> str:
        return f"threshold sku={self.sku_id} category={self.category_id} distributor={self.distributor_id}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(distributor__isnull=True) | _distributors_visible(scope)


class StockAlert(ScopedModel):
    """A stock condition that needs attention, raised by ``services.stock_alerts_evaluate`` and
    resolved by it when the condition ends. Invariants: at most one unresolved alert per (kind,
    warehouse, sku, batch) (partial unique constraints), so an alert is raised once while its
    condition lasts; SKU-level kinds have no batch, batch-level kinds have one; status changes
    follow ``choices.ALERT_TRANSITIONS``, and the row records who acknowledged it and when each
    change happened (raised_at, acknowledged_at, resolved_at)."""

    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    warehouse = models.ForeignKey("partners.Warehouse", on_delete=models.CASCADE, related_name="stock_alerts")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.CASCADE, related_name="stock_alerts", verbose_name=_("SKU"))
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock alert")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["warehouse", "sku"], condition=~Q(status="resolved"), name="alert_unresolved_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="stock_alert_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=AlertStatus.values), name="stock_alert_status_valid"),
            models.CheckConstraint(
                condition=(Q(kind__in=SKU_ALERT_KINDS) & Q(batch__isnull=True)) | (Q(kind__in=BATCH_ALERT_KINDS) & Q(batch__isnull=False)),
                name="stock_alert_batch_for_batch_kinds",
            ),
            models.UniqueConstraint(fields=["kind", "warehouse", "sku"], condition=Q(batch__isnull=True) & ~Q(status="resolved"),
                                    name="stock_alert_one_unresolved_per_sku"),
            models.UniqueConstraint(fields=["kind", "warehouse", "sku", "batch"],
                                    condition=Q(batch__isnull=False) & ~Q(status="resolved"), name="stock_alert_one_unresolved_per_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.warehouse_id}/{self.sku_id}/{self.batch_id} ({self.status})"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _warehouses_visible(scope)
