"""Distributors: one row per distributor, with the territories it serves (codes separated by |)
and its primary contact. Warehouses are left to their own import."""

from __future__ import annotations

from django.db.models import Prefetch

from distra.core.errors import DomainError
from distra.geography.models import GeoNode
from distra.partners import services
from distra.partners.models import Distributor, DistributorContact, DistributorTerritory

from .base import (
    CREATED,
    SERVICE_ERRORS,
    UNCHANGED,
    UPDATED,
    Column,
    KindImporter,
    RowProblems,
    bulk_by_code,
    chunks,
    finish,
    same_values,
    snapshot,
    text_or_omit,
)

CONTACT_COLUMNS = {"name": "contact_name", "phone": "contact_phone", "email": "contact_email"}


def split_codes(value: str) -> list[str]:
    return list(dict.fromkeys(code.strip() for code in value.split("|") if code.strip()))


class DistributorImporter(KindImporter):
    kind = "distributors"
    model = Distributor
    columns = (
        Column("code", "code", required=True),
        Column("legal_name", "legal_name", required=True),
        Column("trade_name", "trade_name"),
        Column("country_code", "country_code", text_or_omit),
        Column("tax_id", "tax_id"),
        Column("status"),
        Column("email", "email"),
        Column("phone", "phone"),
        Column("address", "address"),
        Column("territory_codes"),
        Column("contact_name"),
        Column("contact_phone"),
        Column("contact_email"),
    )

    def prepare(self, rows):
        super().prepare(rows)
        codes = {code for row in rows for code in split_codes(row.get("territory_codes", ""))}
        self.territories = bulk_by_code(GeoNode.objects.for_user(self.user), codes)
        ids = [d.pk for d in self.existing.values()]
        self.served: dict[int, set[int]] = {pk: set() for pk in ids}
        self.contacts: dict[int, tuple] = {}
        for chunk in chunks(ids):
            for distributor_id, territory_id in DistributorTerritory.objects.filter(distributor_id__in=chunk).values_list("distributor_id", "territory_id"):
                self.served[distributor_id].add(territory_id)
            for contact in DistributorContact.objects.filter(distributor_id__in=chunk, is_primary=True):
                self.contacts[contact.distributor_id] = (contact.name, contact.phone, contact.email)

    def apply(self, row):
        problems = RowProblems()
        values = self.parse(row, problems)
        status = row.get("status") or None
        territories = self._territories(row, problems)
        contact = self._contact(row, problems)
        current = self.updatable(row["code"])
        if current is not None and not problems and self._same(current, values, status, territories, contact):
            return UNCHANGED
        existing = self.existing.get(row["code"])
        before = self._snapshot(existing, self.served.get(existing.pk, set()), self.contacts.get(existing.pk)) if existing else None
        distributor = self._save(existing, values, status, territories, problems)
        if distributor is not None and contact is not None:
            try:
                services.contact_save(by=self.user, distributor=distributor, name=contact[0], phone=contact[1], email=contact[2], is_primary=True)
            except SERVICE_ERRORS as exc:
                problems.add_error(exc, CONTACT_COLUMNS)
        if existing is None or problems:
            return finish(problems, CREATED)
        return finish(problems, UPDATED, before, self._snapshot(distributor))

    def _territories(self, row, problems: RowProblems) -> list[GeoNode] | None:
        if "territory_codes" not in row:
            return None
        codes = split_codes(row["territory_codes"])
        unknown = [code for code in codes if code not in self.territories]
        if unknown:
            problems.add("territory_codes", "not_found", f"No territory with code {', '.join(unknown)} in your scope.")
        return [self.territories[code] for code in codes if code in self.territories]

    def _contact(self, row, problems: RowProblems) -> tuple[str, str, str] | None:
        name, phone, email = (row.get(column, "") for column in CONTACT_COLUMNS.values())
        if not name:
            if phone or email:
                problems.add("contact_name", "required", "A contact's phone or email needs the contact's name.")
            return None
        return name, phone, email

    def _same(self, current: Distributor, values, status, territories, contact) -> bool:
        return (
            same_values(current, values)
            and status in (None, current.status)
            and (territories is None or {t.pk for t in territories} == self.served.get(current.pk, set()))
            and (contact is None or contact == self.contacts.get(current.pk))
        )

    def _save(self, existing, values, status, territories, problems: RowProblems) -> Distributor | None:
        field_columns = {**self.field_columns(), "territories": "territory_codes", "status": "status"}
        try:
            if existing is None:
                extra = {"status": status} if status else {}
                return services.distributor_create(by=self.user, territories=territories or (), **values, **extra)
            distributor = services.distributor_update(by=self.user, distributor=existing, territories=territories, **values)
        except SERVICE_ERRORS as exc:
            problems.add_error(exc, field_columns)
            return None
        if status and status != distributor.status:
            try:
                distributor = services.distributor_set_status(by=self.user, distributor=distributor, status=status)
            except DomainError as exc:
                problems.add("status", exc.code, exc.message)
        return distributor

    @staticmethod
    def _snapshot(distributor: Distributor, served=None, contact=None) -> tuple:
        if served is None:
            served = set(DistributorTerritory.objects.filter(distributor=distributor).values_list("territory_id", flat=True))
            primary = DistributorContact.objects.filter(distributor=distributor, is_primary=True).first()
            contact = (primary.name, primary.phone, primary.email) if primary else None
        return snapshot(distributor) + (frozenset(served), contact)

    @staticmethod
    def export_queryset(user):
        from distra.partners.selectors import distributor_list

        primary = Prefetch("contacts", queryset=DistributorContact.objects.filter(is_primary=True), to_attr="primary_contacts")
        return distributor_list(user=user).order_by("code").prefetch_related("territories", primary)

    @staticmethod
    def export_row(distributor: Distributor) -> list:
        contact = distributor.primary_contacts[0] if distributor.primary_contacts else None
        return [
            distributor.code, distributor.legal_name, distributor.trade_name, distributor.country_code, distributor.tax_id,
            distributor.status, distributor.email, distributor.phone, distributor.address,
            "|".join(sorted(t.code for t in distributor.territories.all())),
            contact.name if contact else "", contact.phone if contact else "", contact.email if contact else "",
        ]
