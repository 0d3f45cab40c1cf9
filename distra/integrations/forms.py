from django import forms
from django.utils.translation import gettext_lazy as _

KIND_LABELS = {"distributors": _("Distributors"), "outlets": _("Outlets"), "skus": _("SKUs"), "price_lists": _("Price lists"),
               "schemes": _("Schemes")}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=())
    file = forms.FileField(label=_("CSV or XLSX file"))
    partial = forms.BooleanField(
        label=_("Write the valid rows even if some rows have problems"), required=False
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, KIND_LABELS[kind]) for kind in kinds]
