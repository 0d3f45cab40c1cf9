"""Outlet suggestions: must-sell lists (by channel and outlet class) and each suggested order given
to someone for an outlet, with its lines, so that acceptance can be measured. Only
``distra.suggestions.services`` writes these rows."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from distra.core.models import ScopedModel
from distra.partners.choices import Channel, OutletClass
from distra.suggestions.choices import Basis, GivenThrough


class MustSellList(ScopedModel):
    """SKUs every outlet of a channel and class should carry. A blank channel or class means any.
    Brand-wide master data: every role sees the lists; administrators and brand managers keep them.
    Invariant: channel and class are blank or valid choices."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    outlet_class = models.CharField(_("outlet class"), max_length=1, choices=OutletClass.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("must-sell list")
        verbose_name_plural = _("must-sell lists")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(channel="") | Q(channel__in=Channel.values), name="mustsell_channel_valid"),
            models.CheckConstraint(condition=Q(outlet_class="") | Q(outlet_class__in=OutletClass.values), name="mustsell_class_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q()

    def applies_to(self, *, channel: str, outlet_class: str) -> bool:
        return self.is_active and self.channel in ("", channel) and self.outlet_class in ("", outlet_class)


class MustSellItem(ScopedModel):
    """One SKU of a must-sell list, with the quantity to suggest to an outlet that does not buy it
    (base units; none: one case). Invariant: a SKU is once per list; quantity >= 1."""

    must_sell_list = models.ForeignKey(MustSellList, on_delete=models.CASCADE, related_name="items", verbose_name=_("list"))
    sku = models.ForeignKey("catalog.SKU", on_delete=models.CASCADE, related_name="+", verbose_name=_("SKU"))
    quantity = models.PositiveIntegerField(_("starter quantity (base units)"), null=True, blank=True)

    class Meta:
        verbose_name = _("must-sell SKU")
        verbose_name_plural = _("must-sell SKUs")
        ordering = ["must_sell_list", "sku__code"]
        constraints = [
            models.UniqueConstraint(fields=["must_sell_list", "sku"], name="mustsell_item_unique"),
            models.CheckConstraint(condition=Q(quantity__isnull=True) | Q(quantity__gte=1), name="mustsell_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.must_sell_list.code}: {self.sku_id}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q()


class Suggestion(ScopedModel):
    """A suggested order given to a user for an outlet at a time: what it proposed and on what
    figures. A suggestion is never edited; a second one for the same outlet and user on the same
    day supersedes the first (``superseded_at``), so a refreshed page is not counted twice.
    Invariant: valid_until >= the day it was given."""

    outlet = models.ForeignKey("partners.Outlet", on_delete=models.CASCADE, related_name="+", verbose_name=_("outlet"))
    distributor = models.ForeignKey("partners.Distributor", on_delete=models.CASCADE, related_name="+", verbose_name=_("distributor"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("given to"))
    given_at = models.DateTimeField(_("given at"), db_index=True)
    valid_until = models.DateTimeField(_("valid until"))
    through = models.CharField(_("through"), max_length=10, choices=GivenThrough.choices, default=GivenThrough.API)
    cycle_days = models.PositiveIntegerField(_("order cycle (days)"))
    cover_days = models.PositiveIntegerField(_("days covered"))
    shelf_counted = models.BooleanField(_("shelf stock counted"), default=False)
    fallback = models.CharField(_("fallback"), max_length=40, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outlet suggestion")
        verbose_name_plural = _("outlet suggestions")
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["outlet", "given_at"]), models.Index(fields=["distributor", "given_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("given_at")), name="suggestion_valid_after_given"),
            models.CheckConstraint(condition=Q(through__in=GivenThrough.values), name="suggestion_through_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.outlet_id} @ {self.given_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        from distra.partners.models import Outlet

        return Q(outlet__in=Outlet.objects.filter(Outlet.scope_q(scope)).values("id"))


class SuggestionLine(ScopedModel):
    """One SKU of a suggestion: the quantity suggested (base units; 0 when the shelf covers the
    period, kept so the reason shows), on which basis and with which figures.
    Invariant: one line per SKU; quantity >= 0."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.CASCADE, related_name="+", verbose_name=_("SKU"))
    quantity = models.PositiveIntegerField(_("suggested (base units)"))
    in_cases = models.BooleanField(_("in cases"), default=False)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    reason = models.CharField(_("reason"), max_length=500)
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("suggested line")
        ordering = ["suggestion", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "sku"], name="suggestion_line_unique_sku"),
            models.CheckConstraint(condition=Q(basis__in=Basis.values), name="suggestion_line_basis_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id} × {self.quantity}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        from distra.partners.models import Outlet

        return Q(suggestion__outlet__in=Outlet.objects.filter(Outlet.scope_q(scope)).values("id"))
