"""Admin: must-sell lists with their SKUs (the brand's master data), and the suggestions given,
read-only (they are a record of what was proposed)."""

from django.contrib import admin

from distra.suggestions.models import MustSellItem, MustSellList, Suggestion, SuggestionLine


class _Scoped(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


class MustSellItemInline(admin.TabularInline):
    model = MustSellItem
    extra = 1
    autocomplete_fields = ("sku",)


@admin.register(MustSellList)
class MustSellListAdmin(_Scoped):
    list_display = ("code", "name", "channel", "outlet_class", "is_active")
    list_filter = ("is_active", "channel", "outlet_class")
    search_fields = ("code", "name")
    inlines = [MustSellItemInline]


class SuggestionLineInline(admin.TabularInline):
    model = SuggestionLine
    extra = 0
    can_delete = False
    readonly_fields = ("sku", "quantity", "in_cases", "basis", "reason", "figures")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(_Scoped):
    list_display = ("outlet", "given_by", "given_at", "through", "cycle_days", "superseded_at")
    list_filter = ("through",)
    list_select_related = ("outlet", "given_by")
    readonly_fields = [f.name for f in Suggestion._meta.fields]
    inlines = [SuggestionLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
