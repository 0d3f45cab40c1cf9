"""Distributors, their warehouses and contacts, and the outlets they serve."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from distra.core.models import ScopedModel
from distra.core.validators import validate_latitude, validate_longitude
from distra.partners.choices import (
    Channel,
    DistributorStatus,
    OutletClass,
    OutletStatus,
    WarehouseKind,
)


def _distributors_visible(scope) -> Q:
    """Distributors a scope sees: its own, or those serving one of its territories."""
    if scope.distributor_id is not None:
        return Q(id=scope.distributor_id)
    served = DistributorTerritory.objects.filter(territory_id__in=scope.territory_ids).values("distributor_id")
    return Q(id__in=served)


class Distributor(ScopedModel):
    """An independent business that buys from the brand and resells to outlets in its territories.

    Invariant: ``tax_id`` is valid for ``country_code`` (GSTIN in India) and unique when present.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    country_code = models.CharField(_("country code"), max_length=2, default="IN")
    tax_id = models.CharField(_("tax registration id"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DistributorStatus.choices, default=DistributorStatus.PROSPECT, db_index=True
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.TextField(_("address"), blank=True)
    territories = models.ManyToManyField(
        "geography.GeoNode",
        through="DistributorTerritory",
        related_name="distributors",
        verbose_name=_("territories served"),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("distributor")
        verbose_name_plural = _("distributors")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["tax_id"], condition=~Q(tax_id=""), name="distributor_tax_id_unique"),
            models.CheckConstraint(condition=Q(status__in=DistributorStatus.values), name="distributor_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.trade_name or self.legal_name}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _distributors_visible(scope)


class DistributorTerritory(models.Model):
    distributor = models.ForeignKey(Distributor, on_delete=models.CASCADE)
    territory = models.ForeignKey("geography.GeoNode", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["distributor", "territory"], name="distributor_territory_unique")
        ]
        indexes = [models.Index(fields=["territory", "distributor"])]

    def __str__(self) -> str:
        return f"{self.distributor_id} serves {self.territory_id}"


class DistributorContact(ScopedModel):
    distributor = models.ForeignKey(Distributor, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    designation = models.CharField(_("designation"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("distributor contact")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor"], condition=Q(is_primary=True), name="one_primary_contact_per_distributor"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(distributor__in=Distributor.objects.filter(_distributors_visible(scope)).values("id"))


class Warehouse(ScopedModel):
    """A store of goods: a distributor's warehouse, a depot of the brand's own that ships
    primary orders, or a distributor's quarantine, where damaged stock waits for inspection or a
    claim and from which nothing is ever sold. Stock is held per warehouse (the inventory issue).

    Invariants (database checks): a depot has no distributor and every other warehouse has one; a
    distributor has at most one quarantine (``partners.services.quarantine_for`` makes it).
    Depots are seen only by the scopes that see everything (administrators, brand managers); a
    quarantine by the scopes that see its distributor.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=WarehouseKind.choices, default=WarehouseKind.DISTRIBUTOR)
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="warehouses", null=True, blank=True)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    address = models.TextField(_("address"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("warehouse")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=WarehouseKind.values), name="warehouse_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind=WarehouseKind.DEPOT) & Q(distributor__isnull=True))
                | (~Q(kind=WarehouseKind.DEPOT) & Q(distributor__isnull=False)),
                name="warehouse_depot_has_no_distributor",
            ),
            models.UniqueConstraint(
                fields=["distributor"], condition=Q(kind=WarehouseKind.QUARANTINE), name="one_quarantine_per_distributor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def is_depot(self) -> bool:
        return self.kind == WarehouseKind.DEPOT

    @property
    def is_quarantine(self) -> bool:
        return self.kind == WarehouseKind.QUARANTINE

    @classmethod
    def scope_q(cls, scope) -> Q:
        # Depots (no distributor) never match: only the scopes that see everything see them.
        return Q(distributor__in=Distributor.objects.filter(_distributors_visible(scope)).values("id"))


class Outlet(ScopedModel):
    """A retail outlet, served by one distributor in its territory.

    Invariants: the serving distributor serves the outlet's territory (checked by the services,
    which are the only writers); latitude and longitude lie in their ranges (database checks).
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    owner_name = models.CharField(_("owner"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.GENERAL_TRADE)
    outlet_class = models.CharField(_("class"), max_length=1, choices=OutletClass.choices, default=OutletClass.C)
    territory = models.ForeignKey(
        "geography.GeoNode", on_delete=models.PROTECT, related_name="outlets", verbose_name=_("territory")
    )
    distributor = models.ForeignKey(
        Distributor, on_delete=models.PROTECT, related_name="outlets", verbose_name=_("serving distributor")
    )
    status = models.CharField(_("status"), max_length=16, choices=OutletStatus.choices, default=OutletStatus.ACTIVE)
    tax_id = models.CharField(_("tax registration id"), max_length=32, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["territory", "code"]),
            models.Index(fields=["distributor", "code"]),
            models.Index(fields=["name"]),
            models.Index(fields=["channel", "outlet_class"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="outlet_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="outlet_longitude_range",
            ),
            # Reports and charts group by these; a value outside the choices must never be stored.
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="outlet_channel_valid"),
            models.CheckConstraint(condition=Q(outlet_class__in=OutletClass.values), name="outlet_class_valid"),
            models.CheckConstraint(condition=Q(status__in=OutletStatus.values), name="outlet_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def clean(self) -> None:
        from distra.geography.choices import GeoKind

        if self.territory_id and self.territory.kind != GeoKind.TERRITORY:
            raise ValidationError({"territory": ValidationError(_("An outlet belongs to a territory."), code="not_a_territory")})

    @classmethod
    def scope_q(cls, scope) -> Q:
        if scope.distributor_id is not None:
            return Q(distributor_id=scope.distributor_id)
        return Q(territory_id__in=scope.territory_ids)

    @classmethod
    def scope_contains(cls, scope, *, distributor_id: int, territory_id: int) -> bool:
        """``scope_q`` as a test of one row's values, for a path that has read the row already."""
        if scope.everything:
            return True
        if scope.distributor_id is not None:
            return distributor_id == scope.distributor_id
        return territory_id in scope.territory_ids
