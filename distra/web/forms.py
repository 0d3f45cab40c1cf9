"""Forms of the pages: they parse what a person typed into typed values and show problems beside
the fields. The rules live in the services; a form only adds the problems a service reports."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from distra.catalog import selectors as catalog
from distra.core.errors import DomainError
from distra.geography import selectors as geography
from distra.geography.choices import GeoKind
from distra.partners import selectors as partners
from distra.partners.choices import Channel, DistributorStatus, OutletClass, OutletStatus
from distra.partners.models import Distributor, Outlet

ANY = [("", _("Any"))]


def add_service_errors(form: forms.Form, error: DomainError) -> None:
    """Show a service's problems beside the fields they concern (the rest above the form)."""
    if not error.fields:
        form.add_error(None, error.message)
    for name, problems in error.fields.items():
        target = name if name in form.fields else None
        for problem in problems:
            form.add_error(target, problem.message)


def _territories(user):
    return geography.geonode_list(user=user, kind=GeoKind.TERRITORY).order_by("name")


def _territory_field(field: forms.ModelChoiceField, user) -> None:
    """Offer the user's territories, each by its name (they are all territories)."""
    field.queryset = _territories(user)
    field.label_from_instance = lambda node: node.name


# Filters ----------------------------------------------------------------------------------------

class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class OutletFilterForm(SearchForm):
    territory = forms.ModelChoiceField(queryset=None, required=False, label=_("Territory"), empty_label=_("Any"))
    distributor = forms.ModelChoiceField(queryset=None, required=False, label=_("Distributor"), empty_label=_("Any"))
    channel = forms.ChoiceField(choices=ANY + Channel.choices, required=False, label=_("Channel"))
    outlet_class = forms.ChoiceField(choices=ANY + OutletClass.choices, required=False, label=_("Class"))
    status = forms.ChoiceField(choices=ANY + OutletStatus.choices, required=False, label=_("Status"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _territory_field(self.fields["territory"], user)
        self.fields["distributor"].queryset = partners.distributor_list(user=user)


class DistributorFilterForm(SearchForm):
    territory = forms.ModelChoiceField(queryset=None, required=False, label=_("Territory"), empty_label=_("Any"))
    status = forms.ChoiceField(choices=ANY + DistributorStatus.choices, required=False, label=_("Status"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _territory_field(self.fields["territory"], user)


class WarehouseFilterForm(SearchForm):
    distributor = forms.ModelChoiceField(queryset=None, required=False, label=_("Distributor"), empty_label=_("Any"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distributor"].queryset = partners.distributor_list(user=user)


class SKUFilterForm(SearchForm):
    brand = forms.ModelChoiceField(queryset=None, required=False, label=_("Brand"), empty_label=_("Any"))
    category = forms.ModelChoiceField(queryset=None, required=False, label=_("Category"), empty_label=_("Any"))
    active = forms.ChoiceField(
        choices=ANY + [("yes", _("Active")), ("no", _("Inactive"))], required=False, label=_("Status")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = catalog.brand_list(user=user)
        self.fields["category"].queryset = catalog.category_list(user=user)


class DateInput(forms.DateInput):
    """A browser date picker (ISO dates, which is what DateField parses first)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class StockFilterForm(SearchForm):
    distributor = forms.ModelChoiceField(queryset=None, required=False, label=_("Distributor"), empty_label=_("Any"))
    warehouse = forms.ModelChoiceField(queryset=None, required=False, label=_("Warehouse"), empty_label=_("Any"))
    expiring_before = forms.DateField(required=False, label=_("Expiring before"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("SKU")
        self.fields["distributor"].queryset = partners.distributor_list(user=user)
        self.fields["warehouse"].queryset = partners.warehouse_list(user=user).order_by("code")


class GeographyFilterForm(SearchForm):
    kind = forms.ChoiceField(choices=ANY + GeoKind.choices, required=False, label=_("Kind"))


# Edit forms -------------------------------------------------------------------------------------

OUTLET_FORM_FIELDS = [
    "code", "name", "owner_name", "phone", "territory", "distributor", "channel", "outlet_class", "status",
    "address", "city", "postal_code", "latitude", "longitude", "tax_id",
]


class OutletForm(forms.Form):
    """The fields of an outlet, with territories and distributors limited to the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Outlet, fields=OUTLET_FORM_FIELDS))
        _territory_field(self.fields["territory"], user)
        self.fields["distributor"].queryset = partners.distributor_list(user=user)
        self.fields["address"].widget.attrs["rows"] = 2


DISTRIBUTOR_FORM_FIELDS = ["legal_name", "trade_name", "tax_id", "email", "phone", "address"]


class DistributorForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Distributor, fields=DISTRIBUTOR_FORM_FIELDS))
        self.fields["address"].widget.attrs["rows"] = 2


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=_("Language"))
