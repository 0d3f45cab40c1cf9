"""Pricing in the admin, read-only: price lists and schemes change only through their services
(the pages and the API), which check them and keep their audit trail."""

from django.contrib import admin

from distra.pricing.models import (
    PriceList,
    PriceListItem,
    PricingEvent,
    Scheme,
    SchemeBenefit,
    SchemeBudget,
    SchemeTarget,
)


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False


class ScopedReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.objects.for_user(request.user)


class ItemInline(ReadOnlyInline):
    model = PriceListItem
    fields = ("sku", "selling_price", "landing_price")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = PricingEvent
    fields = ("created_at", "kind", "from_status", "to_status", "user", "note")
    readonly_fields = fields


@admin.register(PriceList)
class PriceListAdmin(ScopedReadOnlyAdmin):
    list_display = ("code", "name", "status", "valid_from", "valid_to", "priority", "channel", "outlet_class", "distributor", "outlet")
    list_filter = ("status", "channel", "outlet_class")
    search_fields = ("code", "name")
    inlines = [ItemInline, EventInline]


class TargetInline(ReadOnlyInline):
    model = SchemeTarget
    fields = ("kind", "value", "geography", "distributor", "outlet", "sku", "category", "brand")
    readonly_fields = fields


class BudgetInline(ReadOnlyInline):
    model = SchemeBudget
    fields = ("distributor", "limit")
    readonly_fields = fields


@admin.register(Scheme)
class SchemeAdmin(ScopedReadOnlyAdmin):
    list_display = ("code", "name", "kind", "status", "valid_from", "valid_to", "priority", "stacking", "funding_share_pct")
    list_filter = ("status", "kind", "stacking")
    search_fields = ("code", "name")
    inlines = [TargetInline, BudgetInline, EventInline]


@admin.register(SchemeBenefit)
class SchemeBenefitAdmin(ScopedReadOnlyAdmin):
    list_display = ("order", "order_line", "scheme", "benefit", "free_quantity", "funding_share_pct", "brand_funded")
    list_filter = ("scheme",)
