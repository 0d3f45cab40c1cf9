from django.contrib import admin

from distra.core.admin import ScopedAdmin, ServiceAdmin
from distra.inventory import services_setup
from distra.inventory.models import StockAlert, StockThreshold, SupplyTerm


@admin.register(SupplyTerm)
class SupplyTermAdmin(ServiceAdmin):
    list_display = ("distributor", "sku", "lead_time_days", "min_order_quantity", "updated_at")
    list_filter = ("distributor",)
    search_fields = ("sku__code", "distributor__code")
    fields = ("distributor", "sku", "lead_time_days", "min_order_quantity")

    def service_save(self, request, obj, data, change):
        row, _ = services_setup.supply_term_upsert(by=request.user, **data)
        return row


@admin.register(StockThreshold)
class StockThresholdAdmin(ServiceAdmin):
    list_display = ("sku", "category", "distributor", "reorder_level", "overstock_days", "near_expiry_days")
    list_filter = ("distributor",)
    fields = ("sku", "category", "distributor", "reorder_level", "overstock_days", "near_expiry_days")

    def service_save(self, request, obj, data, change):
        row, _ = services_setup.stock_threshold_upsert(by=request.user, **data)
        return row


@admin.register(StockAlert)
class StockAlertAdmin(ScopedAdmin):
    """Read-only: alerts are raised and resolved by the evaluation; acknowledge them on /stock/alerts."""

    list_display = ("kind", "status", "warehouse", "sku", "batch", "raised_at", "acknowledged_by", "resolved_at")
    list_filter = ("kind", "status")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
