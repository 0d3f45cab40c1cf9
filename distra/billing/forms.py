"""The payment entry form (the service checks the rules; the form parses the input)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from distra.billing.choices import PaymentMode
from distra.partners.models import Outlet


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
