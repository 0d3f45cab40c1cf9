"""The purchasing pages' forms. Lines are rows of repeated inputs (sku, cases, units), read by
``order_lines_from_post``; the services check them, as they check the API's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from distra.partners import selectors as partners
from distra.purchasing.choices import POStatus


class POFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Number, distributor or SKU"))
    status = forms.ChoiceField(choices=[("", _("Any"))] + POStatus.choices, required=False, label=_("Status"))
    distributor = forms.ModelChoiceField(queryset=None, required=False, label=_("Distributor"), empty_label=_("Any"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distributor"].queryset = partners.distributor_list(user=user)


def whole_number(value: str) -> int | str:
    """A whole number as typed, or the text itself (the service answers invalid_quantity)."""
    value = (value or "").strip()
    if value in ("", "0"):
        return 0
    try:
        return int(value)
    except ValueError:
        return value


def order_lines_from_post(post) -> list[dict]:
    """The rows of the order entry form: one per SKU picked, empty rows skipped."""
    rows = zip(post.getlist("sku"), post.getlist("cases"), post.getlist("units"), strict=False)
    return [{"sku_id": whole_number(sku), "cases": whole_number(cases), "units": whole_number(units)} for sku, cases, units in rows if sku.strip()]


def receipt_lines_from_post(post, shipment_line_ids) -> list[dict]:
    """good / damaged / excess per shipment line of the GRN entry form."""
    return [{"shipment_line_id": pk, "good": whole_number(post.get(f"good-{pk}", "")), "damaged": whole_number(post.get(f"damaged-{pk}", "")),
             "excess": whole_number(post.get(f"excess-{pk}", ""))} for pk in shipment_line_ids]


def confirm_quantities_from_post(post, line_ids) -> dict[int, int | str]:
    return {pk: whole_number(post.get(f"confirm-{pk}", "")) for pk in line_ids if f"confirm-{pk}" in post}
