"""Order entry and line editing: choose an outlet, find SKUs with what is available to it at the
order's warehouse, type cases and units, see each line's amounts and the order's totals, then save
a draft or submit (through ``order_create``, with an idempotency key generated into the form so a
double click or a resubmitted form never makes two orders) or, for an order not yet allocated,
replace its lines (``order_lines_replace``).

The page works without JavaScript: every button posts the whole form and the server re-renders it
(search, add a line, recalculate), computing the amounts with distra.orders.domain. With
JavaScript (static orders/order_entry.js) the search, the lines and the totals update in place,
with the same rounding."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.db.models import F, Sum
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from distra.catalog import selectors as catalog
from distra.catalog.models import SKU
from distra.core.errors import DomainError
from distra.core.money import split_cases
from distra.core.permissions import require_perm, require_view
from distra.inventory import selectors as inventory
from distra.orders import services
from distra.orders.choices import EDITABLE_STATUSES, OrderChannel
from distra.orders.domain import LineAmounts, line_amounts, order_totals
from distra.orders.forms import LineFormSet, OrderHeaderForm, add_line_errors
from distra.orders.models import Order, OrderLine
from distra.orders.services.allocation import earliest_expiry_for
from distra.orders.services.ordering import price_entries
from distra.orders.services.pricing import Entry
from distra.orders.views import orders_in_scope
from distra.partners import selectors as partners
from distra.partners.choices import OutletStatus
from distra.partners.models import Outlet, Warehouse
from distra.web.pages import get_in_scope

SEARCH_LIMIT = 20
SAVE_ACTIONS = {"draft", "submit", "save"}


# Reads ----------------------------------------------------------------------------------------------

def available_at(user, *, warehouse: Warehouse | None, outlet: Outlet, sku_ids) -> dict[int, int]:
    """Units of each SKU the order could be allocated at ``warehouse``: on hand less reserved, in
    the batches allocation may take for this outlet (unexpired, with the channel's minimum shelf
    life), as distra.inventory's stock selector reports them."""
    if warehouse is None or not sku_ids:
        return {}
    rows = (inventory.stock_list(user=user, warehouse_id=warehouse.pk)
            .filter(sku_id__in=list(sku_ids), batch__expires_on__gte=earliest_expiry_for(outlet.channel))
            .order_by().values("sku_id").annotate(total=Sum(F("on_hand") - F("reserved"))))
    return {row["sku_id"]: row["total"] for row in rows}


def sku_matches(user, search: str) -> list[SKU]:
    """Active SKUs matching ``search`` (code, name or GTIN), at most SEARCH_LIMIT."""
    if not search.strip():
        return []
    return list(catalog.sku_list(user=user, is_active=True, search=search.strip()).order_by("code")[:SEARCH_LIMIT])


def sku_item(sku: SKU, available: dict[int, int]) -> dict:
    return {"id": sku.pk, "code": sku.code, "name": sku.name, "units_per_case": sku.units_per_case,
            "unit_price": str(sku.base_price), "tax_rate": str(sku.tax_rate), "available": available.get(sku.pk, 0)}


# The entry form as the page shows it ---------------------------------------------------------------

@dataclass
class EntryLine:
    """One line of the form with what the page shows beside it."""

    prefix: str
    form: object
    sku: SKU | None
    deleted: bool
    quantity: int | None = None
    amounts: LineAmounts | None = None
    schemes: list = field(default_factory=list)
    discount_pct: Decimal = Decimal(0)
    available: int | None = None
    errors: list[str] = field(default_factory=list)


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _entry_lines(formset, skus: dict[int, SKU]) -> list[EntryLine]:
    """The lines of the bound (or initial) formset with their quantity and amounts wherever what
    was typed parses; the server's figures for "Recalculate" and for the page without JS."""
    lines = []
    for form in formset.forms:
        sku = skus.get(_int(form["sku"].value()))
        line = EntryLine(prefix=form.prefix, form=form, sku=sku, deleted=bool(form["DELETE"].value()))
        if form.is_bound:
            line.errors = [str(e) for e in form.non_field_errors()] + [str(e) for name in form.fields for e in form.errors.get(name, [])]
        values = form.cleaned_data if form.is_bound and form.is_valid() else (form.initial if not form.is_bound else None)
        if sku is not None and values is not None:
            quantity = (values.get("cases") or 0) * sku.units_per_case + (values.get("units") or 0)
            if quantity > 0:
                line.quantity = quantity
                line.discount_pct = values.get("discount_pct") or Decimal(0)
                line.amounts = line_amounts(quantity=quantity, unit_price=sku.base_price,
                                            discount_pct=values.get("discount_pct") or Decimal(0), tax_rate=sku.tax_rate)
        lines.append(line)
    return lines


def _engine_amounts(outlet: Outlet, lines: list[EntryLine], order: Order | None = None) -> tuple[list[dict], list[OrderLine]]:
    """Price the entry's lines with the pricing engine as the order will be priced (docs/orders.md,
    "How a line is priced"): each line's amounts and schemes replace the base-price figures; returns
    the schemes not applied (with what is missing) and the free lines the order would get. Lines
    naming a SKU twice are left as they are (the save will say so)."""
    skus = [line.sku.pk for line in lines]
    if not lines or len(set(skus)) != len(skus):
        return [], []
    entries = [Entry(line.sku, line.quantity, line.discount_pct) for line in lines]
    try:
        priced = quote_entries(outlet, entries, order)
    except DomainError:
        return [], []
    for line, order_line in zip(lines, priced["bought"], strict=True):
        line.amounts = _amounts_of(order_line)
        line.schemes = order_line.pricing.get("applied", [])
    return priced["not_applied"], priced["free"]


def _amounts_of(line: OrderLine) -> LineAmounts:
    return LineAmounts(gross=line.gross, discount=line.discount, net=line.net, tax=line.tax, total=line.total)


def quote_entries(outlet: Outlet, entries: list[Entry], order: Order | None = None) -> dict:
    """What the order of ``entries`` for ``outlet`` would be priced at now (nothing is written):
    the bought lines, the free lines and the schemes not applied. With ``order`` (its lines being
    edited), as saving them will price them: that order is not its own history."""
    from copy import copy

    probe = copy(order) if order is not None else Order(outlet=outlet, distributor_id=outlet.distributor_id)
    lines = price_entries(probe, entries)
    return {"bought": [ln for ln in lines if ln.free_of_id is None], "free": [ln for ln in lines if ln.free_of_id is not None],
            "not_applied": probe.pricing.get("not_applied", [])}


def _with_line_added(data, sku_id: int | None, skus: dict[int, SKU]):
    """The posted form with one more line for ``sku_id`` (unless a kept line has it already)."""
    if sku_id is None or sku_id not in skus:
        return data
    total = _int(data.get("lines-TOTAL_FORMS")) or 0
    for i in range(total):
        if _int(data.get(f"lines-{i}-sku")) == sku_id and not data.get(f"lines-{i}-DELETE"):
            return data
    data[f"lines-{total}-sku"] = str(sku_id)
    data["lines-TOTAL_FORMS"] = str(total + 1)
    return data


def _visible_skus(user, ids) -> dict[int, SKU]:
    ids = {i for i in ids if i is not None}
    return catalog.sku_list(user=user).in_bulk(ids) if ids else {}


def _posted_sku_ids(data) -> set[int | None]:
    total = min(_int(data.get("lines-TOTAL_FORMS")) or 0, 200)
    return {_int(data.get(f"lines-{i}-sku")) for i in range(total)} | {_int(data.get("add_sku"))}


def _lines_in(formset, skus: dict[int, SKU]) -> tuple[list, list[int]] | None:
    """The kept lines as the service takes them, and for each the index of its form; None if a
    line names a SKU the user cannot see (shown beside it)."""
    lines, index, ok = [], [], True
    for i, form in enumerate(formset.forms):
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        sku = skus.get(data["sku"])
        if sku is None:
            form.add_error(None, _("This SKU is not in your catalog."))
            ok = False
            continue
        lines.append(services.LineIn(sku=sku, cases=data.get("cases") or 0, units=data.get("units") or 0,
                                     discount_pct=data.get("discount_pct") or Decimal(0)))
        index.append(i)
    return (lines, index) if ok else None


def _save(request, *, header, formset, skus, outlet: Outlet, order: Order | None, action: str):
    """Call the service; a response on success, else the status to render the form with (its
    problems added beside the lines and fields they concern)."""
    if not (header.is_valid() and formset.is_valid()):
        return 422
    parsed = _lines_in(formset, skus)
    if parsed is None:
        return 422
    lines, form_index = parsed
    user = request.user
    try:
        if order is not None:
            order = services.order_lines_replace(by=user, order=order, lines=lines, channel=OrderChannel.WEB)
            messages.success(request, _("The lines of order %(number)s are saved.") % {"number": order.number})
            return redirect("order-detail", pk=order.pk)
        order = services.order_create(
            by=user, outlet=outlet, lines=lines, warehouse=header.chosen_warehouse(), channel=OrderChannel.WEB,
            idempotency_key=header.cleaned_data["idempotency_key"], submit=action == "submit", note=header.cleaned_data["note"],
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        if exc.code == "idempotency_key_reused":
            header.add_error(None, _("This form was sent before and saved an order; open it from the order list to change it."))
        else:
            add_line_errors(formset, form_index, exc, header)
        return exc.status
    _created_message(request, order)
    return redirect("order-detail", pk=order.pk)


def _created_message(request, order: Order) -> None:
    number = {"number": order.number}
    if order.replayed:
        messages.info(request, _("This form was already sent: order %(number)s was saved then, and nothing new now.") % number)
        return
    order.refresh_from_db(fields=["status", "awaiting_stock"])
    texts = {
        "draft": _("Order %(number)s is saved as a draft."),
        "pending_approval": _("Order %(number)s is submitted and waits for approval."),
        "approved": _("Order %(number)s is submitted and approved."),
        "allocated": _("Order %(number)s is submitted and allocated."),
    }
    messages.success(request, texts.get(order.status, _("Order %(number)s is saved.")) % number)


def _entry_page(request: HttpRequest, *, outlet: Outlet, order: Order | None) -> HttpResponse:
    user = request.user
    data = request.POST.copy() if request.method == "POST" else None
    skus = _visible_skus(user, _posted_sku_ids(data)) if data is not None else {}
    initial_lines = None
    if order is not None and data is None:
        initial_lines = []
        for line in order.lines.select_related("sku").order_by("line_no"):
            cases, units = split_cases(quantity=line.quantity, units_per_case=line.sku.units_per_case)
            initial_lines.append({"sku": line.sku_id, "cases": cases, "units": units, "discount_pct": line.discount_pct})
            skus[line.sku_id] = line.sku
    if data is not None and data.get("add_sku"):
        data = _with_line_added(data, _int(data.get("add_sku")), skus)
    header = OrderHeaderForm(data, user=user, outlet=outlet, warehouse_fixed=order.warehouse if order else None)
    formset = LineFormSet(data, prefix="lines", initial=initial_lines)
    status = 200
    action = data.get("action", "") if data is not None else ""
    if action in SAVE_ACTIONS:
        result = _save(request, header=header, formset=formset, skus=skus, outlet=outlet, order=order, action=action)
        if isinstance(result, HttpResponse):
            return result
        status = result
    elif data is not None:
        header.is_valid()
        formset.is_valid()
    return _render_entry(request, header=header, formset=formset, skus=skus, outlet=outlet, order=order, status=status)


def _render_entry(request, *, header, formset, skus, outlet, order, status) -> HttpResponse:
    user = request.user
    warehouse = order.warehouse if order is not None else header.chosen_warehouse()
    lines = _entry_lines(formset, skus)
    search = (header["sku_q"].value() or "").strip()
    results = sku_matches(user, search)
    available = available_at(user, warehouse=warehouse, outlet=outlet, sku_ids={s.pk for s in results} | set(skus))
    for line in lines:
        line.available = available.get(line.sku.pk, 0) if line.sku else None
    not_applied, free = _engine_amounts(outlet, [line for line in lines if line.amounts is not None and not line.deleted], order)
    kept = [line.amounts for line in lines if line.amounts is not None and not line.deleted] + [_amounts_of(ln) for ln in free]
    context = {
        "outlet": outlet, "order": order, "header": header, "formset": formset, "lines": lines, "not_applied": not_applied,
        "free_lines": free, "totals": order_totals(kept), "warehouse": warehouse, "search": search,
        "results": [sku_item(sku, available) for sku in results], "searched": bool(search),
    }
    return render(request, "orders/order_form.html", context, status=status)


# Pages ----------------------------------------------------------------------------------------------

def order_create(request: HttpRequest) -> HttpResponse:
    """/orders/new: without an outlet, the outlet search; with ``?outlet=<id>``, the entry form."""
    user = request.user
    require_perm(user, "orders.add_order")
    outlet_id = request.GET.get("outlet")
    if outlet_id is None:
        search = request.GET.get("q", "").strip()[:100]
        outlets = partners.outlet_list(user=user, status=OutletStatus.ACTIVE, search=search).order_by("code")[:30]
        return render(request, "orders/outlet_pick.html", {"outlets": outlets, "search": search})
    outlet_pk = _int(outlet_id)
    if outlet_pk is None:
        raise Http404
    outlet = get_in_scope(partners.outlet_list(user=user), outlet_pk)
    return _entry_page(request, outlet=outlet, order=None)


def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the lines of an order that is not yet allocated."""
    user = request.user
    require_view(user, Order)
    order = get_in_scope(orders_in_scope(user), pk)
    require_perm(user, "orders.change_order")
    if request.method != "POST" and order.status not in EDITABLE_STATUSES:
        messages.error(request, _("Order %(number)s is %(status)s; its lines can no longer be edited.")
                       % {"number": order.number, "status": order.get_status_display()})
        return redirect("order-detail", pk=order.pk)
    return _entry_page(request, outlet=order.outlet, order=order)


def order_skus(request: HttpRequest) -> JsonResponse:
    """SKUs for the entry form as JSON: those matching ``q``, or those with the ids in ``ids``,
    each with its price, tax rate, case size and what is available to ``outlet`` at ``warehouse``
    (default: the distributor's first active warehouse)."""
    user = request.user
    require_perm(user, "orders.add_order")
    outlet = get_in_scope(partners.outlet_list(user=user), _int(request.GET.get("outlet")) or 0)
    warehouses = partners.warehouse_list(user=user, distributor_id=outlet.distributor_id, selling=True).filter(is_active=True).order_by("pk")
    warehouse_pk = _int(request.GET.get("warehouse"))
    warehouse = (warehouses.filter(pk=warehouse_pk).first() if warehouse_pk else None) or warehouses.first()
    ids = [_int(part) for part in request.GET.get("ids", "").split(",")[:200]]
    if any(i is not None for i in ids):
        skus = list(_visible_skus(user, ids).values())
    else:
        skus = sku_matches(user, request.GET.get("q", "")[:100])
    available = available_at(user, warehouse=warehouse, outlet=outlet, sku_ids=[s.pk for s in skus])
    return JsonResponse({"warehouse": warehouse.pk if warehouse else None, "items": [sku_item(s, available) for s in skus]})


def order_quote(request: HttpRequest) -> JsonResponse:
    """POST /orders/quote.json: the entry's lines (``{"outlet", "order" (when its lines are edited),
    "lines": [{"sku", "quantity", "discount_pct"}]}``) priced by the pricing engine for the outlet, as the order would be priced
    now: each line's amounts and schemes, the free lines, the totals and the schemes not applied.
    The entry page's running totals (order_entry.js). Writes nothing."""
    import json

    user = request.user
    require_perm(user, "orders.add_order")
    if request.method != "POST":
        return JsonResponse({"code": "method_not_allowed"}, status=405)
    try:
        body = json.loads(request.body or b"{}")
        outlet = get_in_scope(partners.outlet_list(user=user), int(body.get("outlet") or 0))
        order = get_in_scope(Order.objects.for_user(user).filter(outlet=outlet), int(body["order"])) if body.get("order") else None
        wanted = [(int(x["sku"]), int(x["quantity"]), Decimal(str(x.get("discount_pct") or 0))) for x in body.get("lines", [])[:200]]
    except (ValueError, TypeError, KeyError, ArithmeticError):
        return JsonResponse({"code": "invalid", "message": _("The lines could not be read.")}, status=422)
    skus = _visible_skus(user, [sku_id for sku_id, _q, _d in wanted])
    entries = [Entry(skus[sku_id], qty, pct) for sku_id, qty, pct in wanted if sku_id in skus and qty > 0 and 0 <= pct <= 100]
    if not entries or len({e.sku.pk for e in entries}) != len(entries):
        return JsonResponse({"code": "invalid", "message": _("Each SKU once, with a quantity.")}, status=422)
    priced = quote_entries(outlet, entries, order)
    lines = priced["bought"] + priced["free"]
    money = ("gross", "discount", "net", "tax", "total")
    return JsonResponse({
        "lines": [{"sku": ln.sku_id, "code": ln.sku.code, "free": ln.free_of_id is not None,
                   "free_of": (ln.pricing.get("free_of") or {}).get("code", ""), "quantity": ln.quantity, "unit_price": str(ln.unit_price),
                   "scheme_discount": str(ln.scheme_discount), **{k: str(getattr(ln, k)) for k in money},
                   "schemes": [{"code": a["code"], "name": a["name"], "benefit": a["benefit"], "reason": a["reason"], "hint": a["hint"]}
                               for a in ln.pricing.get("applied", [])]} for ln in lines],
        "totals": {k: str(sum((getattr(ln, k) for ln in lines), Decimal("0.00"))) for k in money},
        "not_applied": [{"code": n["code"], "message": n["message"]} for n in priced["not_applied"]],
    })
