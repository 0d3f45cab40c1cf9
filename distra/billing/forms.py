"""Billing forms: payment entry, credit note entry, list filters (the services check the rules;
the forms parse the input)."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from distra.billing.choices import CreditNoteKind, PaymentMode
from distra.billing.services_credit import DIRECT_KINDS
from distra.core.errors import DomainError
from distra.partners import selectors as partners
from distra.partners.models import Outlet
from distra.web.forms import ANY, DateInput, SearchForm


class PaymentForm(forms.Form):
    outlet = forms.ModelChoiceField(label=_("Outlet"), queryset=Outlet.objects.none())
    amount = forms.DecimalField(label=_("Amount (Rs.)"), max_digits=14, decimal_places=2, min_value=0.01)
    mode = forms.ChoiceField(label=_("Mode"), choices=PaymentMode.choices)
    reference = forms.CharField(label=_("Reference (cheque number, UTR, UPI id)"), max_length=64, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = Outlet.objects.for_user(user).order_by("code")
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["received_on"].widget.input_type = "date"


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Number"), required=False, max_length=16)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any")), ("issued", _("Issued")), ("cancelled", _("Cancelled"))])
    open_only = forms.ChoiceField(label=_("Outstanding"), required=False,
                                  choices=[("", _("All")), ("1", _("Only with something outstanding"))])


class CreditNoteFilterForm(SearchForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=ANY + CreditNoteKind.choices)
    distributor = forms.ModelChoiceField(queryset=None, required=False, label=_("Distributor"), empty_label=_("Any"))
    date_from = forms.DateField(required=False, label=_("From"), widget=DateInput())
    date_to = forms.DateField(required=False, label=_("To"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Credit note or invoice number")
        self.fields["q"].max_length = 16
        self.fields["distributor"].queryset = partners.distributor_list(user=user)


class CreditNoteForm(forms.Form):
    """A credit note by hand: a quantity per invoice line (blank or 0: not credited), a kind and a
    reason. The service checks the rules; ``line_field`` names the field of an invoice line."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in DIRECT_KINDS])
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            left = line.quantity - line.credited_quantity
            self.fields[self.line_field(line)] = forms.IntegerField(
                label=_("Line %(no)s · %(description)s: units to credit (up to %(left)s)") % {
                    "no": line.line_no, "description": line.description, "left": left},
                required=False, min_value=0, max_value=left)
        self.order_fields([self.line_field(line) for line in self.lines] + ["kind", "reason"])

    @staticmethod
    def line_field(line) -> str:
        return f"line-{line.pk}"

    def _credited(self) -> list:
        return [line for line in self.lines if self.cleaned_data.get(self.line_field(line))]

    def credited_lines(self) -> list[tuple[int, int]]:
        return [(line.pk, self.cleaned_data[self.line_field(line)]) for line in self._credited()]

    def on_lines(self, error: DomainError) -> DomainError:
        """``error`` with its ``lines[i].…`` problems moved to the fields of the lines they concern."""
        fields = {}
        for name, problems in error.fields.items():
            match = re.fullmatch(r"lines\[(\d+)\]\..*", name)
            credited = self._credited()
            fields[self.line_field(credited[int(match[1])]) if match and int(match[1]) < len(credited) else name] = problems
        return DomainError(message=error.message, code=error.code, status=error.status, fields=fields)
