"""The suggestions pages: the acceptance KPI (a chart per week, tables per rep and distributor)
and the must-sell lists (kept by the brand). The outlet page's suggestion is a template tag
(templatetags/suggestions.py). Same selectors and services as the API."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from distra.catalog.models import SKU
from distra.core.errors import DomainError, FieldProblem, ValidationFailed
from distra.core.permissions import require_view
from distra.partners.choices import Channel, OutletClass
from distra.suggestions import kpi, selectors, services
from distra.suggestions.api import EARLIEST, LATEST
from distra.suggestions.models import MustSellList, Suggestion


def _day(value: str | None, default: date) -> date:
    """A date from the query string; anything unreadable or outside 2000-2100 gives ``default``."""
    try:
        day = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return day if EARLIEST <= day <= LATEST else default


def acceptance_page(request: HttpRequest) -> HttpResponse:
    require_view(request.user, Suggestion)
    today = timezone.localdate()
    date_to = _day(request.GET.get("to"), today)
    date_from = _day(request.GET.get("from"), date_to - timedelta(days=55))
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    data = kpi.acceptance_kpi(user=request.user, date_from=date_from, date_to=date_to)
    chart = {"labels": [w["label"] for w in data["by_week"]],
             "share": [float(w["share"] * 100) if w["share"] is not None else None for w in data["by_week"]],
             "label": _("Lines accepted (%)")}
    return render(request, "suggestions/acceptance.html", {"data": data, "chart": chart, "date_from": date_from, "date_to": date_to})


def _parse_items(text: str) -> list[dict]:
    """Lines "SKU-CODE" or "SKU-CODE 12" (a starter quantity in units) into API items."""
    rows, problems = [], []
    codes = {}
    for raw in text.splitlines():
        parts = raw.split()
        if not parts:
            continue
        qty = parts[1] if len(parts) > 1 else None
        codes[parts[0]] = None
        rows.append((parts[0], qty))
    known = dict(SKU.objects.filter(code__in=list(codes)).values_list("code", "pk"))
    items = []
    for code, qty in rows:
        if code not in known:
            problems.append(FieldProblem("not_found", _("No SKU %(code)s.") % {"code": code}))
            continue
        if qty is not None and not qty.isdigit():
            problems.append(FieldProblem("invalid_quantity", _("%(code)s: the quantity is a whole number.") % {"code": code}))
            continue
        items.append({"sku_id": known[code], "quantity": int(qty) if qty else None})
    if problems:
        raise ValidationFailed({"items": problems})
    return items


def must_sell_page(request: HttpRequest) -> HttpResponse:
    """The must-sell lists; the brand creates a list or replaces one's SKUs with the form."""
    require_view(request.user, MustSellList)
    lists = list(selectors.must_sell_list_list(user=request.user))
    can_edit = request.user.has_perm("suggestions.add_mustselllist")
    errors: list[str] = []
    if request.method == "POST" and can_edit:
        data = request.POST
        found = next((x for x in lists if x.code == data.get("code", "").strip()), None)
        try:
            services.must_sell_list_save(
                by=request.user, must_sell_list=found, code=data.get("code", ""), name=data.get("name", ""),
                channel=data.get("channel", ""), outlet_class=data.get("outlet_class", ""), is_active=bool(data.get("is_active")),
                items=_parse_items(data.get("items", "")))
        except DomainError as exc:
            errors = [p.message for problems in exc.fields.values() for p in problems] or [exc.message]
        else:
            messages.success(request, _("Must-sell list %(code)s is saved.") % {"code": data.get("code", "").strip()})
            return redirect("must-sell-lists")
    return render(request, "suggestions/must_sell.html", {
        "lists": lists, "can_edit": can_edit, "errors": errors, "channels": Channel.choices, "classes": OutletClass.choices,
        "posted": request.POST if errors else None}, status=422 if errors else 200)
