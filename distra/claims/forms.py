"""Claims page forms: the list filters, the manual claim with its amounts and evidence, and the
reviewer's decision on one line. Rules stay in the services; these only parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from distra.claims.choices import ClaimKind, ClaimStatus, ManualReason

MANUAL_ROWS = 5


def _blank(choices) -> list:
    return [("", _("All")), *choices]


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(ClaimStatus.choices))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(ClaimKind.choices))
    distributor = forms.ModelChoiceField(label=_("Distributor"), required=False, queryset=None, empty_label=_("All"))
    period_from = forms.DateField(label=_("Period from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("Period to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        from distra.partners.models import Distributor

        super().__init__(*args, **kwargs)
        self.fields["distributor"].queryset = Distributor.objects.for_user(user).order_by("code")
        self.fields["distributor"].widget.input_type = "select"
        if user.distributor_id:
            del self.fields["distributor"]


class ManualClaimForm(forms.Form):
    """A manual claim: what happened, up to five amounts, and the first piece of evidence."""

    distributor = forms.ModelChoiceField(label=_("Distributor"), queryset=None)
    reason = forms.ChoiceField(label=_("Reason"), choices=ManualReason.choices)
    description = forms.CharField(label=_("What happened"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_on = forms.DateField(label=_("Date of the loss"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.FileField(label=_("Evidence (PDF, JPEG, PNG or WebP, at most 5 MB)"), required=False)

    def __init__(self, *args, user, **kwargs):
        from distra.partners.models import Distributor

        super().__init__(*args, **kwargs)
        self.fields["distributor"].queryset = Distributor.objects.for_user(user).order_by("code")
        if user.distributor_id:
            self.fields["distributor"].initial = user.distributor_id
            self.fields["distributor"].widget = forms.HiddenInput()
        for i in range(MANUAL_ROWS):
            self.fields[f"line_{i}_description"] = forms.CharField(label=_("Item %(n)s") % {"n": i + 1}, max_length=300, required=False)
            self.fields[f"line_{i}_amount"] = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, required=False)
            self.fields[f"line_{i}_quantity"] = forms.IntegerField(label=_("Units"), min_value=0, required=False)

    def line_rows(self) -> list[tuple]:
        return [(self[f"line_{i}_description"], self[f"line_{i}_amount"], self[f"line_{i}_quantity"]) for i in range(MANUAL_ROWS)]

    def manual_lines(self) -> list:
        from distra.claims.services import ManualLineIn

        lines = []
        for i in range(MANUAL_ROWS):
            description, amount = self.cleaned_data.get(f"line_{i}_description"), self.cleaned_data.get(f"line_{i}_amount")
            if description or amount is not None:
                lines.append(ManualLineIn(description=description or "", amount=amount if amount is not None else 0,
                                          quantity=self.cleaned_data.get(f"line_{i}_quantity") or 0))
        return lines

    def on_rows(self, error) -> None:
        """Show the service's ``lines[i].field`` problems on the row's fields."""
        for name, problems in error.fields.items():
            target = None
            if name.startswith("lines[") and "]." in name:
                index, field = name[6:].split("].", 1)
                target = f"line_{index}_{field}" if f"line_{index}_{field}" in self.fields else None
            elif name in self.fields:
                target = name
            for problem in problems:
                self.add_error(target, problem.message)
        if not error.fields:
            self.add_error(None, error.message)
