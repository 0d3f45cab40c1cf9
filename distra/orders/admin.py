"""Orders in the admin: read-only orders with their lines, allocations and timeline (an order
changes only through its services: the one admin action, cancel, calls ``order_cancel``); the
order policy and the minimum shelf life per channel are edited here."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from distra.core.admin import ScopedAdmin
from distra.core.errors import DomainError
from distra.orders import services
from distra.orders.models import MinShelfLife, Order, OrderEvent, OrderLine, OrderPolicy


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("line_no", "sku", "quantity", "unit_price", "discount_pct", "tax_rate", "total", "allocated", "backordered",
              "cancelled", "delivered", "returned", "shortfall_reason")


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "kind", "from_status", "to_status", "user", "channel", "detail")


@admin.register(Order)
class OrderAdmin(ScopedAdmin):
    list_display = ("number", "outlet", "distributor", "warehouse", "status", "channel", "total", "awaiting_stock", "created_at")
    list_filter = ("status", "channel", "awaiting_stock", "distributor")
    search_fields = ("=id", "outlet__code", "outlet__name")
    list_select_related = ("outlet", "distributor", "warehouse")
    date_hierarchy = "created_at"
    inlines = (OrderLineInline, OrderEventInline)
    actions = ("cancel_orders",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel the selected orders (releases their stock)"), permissions=["cancel"])
    def cancel_orders(self, request, queryset):
        done = 0
        for order in queryset.order_by("pk"):
            try:
                services.order_cancel(by=request.user, order=order, reason=str(_("Cancelled in the admin")))
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d orders cancelled.") % {"count": done}, messages.SUCCESS)

    def has_cancel_permission(self, request):
        return request.user.has_perm("orders.cancel_order")


@admin.register(OrderPolicy)
class OrderPolicyAdmin(ScopedAdmin):
    list_display = ("distributor", "shortfall_policy", "approval_value_above", "approval_discount_above", "auto_allocate")
    list_select_related = ("distributor",)


@admin.register(MinShelfLife)
class MinShelfLifeAdmin(ScopedAdmin):
    list_display = ("channel", "days")
