from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple

from distra.core.admin import ScopedAdmin, ServiceAdmin
from distra.geography.choices import GeoKind
from distra.geography.models import GeoNode
from distra.partners import services
from distra.partners.models import Distributor, DistributorContact, Outlet, Warehouse


class DistributorAdminForm(forms.ModelForm):
    territories = forms.ModelMultipleChoiceField(
        queryset=GeoNode.objects.none(), required=False, widget=FilteredSelectMultiple("territories", is_stacked=False)
    )

    class Meta:
        model = Distributor
        fields = ("code", "legal_name", "trade_name", "country_code", "tax_id", "status", "email", "phone", "address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["territories"].initial = list(self.instance.territories.all())


class WarehouseInline(admin.TabularInline):
    model = Warehouse
    extra = 0
    fields = ("code", "name", "is_active")
    show_change_link = True


@admin.register(Distributor)
class DistributorAdmin(ServiceAdmin):
    list_display = ("code", "legal_name", "status", "tax_id", "phone")
    list_filter = ("status",)
    search_fields = ("code", "legal_name", "trade_name", "tax_id")
    form = DistributorAdminForm
    inlines = [WarehouseInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        territories = GeoNode.objects.for_user(request.user).filter(kind=GeoKind.TERRITORY)

        class ScopedDistributorForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["territories"].queryset = territories  # per form instance: never shared

        return ScopedDistributorForm

    def get_readonly_fields(self, request, obj=None):
        return ("status",) if obj else ()

    def service_save(self, request, obj, data, change):
        territories = list(data.pop("territories", []) or [])
        fields = {k: v for k, v in data.items() if k in services.DISTRIBUTOR_FIELDS}
        if change:
            return services.distributor_update(by=request.user, distributor=Distributor.objects.get(pk=obj.pk), territories=territories, **fields)
        return services.distributor_create(by=request.user, territories=territories, status=data.get("status") or "prospect", **fields)


@admin.register(DistributorContact)
class DistributorContactAdmin(ScopedAdmin):
    list_display = ("name", "distributor", "designation", "phone", "email", "is_primary")
    search_fields = ("name", "distributor__code")


@admin.register(Warehouse)
class WarehouseAdmin(ServiceAdmin):
    list_display = ("code", "name", "distributor", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "distributor__code")

    def get_readonly_fields(self, request, obj=None):
        return ("distributor", "code") if obj else ()

    def service_save(self, request, obj, data, change):
        fields = {k: v for k, v in data.items() if k in services.WAREHOUSE_FIELDS}
        if change:
            fields.pop("code", None)
            return services.warehouse_update(by=request.user, warehouse=Warehouse.objects.get(pk=obj.pk), **fields)
        return services.warehouse_create(by=request.user, distributor=data["distributor"], **fields)


@admin.register(Outlet)
class OutletAdmin(ServiceAdmin):
    list_display = ("code", "name", "channel", "outlet_class", "territory", "distributor", "status")
    list_filter = ("channel", "outlet_class", "status")
    search_fields = ("code", "name", "owner_name", "city")
    list_select_related = ("territory", "distributor")
    raw_id_fields = ()

    def service_save(self, request, obj, data, change):
        fields = {k: v for k, v in data.items() if k in services.OUTLET_FIELDS}
        if change:
            return services.outlet_update(by=request.user, outlet=Outlet.objects.get(pk=obj.pk), **fields)
        return services.outlet_create(by=request.user, **fields)
