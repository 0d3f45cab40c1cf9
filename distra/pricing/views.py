"""The pricing pages: price lists and schemes (list, create, detail with the lifecycle actions and
a preview on a sample basket for a chosen outlet) and a scheme's performance (spend against the
budget over time, the orders it touched). They read through the selectors and write through the
same services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distra.core.errors import DomainError
from distra.core.permissions import require_perm, require_view
from distra.partners.models import Outlet
from distra.pricing import forms, selectors, services
from distra.pricing.choices import Lifecycle
from distra.pricing.models import PriceList, Scheme
from distra.web.pages import cleaned_filters, get_in_scope, sorted_page

ACTIONS = {"activate": Lifecycle.ACTIVE, "pause": Lifecycle.PAUSED, "end": Lifecycle.ENDED}
SORTS = {"code": "code", "name": "name", "status": "status", "valid_from": "valid_from", "priority": "priority"}


def _form_errors(form, exc: DomainError, fields: dict[str, str]) -> None:
    """Put a service's per-field problems beside the form's fields (``fields`` maps a service
    field name prefix to the form field), the rest at the top."""
    for name, problems in (exc.fields or {"__all__": []}).items():
        target = next((f for prefix, f in fields.items() if name == prefix or name.startswith(prefix + "[")), None)
        for problem in problems:
            form.add_error(target if target in form.fields else None, problem.message if target else f"{name}: {problem.message}")
    if not exc.fields:
        form.add_error(None, exc.message)


def _listing(request, qs, template: str, extra: dict) -> HttpResponse:
    filters = forms.FilterForm(request.GET)
    values = cleaned_filters(filters)
    if values.get("status"):
        qs = qs.filter(status=values["status"])
    if values.get("q"):
        qs = qs.filter(code__icontains=values["q"]) | qs.filter(name__icontains=values["q"])
    return render(request, template, {"filters": filters, "listing": sorted_page(request, qs, SORTS, "code"), **extra})


def _preview(request, *, scheme=None, price_list=None):
    """The preview form and, when posted, the basket priced as if the draft were live."""
    form = forms.PreviewForm(request.POST if request.method == "POST" else None)
    if not form.is_bound or not form.is_valid():
        return form, None
    outlet = Outlet.objects.for_user(request.user).filter(code=form.cleaned_data["outlet_code"]).first()
    try:
        if outlet is None:
            raise forms.LineError("outlet_code", _("No outlet with this code in your scope."))
        lines = forms.parse_basket(form.cleaned_data["basket"])
        _outlet, basket = services.preview(by=request.user, outlet_id=outlet.pk, lines=lines, on=form.cleaned_data["on"],
                                           scheme=scheme, price_list=price_list)
    except forms.LineError as exc:
        form.add_error(exc.field, exc.message)
        return form, None
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        _form_errors(form, exc, {"lines": "basket", "outlet_id": "outlet_code"})
        return form, None
    return form, basket


# Price lists -------------------------------------------------------------------------------------

def price_list_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user, PriceList)
    return _listing(request, selectors.price_list_list(user=request.user), "pricing/price_list_list.html", {})


def price_list_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "pricing.add_pricelist")
    form = forms.PriceListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pl = services.price_list_create(by=request.user, **form.payload())
        except forms.LineError as exc:
            form.add_error(exc.field, exc.message)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _form_errors(form, exc, {"items": "items", "valid_to": "valid_to", "valid_from": "valid_from", "code": "code", "name": "name"})
        else:
            messages.success(request, _("Price list %(code)s is saved as a draft.") % {"code": pl.code})
            return redirect("price-list-detail", pk=pl.pk)
    return render(request, "pricing/price_list_form.html", {"form": form}, status=422 if form.errors else 200)


def price_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, PriceList)
    pl = get_in_scope(selectors.price_list_detail(user=request.user), pk)
    form, basket = _preview(request, price_list=pl)
    context = {"pl": pl, "items": list(pl.items.all()), "events": list(pl.events.all()), "preview_form": form, "basket": basket,
               "can_change": request.user.has_perm("pricing.change_pricelist")}
    return render(request, "pricing/price_list_detail.html", context, status=422 if form.errors else 200)


# Schemes -----------------------------------------------------------------------------------------

def scheme_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user, Scheme)
    return _listing(request, selectors.scheme_list(user=request.user), "pricing/scheme_list.html", {})


SCHEME_FIELDS = {"slabs": "slabs", "combo_items": "combo", "free_sku_id": "free_sku", "budgets": "budget", "sku_ids": "target_skus",
                 "geography_ids": "geography", "distributor_ids": "distributors", "category_ids": "categories", "brand_ids": "brands"}


def scheme_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "pricing.add_scheme")
    form = forms.SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(by=request.user, **form.payload())
        except forms.LineError as exc:
            form.add_error(exc.field, exc.message)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _form_errors(form, exc, {**{name: name for name in form.fields}, **SCHEME_FIELDS})
        else:
            messages.success(request, _("Scheme %(code)s is saved as a draft.") % {"code": scheme.code})
            return redirect("scheme-detail", pk=scheme.pk)
    return render(request, "pricing/scheme_form.html", {"form": form}, status=422 if form.errors else 200)


def _chart(perf) -> dict:
    """Spend to date per day against the budget: the numbers the chart and its table show."""
    return {"labels": [p.day.isoformat() for p in perf.series], "spend": [str(p.cumulative) for p in perf.series],
            "budget": str(perf.budget) if perf.budget is not None else None,
            "spend_label": _("Spend to date"), "budget_label": _("Budget")}


def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, Scheme)
    scheme = get_in_scope(selectors.scheme_detail(user=request.user), pk)
    form, basket = _preview(request, scheme=scheme)
    perf = selectors.scheme_performance(user=request.user, scheme=scheme)
    context = {"scheme": scheme, "targets": list(scheme.targets.all()), "budgets": list(scheme.budgets.all()),
               "events": list(scheme.events.all()), "preview_form": form, "basket": basket, "perf": perf, "chart": _chart(perf),
               "can_change": request.user.has_perm("pricing.change_scheme")}
    return render(request, "pricing/scheme_detail.html", context, status=422 if form.errors else 200)


@require_POST
def lifecycle_action(request: HttpRequest, what: str, pk: int, action: str) -> HttpResponse:
    """Activate, pause or end a price list or scheme; a refusal is shown on its page."""
    if action not in ACTIONS or what not in ("price-lists", "schemes"):
        raise Http404
    by, note = request.user, request.POST.get("note", "")[:200]
    try:
        if what == "schemes":
            row = get_in_scope(selectors.scheme_list(user=by), pk)
            services.scheme_transition(by=by, scheme=row, to=ACTIONS[action], note=note)
        else:
            row = get_in_scope(selectors.price_list_list(user=by), pk)
            services.price_list_transition(by=by, price_list=row, to=ACTIONS[action], note=note)
        messages.success(request, _("%(code)s is now %(status)s.") % {"code": row.code, "status": Lifecycle(ACTIONS[action]).label})
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        details = "; ".join(p.message for ps in exc.fields.values() for p in ps)
        messages.error(request, f"{exc.message} {details}".strip())
    return redirect("scheme-detail" if what == "schemes" else "price-list-detail", pk=pk)
