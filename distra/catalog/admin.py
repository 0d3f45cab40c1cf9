from django.contrib import admin

from distra.catalog import services
from distra.catalog.models import SKU, Brand, Category
from distra.core.admin import ServiceAdmin


@admin.register(Brand)
class BrandAdmin(ServiceAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def service_save(self, request, obj, data, change):
        return services.brand_save(by=request.user, code=data.get("code", obj.code), name=data["name"])

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()


@admin.register(Category)
class CategoryAdmin(ServiceAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "parent") if obj else ()

    def service_save(self, request, obj, data, change):
        if change:
            return services.category_rename(by=request.user, category=Category.objects.get(pk=obj.pk), name=data["name"])
        return services.category_create(by=request.user, code=data["code"], name=data["name"], parent=data.get("parent"))


@admin.register(SKU)
class SKUAdmin(ServiceAdmin):
    list_display = ("code", "name", "brand", "category", "mrp", "base_price", "tax_rate", "is_active")
    list_filter = ("is_active", "brand", "category")
    search_fields = ("code", "name", "gtin")
    list_select_related = ("brand", "category")

    def service_save(self, request, obj, data, change):
        fields = {k: v for k, v in data.items() if k in services.SKU_FIELDS}
        if change:
            return services.sku_update(by=request.user, sku=SKU.objects.get(pk=obj.pk), **fields)
        return services.sku_create(by=request.user, **fields)
