"""Every write to distributors, their contacts and warehouses, and outlets.

Each service runs in one transaction, re-checks the acting user's permission and scope inside it,
validates identifiers with the field libraries (distra.core.validators) and raises DomainError
subclasses that the API and pages turn into 4xx answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from distra.core.errors import Conflict, FieldProblem, ValidationFailed
from distra.core.permissions import require_in_scope, require_perm
from distra.core.services import apply_changes, save_validated
from distra.core.validators import normalize_phone, normalize_tax_id
from distra.geography.choices import GeoKind
from distra.geography.models import GeoNode
from distra.partners.choices import DISTRIBUTOR_TRANSITIONS, WarehouseKind
from distra.partners.models import (
    Distributor,
    DistributorContact,
    DistributorTerritory,
    Outlet,
    Warehouse,
)

DISTRIBUTOR_FIELDS = {"code", "legal_name", "trade_name", "country_code", "tax_id", "email", "phone", "address"}
OUTLET_FIELDS = {
    "code", "name", "owner_name", "phone", "address", "city", "postal_code", "latitude", "longitude",
    "channel", "outlet_class", "territory", "distributor", "status", "tax_id",
}
WAREHOUSE_FIELDS = {"code", "name", "address", "latitude", "longitude", "is_active"}


def _normalize(problems: dict, name: str, func, *args) -> Any:
    try:
        return func(*args)
    except ValidationError as exc:
        problems.setdefault(name, []).extend(FieldProblem(e.code or "invalid", str(e.message % (e.params or {}))) for e in exc.error_list)
        return args[0]


def _normalize_distributor(distributor: Distributor) -> None:
    problems: dict[str, list[FieldProblem]] = {}
    distributor.country_code = (distributor.country_code or "").upper()
    if distributor.tax_id:
        distributor.tax_id = _normalize(problems, "tax_id", normalize_tax_id, distributor.country_code, distributor.tax_id)
    if distributor.phone:
        distributor.phone = _normalize(problems, "phone", normalize_phone, distributor.phone, distributor.country_code)
    if "tax_id" not in problems and distributor.tax_id:
        # The database constraint would only say "distributor_tax_id_unique is violated" on no field.
        taken = Distributor.objects.filter(tax_id=distributor.tax_id).exclude(pk=distributor.pk).exists()
        if taken:
            problems["tax_id"] = [FieldProblem("duplicate", f"Another distributor is registered with {distributor.tax_id}.")]
    if problems:
        raise ValidationFailed(problems)


def _check_territories(by, territories: Iterable[GeoNode]) -> list[GeoNode]:
    territories = list(territories)
    visible = set(GeoNode.objects.for_user(by).filter(pk__in=[t.pk for t in territories]).values_list("pk", flat=True))
    bad = [t for t in territories if t.kind != GeoKind.TERRITORY or t.pk not in visible]
    if bad:
        raise ValidationFailed({"territories": [FieldProblem("invalid_territory", f"{t.code} is not a territory you manage.") for t in bad]})
    return territories


@transaction.atomic
def distributor_create(*, by, territories: Iterable[GeoNode] = (), **fields: Any) -> Distributor:
    """Create a distributor (status prospect unless given) serving ``territories``."""
    require_perm(by, "partners.add_distributor")
    distributor = Distributor()
    apply_changes(distributor, fields, DISTRIBUTOR_FIELDS | {"status"})
    _normalize_distributor(distributor)
    save_validated(distributor)
    _set_territories(distributor, _check_territories(by, territories))
    return distributor


@transaction.atomic
def distributor_update(*, by, distributor: Distributor, territories: Iterable[GeoNode] | None = None, **changes: Any) -> Distributor:
    """Change a distributor's details (its status changes only through distributor_set_status)."""
    require_perm(by, "partners.change_distributor")
    distributor = Distributor.objects.select_for_update().get(pk=distributor.pk)
    require_in_scope(by, distributor)
    apply_changes(distributor, changes, DISTRIBUTOR_FIELDS)
    _normalize_distributor(distributor)
    save_validated(distributor)
    if territories is not None:
        _set_territories(distributor, _check_territories(by, territories))
    return distributor


def _set_territories(distributor: Distributor, territories: list[GeoNode]) -> None:
    wanted = {t.pk for t in territories}
    current = set(DistributorTerritory.objects.filter(distributor=distributor).values_list("territory_id", flat=True))
    dropped = current - wanted
    if dropped and Outlet.objects.filter(distributor=distributor, territory_id__in=dropped).exists():
        raise ValidationFailed(
            {"territories": [FieldProblem("territory_in_use", "The distributor still serves outlets in a territory being removed.")]}
        )
    DistributorTerritory.objects.filter(distributor=distributor, territory_id__in=dropped).delete()
    DistributorTerritory.objects.bulk_create(
        [DistributorTerritory(distributor=distributor, territory_id=pk) for pk in wanted - current]
    )


@transaction.atomic
def distributor_set_status(*, by, distributor: Distributor, status: str) -> Distributor:
    """Move a distributor along its lifecycle (DISTRIBUTOR_TRANSITIONS)."""
    require_perm(by, "partners.change_distributor")
    distributor = Distributor.objects.select_for_update().get(pk=distributor.pk)
    require_in_scope(by, distributor)
    if status not in DISTRIBUTOR_TRANSITIONS.get(distributor.status, set()):
        raise Conflict(f"A {distributor.status} distributor cannot become {status}.", code="invalid_transition")
    distributor.status = status
    distributor.save(update_fields=["status", "updated_at"])
    return distributor


@transaction.atomic
def distributor_delete(*, by, distributor: Distributor) -> None:
    require_perm(by, "partners.delete_distributor")
    require_in_scope(by, distributor)
    try:
        distributor.delete()
    except ProtectedError as exc:
        raise Conflict("The distributor has outlets, warehouses or users; terminate it instead.", code="in_use") from exc


@transaction.atomic
def contact_save(*, by, distributor: Distributor, name: str, phone: str = "", email: str = "", designation: str = "", is_primary: bool = False) -> DistributorContact:
    """Add a contact, or update the one with the same name. A new primary replaces the old one."""
    require_perm(by, "partners.add_distributorcontact")
    require_in_scope(by, distributor)
    problems: dict[str, list[FieldProblem]] = {}
    if phone:
        phone = _normalize(problems, "phone", normalize_phone, phone, distributor.country_code)
    if problems:
        raise ValidationFailed(problems)
    if is_primary:
        DistributorContact.objects.filter(distributor=distributor, is_primary=True).exclude(name=name).update(is_primary=False)
    contact = DistributorContact.objects.filter(distributor=distributor, name=name).first() or DistributorContact(distributor=distributor, name=name)
    contact.phone, contact.email, contact.designation, contact.is_primary = phone, email, designation, is_primary
    return save_validated(contact)


@transaction.atomic
def warehouse_create(*, by, distributor: Distributor, **fields: Any) -> Warehouse:
    require_perm(by, "partners.add_warehouse")
    require_in_scope(by, distributor)
    warehouse = Warehouse(distributor=distributor)
    apply_changes(warehouse, fields, WAREHOUSE_FIELDS)
    return save_validated(warehouse)


@transaction.atomic
def warehouse_update(*, by, warehouse: Warehouse, **changes: Any) -> Warehouse:
    require_perm(by, "partners.change_warehouse")
    warehouse = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    require_in_scope(by, warehouse)
    apply_changes(warehouse, changes, WAREHOUSE_FIELDS)
    return save_validated(warehouse)


def _quarantine_codes(distributor: Distributor) -> list[str]:
    """``Q-<distributor code>``, or ``Q-<distributor id>`` when that is too long or taken."""
    codes = [f"Q-{distributor.code}"] if len(distributor.code) <= 30 else []
    return codes + [f"Q-{distributor.pk}"]


def quarantine_for(distributor: Distributor) -> Warehouse:
    """The distributor's quarantine warehouse, created on first use: where damaged stock (damaged
    customer returns, units damaged in transit) is kept apart from sellable stock. It is never
    chosen for an order nor allocated from, and is seen by the scopes that see the distributor.
    No acting user: called inside services that have checked their own permission and scope.
    Concurrency-safe: one quarantine per distributor and unique codes are database constraints; a
    racing twin's insert fails and its row is read instead."""
    for code in _quarantine_codes(distributor):
        existing = Warehouse.objects.filter(distributor=distributor, kind=WarehouseKind.QUARANTINE).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return Warehouse.objects.create(
                    kind=WarehouseKind.QUARANTINE, distributor=distributor, code=code,
                    name=f"{distributor.code} quarantine",
                )
        except IntegrityError:  # a twin made the quarantine, or another warehouse has this code
            continue
    existing = Warehouse.objects.filter(distributor=distributor, kind=WarehouseKind.QUARANTINE).first()
    if existing is None:
        raise Conflict(f"No quarantine warehouse could be made for {distributor.code}.", code="quarantine_unavailable")
    return existing


def _validate_outlet(by, outlet: Outlet) -> None:
    """The rules an outlet must keep: identifiers valid, territory and distributor within the
    user's scope, and the distributor serving the territory."""
    problems: dict[str, list[FieldProblem]] = {}
    territory = outlet.territory if outlet.territory_id else None
    country = territory.country_code if territory else "IN"
    if outlet.phone:
        outlet.phone = _normalize(problems, "phone", normalize_phone, outlet.phone, country)
    if outlet.tax_id:
        outlet.tax_id = _normalize(problems, "tax_id", normalize_tax_id, country, outlet.tax_id)
    if territory is not None:
        if territory.kind != GeoKind.TERRITORY:
            problems.setdefault("territory", []).append(FieldProblem("not_a_territory", "An outlet belongs to a territory."))
        elif not GeoNode.objects.for_user(by).filter(pk=territory.pk).exists():
            problems.setdefault("territory", []).append(FieldProblem("not_found", "No such territory in your scope."))
    if outlet.distributor_id:
        if not Distributor.objects.for_user(by).filter(pk=outlet.distributor_id).exists():
            problems.setdefault("distributor", []).append(FieldProblem("not_found", "No such distributor in your scope."))
        elif territory is not None and not DistributorTerritory.objects.filter(distributor_id=outlet.distributor_id, territory=territory).exists():
            problems.setdefault("distributor", []).append(
                FieldProblem("does_not_serve_territory", f"This distributor does not serve {territory.name}.")
            )
    if problems:
        raise ValidationFailed(problems)


@transaction.atomic
def outlet_create(*, by, **fields: Any) -> Outlet:
    """Create an outlet in one of the user's territories, served by a distributor of that territory."""
    require_perm(by, "partners.add_outlet")
    outlet = Outlet()
    apply_changes(outlet, fields, OUTLET_FIELDS)
    _validate_outlet(by, outlet)
    return save_validated(outlet)


@transaction.atomic
def outlet_update(*, by, outlet: Outlet, **changes: Any) -> Outlet:
    """Change an outlet; the same rules as creation hold after the change."""
    require_perm(by, "partners.change_outlet")
    outlet = Outlet.objects.select_for_update().get(pk=outlet.pk)
    require_in_scope(by, outlet)
    apply_changes(outlet, changes, OUTLET_FIELDS)
    _validate_outlet(by, outlet)
    return save_validated(outlet)


@transaction.atomic
def outlet_delete(*, by, outlet: Outlet) -> None:
    require_perm(by, "partners.delete_outlet")
    require_in_scope(by, outlet)
    try:
        outlet.delete()
    except ProtectedError as exc:
        raise Conflict("The outlet has orders or visits; close it instead.", code="in_use") from exc
