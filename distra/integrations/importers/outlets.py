"""Outlets: one row per outlet, naming its territory and serving distributor by code."""

from __future__ import annotations

from distra.geography.models import GeoNode
from distra.partners import services
from distra.partners.models import Distributor, Outlet

from .base import Column, KindImporter, Reference, decimal_or_none, text_or_omit


class OutletImporter(KindImporter):
    kind = "outlets"
    model = Outlet
    columns = (
        Column("code", "code", required=True),
        Column("name", "name", required=True),
        Column("owner_name", "owner_name"),
        Column("phone", "phone"),
        Column("address", "address"),
        Column("city", "city"),
        Column("postal_code", "postal_code"),
        Column("latitude", "latitude", decimal_or_none),
        Column("longitude", "longitude", decimal_or_none),
        Column("channel", "channel", text_or_omit),
        Column("outlet_class", "outlet_class", text_or_omit),
        Column("territory_code", required=True),
        Column("distributor_code", required=True),
        Column("status", "status", text_or_omit),
        Column("tax_id", "tax_id"),
    )
    references = {
        "territory": Reference("territory_code", GeoNode, "territory"),
        "distributor": Reference("distributor_code", Distributor, "distributor"),
    }

    def create(self, values):
        return services.outlet_create(by=self.user, **values)

    def update(self, existing, values):
        return services.outlet_update(by=self.user, outlet=existing, **values)

    @staticmethod
    def export_queryset(user):
        from distra.partners.selectors import outlet_list

        return outlet_list(user=user).order_by("code")

    @staticmethod
    def export_row(outlet: Outlet) -> list:
        return [
            outlet.code, outlet.name, outlet.owner_name, outlet.phone, outlet.address, outlet.city, outlet.postal_code,
            outlet.latitude, outlet.longitude, outlet.channel, outlet.outlet_class, outlet.territory.code,
            outlet.distributor.code, outlet.status, outlet.tax_id,
        ]
