from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from distra.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users are managed by administrators only (Django superusers)."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Distra", {"fields": ("role", "geo_nodes", "distributor", "language", "phone")}),
    )
    list_display = ("username", "first_name", "last_name", "role", "distributor", "is_active")
    list_filter = ("role", "is_active")
    filter_horizontal = ("geo_nodes", "groups", "user_permissions")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "user", "key_hash", "created_at", "last_used_at", "expires_at")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False
