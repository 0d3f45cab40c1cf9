"""Outlets: one row per outlet, naming its territory and serving distributor by code."""

from __future__ import annotations

from distra.geography.models import GeoNode
from distra.partners import services
from distra.partners.models import Distributor, Outlet

from .base import (
    CREATED,
    SERVICE_ERRORS,
    UNCHANGED,
    UPDATED,
    Column,
    KindImporter,
    RowProblems,
    bulk_by_code,
    decimal_or_none,
    finish,
    same_values,
    snapshot,
    text_or_omit,
)


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
    service_columns = {"territory": "territory_code", "distributor": "distributor_code"}

    def prepare(self, rows):
        super().prepare(rows)
        self.territories = bulk_by_code(GeoNode.objects.for_user(self.user), {r.get("territory_code") for r in rows} - {"", None})
        self.distributors = bulk_by_code(Distributor.objects.for_user(self.user), {r.get("distributor_code") for r in rows} - {"", None})

    def apply(self, row):
        problems = RowProblems()
        values = self.parse(row, problems)
        if "territory_code" in row:
            values["territory"] = self.lookup(self.territories, row, "territory_code", "territory", problems)
        if "distributor_code" in row:
            values["distributor"] = self.lookup(self.distributors, row, "distributor_code", "distributor", problems)
        field_columns = {**self.field_columns(), **self.service_columns}
        current = self.updatable(row["code"])
        if current is not None and not problems and same_values(current, values):
            return UNCHANGED
        existing = self.existing.get(row["code"])
        before = after = None
        try:
            if existing is None:
                outcome = CREATED
                services.outlet_create(by=self.user, **values)
            else:
                outcome, before = UPDATED, snapshot(existing)
                after = snapshot(services.outlet_update(by=self.user, outlet=existing, **values))
        except SERVICE_ERRORS as exc:
            problems.add_error(exc, field_columns)
        return finish(problems, outcome, before, after)

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
