"""The pricing pages' forms. Lists of things (price items, slabs, combo items, a sample basket,
SKU targets) are typed one per line, as ``CODE, number, number``; the parsers here only split
the text and look codes up, and the services check everything else, as they do for the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from distra.catalog.models import SKU, Brand, Category
from distra.geography.models import GeoNode
from distra.partners.choices import Channel, OutletClass
from distra.partners.models import Distributor, Outlet
from distra.pricing.choices import BudgetBasis, Lifecycle, Per, SchemeKind, Stacking

DATE = forms.DateInput(attrs={"type": "date"})


class LineError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, comma- or colon-separated cells) of the non-blank lines of ``text``."""
    out = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            out.append((number, [cell.strip() for cell in line.replace(":", ",").split(",")]))
    return out


def skus_by_code(codes) -> dict[str, SKU]:
    return {sku.code: sku for sku in SKU.objects.filter(code__in=list(codes))}


def parse_items(text: str) -> list[dict]:
    """``SKU code, selling price[, landing price]`` per line."""
    parsed = rows(text)
    known = skus_by_code(cells[0] for _, cells in parsed)
    items = []
    for number, cells in parsed:
        sku = known.get(cells[0])
        if sku is None:
            raise LineError("items", _("Line %(n)s: no SKU with code %(code)s.") % {"n": number, "code": cells[0]})
        items.append({"sku": sku, "selling_price": cells[1] if len(cells) > 1 else "", "landing_price": cells[2] if len(cells) > 2 and cells[2] else None})
    return items


def parse_basket(text: str) -> list[dict]:
    """``SKU code, quantity in units`` per line."""
    parsed = rows(text)
    known = skus_by_code(cells[0] for _, cells in parsed)
    lines = []
    for number, cells in parsed:
        sku = known.get(cells[0])
        quantity = cells[1] if len(cells) > 1 else ""
        if sku is None or not quantity.isdigit():
            raise LineError("basket", _("Line %(n)s: write a SKU code and a whole number of units.") % {"n": number})
        lines.append({"sku_id": sku.pk, "quantity": int(quantity)})
    return lines


def parse_slabs(text: str) -> list[dict]:
    """``min-max: percent`` (or ``min-: percent`` for the highest slab) per line."""
    slabs = []
    for number, cells in rows(text):
        bounds, percent = cells[0], cells[1] if len(cells) > 1 else ""
        low, _sep, high = bounds.partition("-")
        if not low.strip() or not percent:
            raise LineError("slabs", _("Line %(n)s: write a slab as 5-9: 2 (the highest as 10-: 4).") % {"n": number})
        slabs.append({"min": low.strip(), "max": high.strip() or None, "percent": percent})
    return slabs


def parse_combo(text: str) -> list[dict]:
    """``SKU code: units per set`` per line."""
    parsed = rows(text)
    known = skus_by_code(cells[0] for _, cells in parsed)
    items = []
    for number, cells in parsed:
        sku, qty = known.get(cells[0]), cells[1] if len(cells) > 1 else ""
        if sku is None or not qty.isdigit():
            raise LineError("combo", _("Line %(n)s: write a SKU code and the units per set.") % {"n": number})
        items.append({"sku_id": sku.pk, "quantity": int(qty)})
    return items


def parse_codes(text: str) -> list[int]:
    codes = [code.strip() for code in (text or "").replace("\n", ",").split(",") if code.strip()]
    known = skus_by_code(codes)
    missing = [code for code in codes if code not in known]
    if missing:
        raise LineError("target_skus", _("No SKU with code %(codes)s.") % {"codes": ", ".join(missing)})
    return [known[code].pk for code in codes]


class FilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Code or name"))
    status = forms.ChoiceField(choices=[("", _("Any"))] + Lifecycle.choices, required=False, label=_("Status"))


class PriceListForm(forms.Form):
    code = forms.CharField(max_length=32, label=_("Code"))
    name = forms.CharField(max_length=120, label=_("Name"))
    valid_from = forms.DateField(widget=DATE, label=_("Valid from"))
    valid_to = forms.DateField(widget=DATE, required=False, label=_("Valid to (inclusive)"))
    priority = forms.IntegerField(initial=0, min_value=-1000, max_value=1000, label=_("Priority (higher wins a tie)"))
    geography = forms.ModelChoiceField(GeoNode.objects.order_by("path"), required=False, label=_("Geography"), empty_label=_("Anywhere"))
    channel = forms.ChoiceField(choices=[("", _("Any"))] + Channel.choices, required=False, label=_("Channel"))
    outlet_class = forms.ChoiceField(choices=[("", _("Any"))] + OutletClass.choices, required=False, label=_("Outlet class"))
    distributor = forms.ModelChoiceField(Distributor.objects.order_by("code"), required=False, label=_("Distributor"), empty_label=_("Any"))
    outlet_code = forms.CharField(max_length=32, required=False, label=_("Outlet code"))
    items = forms.CharField(widget=forms.Textarea, label=_("Prices: SKU code, selling price, landing price (one per line)"))

    def payload(self) -> dict:
        data = dict(self.cleaned_data)
        code = data.pop("outlet_code")
        data["outlet"] = Outlet.objects.filter(code=code).first() if code else None
        if code and data["outlet"] is None:
            raise LineError("outlet_code", _("No outlet with code %(code)s.") % {"code": code})
        data["items"] = parse_items(data["items"])
        return data


class SchemeForm(forms.Form):
    code = forms.CharField(max_length=32, label=_("Code"))
    name = forms.CharField(max_length=120, label=_("Name"))
    kind = forms.ChoiceField(choices=SchemeKind.choices, label=_("Kind"))
    valid_from = forms.DateField(widget=DATE, label=_("Valid from"))
    valid_to = forms.DateField(widget=DATE, required=False, label=_("Valid to (inclusive)"))
    priority = forms.IntegerField(initial=0, min_value=-1000, max_value=1000, label=_("Priority (higher applies first)"))
    stacking = forms.ChoiceField(choices=Stacking.choices, initial=Stacking.COMBINABLE, label=_("Stacking"))
    funding_share_pct = forms.DecimalField(initial=100, min_value=0, max_value=100, decimal_places=2, label=_("Brand-funded share (%)"))
    percent = forms.DecimalField(required=False, decimal_places=2, label=_("Percentage off"))
    amount = forms.DecimalField(required=False, decimal_places=2, label=_("Amount off"))
    per = forms.ChoiceField(choices=Per.choices, label=_("Per (amounts, slabs, buy X)"))
    slabs = forms.CharField(widget=forms.Textarea, required=False, label=_("Slabs: min-max: percent (one per line)"))
    buy_quantity = forms.IntegerField(required=False, min_value=0, label=_("Buy"))
    free_quantity = forms.IntegerField(required=False, min_value=0, label=_("Get free"))
    free_sku = forms.ModelChoiceField(SKU.objects.order_by("code"), required=False, label=_("Free SKU"), empty_label=_("The same SKU"))
    max_free_per_order = forms.IntegerField(required=False, min_value=0, label=_("Most free units per order"))
    combo = forms.CharField(widget=forms.Textarea, required=False, label=_("Combo: SKU code: units per set (one per line)"))
    min_last_quarter_value = forms.DecimalField(required=False, min_value=0, decimal_places=2, label=_("Outlet bought at least (last quarter)"))
    channels = forms.MultipleChoiceField(choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("Channels"))
    outlet_classes = forms.MultipleChoiceField(choices=OutletClass.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("Outlet classes"))
    geography = forms.ModelMultipleChoiceField(GeoNode.objects.order_by("path"), required=False, label=_("Geography"))
    distributors = forms.ModelMultipleChoiceField(Distributor.objects.order_by("code"), required=False, label=_("Distributors"))
    categories = forms.ModelMultipleChoiceField(Category.objects.order_by("path"), required=False, label=_("Categories (with their children)"))
    brands = forms.ModelMultipleChoiceField(Brand.objects.order_by("name"), required=False, label=_("Brands"))
    target_skus = forms.CharField(widget=forms.Textarea, required=False, label=_("SKU codes"))
    budget_basis = forms.ChoiceField(choices=BudgetBasis.choices, required=False, label=_("Budget basis"))
    budget = forms.DecimalField(required=False, decimal_places=2, label=_("Overall budget"))

    def payload(self) -> dict:
        d = dict(self.cleaned_data)
        targets = {"channels": d.pop("channels"), "outlet_classes": d.pop("outlet_classes"),
                   "geography_ids": [n.pk for n in d.pop("geography")], "distributor_ids": [x.pk for x in d.pop("distributors")],
                   "category_ids": [c.pk for c in d.pop("categories")], "brand_ids": [b.pk for b in d.pop("brands")],
                   "sku_ids": parse_codes(d.pop("target_skus"))}
        budget = d.pop("budget")
        d["slabs"] = parse_slabs(d["slabs"])
        d["combo_items"] = parse_combo(d.pop("combo"))
        return {**d, "targets": targets, "budgets": [{"limit": str(budget)}] if budget is not None else []}


class PreviewForm(forms.Form):
    outlet_code = forms.CharField(max_length=32, label=_("Outlet code"))
    basket = forms.CharField(widget=forms.Textarea, label=_("Basket: SKU code, units (one per line)"))
    on = forms.DateField(widget=DATE, required=False, label=_("Priced on"))
