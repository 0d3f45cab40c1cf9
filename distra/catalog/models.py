"""The brand's catalog: brands, a category tree and SKUs. The whole catalog is visible to every role."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from distra.core.models import ScopedModel
from distra.core.money import round_money
from distra.core.validators import validate_hsn


class CatalogModel(ScopedModel):
    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q()  # the catalog is the brand's, shown to everyone who may sign in


class Brand(CatalogModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("brand")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(CatalogModel):
    """A node of the category tree; ``path`` ("/3/12/") makes "this category and its children" one
    prefix match (schemes that target a category include its children)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent"))
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    history = HistoricalRecords(excluded_fields=["updated_at", "path"])

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class SKU(CatalogModel):
    """A sellable product variant.

    Prices: ``base_price`` is per unit, before tax; ``mrp`` is the tax-inclusive maximum retail
    price printed on a unit. Invariant: base price plus tax never exceeds MRP; the GTIN's check
    digit is right (checked by the services with python-stdnum).
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    gtin = models.CharField(_("GTIN"), max_length=14, unique=True)
    name = models.CharField(_("name"), max_length=200)
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="skus", verbose_name=_("brand"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="skus", verbose_name=_("category"))
    hsn_code = models.CharField(_("HSN code"), max_length=8, validators=[validate_hsn])
    units_per_case = models.PositiveIntegerField(_("units per case"), validators=[MinValueValidator(1)])
    case_weight_kg = models.DecimalField(_("case weight (kg)"), max_digits=9, decimal_places=3, validators=[MinValueValidator(Decimal("0"))])
    case_volume_l = models.DecimalField(_("case volume (litres)"), max_digits=9, decimal_places=3, validators=[MinValueValidator(Decimal("0"))])
    mrp = models.DecimalField(_("MRP per unit (tax included)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    base_price = models.DecimalField(_("base price per unit (before tax)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    tax_rate = models.DecimalField(
        _("tax rate (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
    )
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(units_per_case__gte=1), name="sku_units_per_case_positive"),
            models.CheckConstraint(condition=Q(base_price__gte=0) & Q(mrp__gte=0), name="sku_prices_not_negative"),
            models.CheckConstraint(condition=Q(tax_rate__gte=0) & Q(tax_rate__lte=100), name="sku_tax_rate_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def price_with_tax(self) -> Decimal:
        return round_money(self.base_price * (1 + self.tax_rate / 100))

    def clean(self) -> None:
        if None not in (self.base_price, self.tax_rate, self.mrp) and self.price_with_tax > self.mrp:
            message = _("Base price plus tax (%(gross)s) exceeds the MRP (%(mrp)s).") % {"gross": self.price_with_tax, "mrp": self.mrp}
            raise ValidationError({"base_price": ValidationError(message, code="above_mrp")})
