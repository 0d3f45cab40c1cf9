"""Forms of the order pages: they parse what a person typed; the rules live in the services, and a
form only shows the problems a service reports beside the fields (and lines) they concern."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from distra.core.errors import DomainError
from distra.orders.choices import OrderStatus
from distra.partners import selectors as partners
from distra.web.forms import ANY, DateInput, SearchForm


class OrderFilterForm(SearchForm):
    status = forms.ChoiceField(choices=ANY + OrderStatus.choices, required=False, label=_("Status"))
    distributor = forms.ModelChoiceField(queryset=None, required=False, label=_("Distributor"), empty_label=_("Any"))
    outlet = forms.CharField(required=False, max_length=100, label=_("Outlet"),
                             widget=forms.TextInput(attrs={"placeholder": _("Outlet code or name")}))
    date_from = forms.DateField(required=False, label=_("From"), widget=DateInput())
    date_to = forms.DateField(required=False, label=_("To"), widget=DateInput())
    waiting = forms.ChoiceField(
        choices=ANY + [("yes", _("Waiting for stock")), ("no", _("Not waiting"))], required=False, label=_("Stock")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Order number or outlet code")
        self.fields["distributor"].queryset = partners.distributor_list(user=user)


class OrderHeaderForm(forms.Form):
    """The order as a whole: the warehouse it ships from (one of the outlet's distributor's), a
    note, the SKU search box, and the idempotency key that makes a resubmitted form harmless."""

    warehouse = forms.ModelChoiceField(queryset=None, required=False, label=_("Warehouse"), empty_label=None)
    note = forms.CharField(required=False, max_length=500, label=_("Note"))
    sku_q = forms.CharField(required=False, max_length=100, label=_("Find a SKU"))
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, user, outlet, warehouse_fixed=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        warehouses = partners.warehouse_list(user=user, distributor_id=outlet.distributor_id, selling=True).filter(is_active=True).order_by("pk")
        if warehouse_fixed is not None:
            warehouses = warehouses.model.objects.filter(pk=warehouse_fixed.pk)
            self.fields["idempotency_key"].required = False
        self.fields["warehouse"].queryset = warehouses

    def chosen_warehouse(self):
        """The warehouse asked for, else the first active one of the distributor (as the service
        chooses), or None."""
        value = self.cleaned_data.get("warehouse") if hasattr(self, "cleaned_data") else None
        return value or self.fields["warehouse"].queryset.first()


class LineForm(forms.Form):
    """One line as typed: a SKU (chosen by search, kept hidden), cases, units and a discount."""

    sku = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    cases = forms.IntegerField(required=False, min_value=0, max_value=10**7, label=_("Cases"))
    units = forms.IntegerField(required=False, min_value=0, max_value=10**9, label=_("Units"))
    discount_pct = forms.DecimalField(required=False, min_value=Decimal(0), max_value=Decimal(100), decimal_places=2,
                                      max_digits=5, label=_("Discount %"))


LineFormSet = forms.formset_factory(LineForm, extra=0, can_delete=True, max_num=200, absolute_max=200, validate_max=True)

# Where a service's line problem ("lines[2].quantity") is shown on the line's form.
LINE_FIELD_TARGET = {"sku": None, "quantity": None, "discount_pct": "discount_pct"}


def add_line_errors(formset, form_index: list[int], error: DomainError, header: forms.Form) -> None:
    """Show a service's problems beside their lines: ``lines[i].field`` belongs to the i-th line
    sent to the service, which is the form ``form_index[i]``; the rest go above the form."""
    for name, problems in error.fields.items():
        target_form, field = header, None
        if name.startswith("lines[") and "]" in name:
            index_text, _sep, rest = name[len("lines["):].partition("]")
            if index_text.isdigit() and int(index_text) < len(form_index):
                target_form = formset.forms[form_index[int(index_text)]]
                field = LINE_FIELD_TARGET.get(rest.lstrip("."))
        elif name in header.fields:
            field = name
        for problem in problems:
            target_form.add_error(field, problem.message)
    if not error.fields:
        header.add_error(None, error.message)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, label=_("Reason"))
