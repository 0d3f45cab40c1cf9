from django.contrib import admin

from distra.core.admin import ServiceAdmin
from distra.geography import services
from distra.geography.models import GeoNode


@admin.register(GeoNode)
class GeoNodeAdmin(ServiceAdmin):
    list_display = ("code", "name", "kind", "parent", "country_code")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    ordering = ("path",)

    def get_readonly_fields(self, request, obj=None):
        return ("kind", "parent", "country_code") if obj else ()

    def service_save(self, request, obj, data, change):
        if change:
            return services.geonode_update(by=request.user, node=GeoNode.objects.get(pk=obj.pk), name=data["name"], code=data["code"])
        return services.geonode_create(
            by=request.user, code=data["code"], name=data["name"], kind=data["kind"], parent=data.get("parent"), country_code=data.get("country_code") or "IN"
        )
