"""The server-rendered pages. Each reads through the selectors and writes through the services,
as the API does; urls.py puts every page behind pages.signed_in."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from distra.accounts.services import user_set_language
from distra.catalog import selectors as catalog
from distra.catalog.models import SKU
from distra.core.errors import ValidationFailed
from distra.core.money import round_money
from distra.core.permissions import require_perm, require_view
from distra.geography import selectors as geography
from distra.geography.choices import GeoKind
from distra.geography.models import GeoNode
from distra.integrations.tabular import CSV_CONTENT_TYPE, csv_lines
from distra.inventory import selectors as inventory
from distra.inventory.domain import days_of_cover
from distra.inventory.models import StockBalance, StockMove
from distra.partners import selectors as partners
from distra.partners import services as partner_services
from distra.partners.models import Distributor, Outlet, Warehouse
from distra.web import forms
from distra.web.pages import cleaned_filters, get_in_scope, sorted_page
from distra.web.summaries import chart_data, describe_scope, home_charts, home_tiles


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    charts = home_charts(user)
    context = {
        "tiles": home_tiles(user), "scope_text": describe_scope(user), "charts": charts, "chart_data": chart_data(charts),
    }
    return render(request, "web/home.html", context)


def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = forms.LanguageForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        try:
            user_set_language(user=user, language=form.cleaned_data["language"])
        except ValidationFailed as exc:
            forms.add_service_errors(form, exc)
        else:
            with translation.override(user.language):
                messages.success(request, _("Your language is saved."))
            response = redirect("profile")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
    context = {"form": form, "scope_text": describe_scope(user), "nodes": user.geo_nodes.order_by("path")}
    return render(request, "web/profile.html", context, status=422 if form.errors else 200)


# Outlets -----------------------------------------------------------------------------------------

OUTLET_SORTS = {
    "code": "code", "name": "name", "territory": "territory__name", "distributor": "distributor__code",
    "channel": "channel", "class": "outlet_class", "status": "status",
}


def outlet_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user, Outlet)
    filters = forms.OutletFilterForm(request.GET, user=request.user)
    values = cleaned_filters(filters)
    qs = partners.outlet_list(
        user=request.user,
        territory_id=getattr(values.get("territory"), "pk", None),
        distributor_id=getattr(values.get("distributor"), "pk", None),
        channel=values.get("channel"),
        outlet_class=values.get("outlet_class"),
        status=values.get("status"),
        search=values.get("q", ""),
    )
    listing = sorted_page(request, qs, OUTLET_SORTS, "code")
    return render(request, "web/outlet_list.html", {"filters": filters, "listing": listing})


def outlet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, Outlet)
    outlet = get_in_scope(partners.outlet_list(user=request.user), pk)
    return render(request, "web/outlet_detail.html", {"outlet": outlet})


def _outlet_form_page(request, form, outlet, status=200) -> HttpResponse:
    title = _("Edit outlet %(code)s") % {"code": outlet.code} if outlet else _("New outlet")
    cancel = reverse("outlet-detail", args=[outlet.pk]) if outlet else reverse("outlet-list")
    context = {"form": form, "title": title, "outlet": outlet, "cancel_url": cancel}
    return render(request, "web/form.html", context, status=status)


def outlet_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "partners.add_outlet")
    form = forms.OutletForm(request.POST or None, user=request.user)
    if request.method != "POST":
        return _outlet_form_page(request, form, None)
    if form.is_valid():
        try:
            outlet = partner_services.outlet_create(by=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Outlet %(code)s is created.") % {"code": outlet.code})
            return redirect("outlet-detail", pk=outlet.pk)
    return _outlet_form_page(request, form, None, status=422)


def outlet_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, Outlet)
    outlet = get_in_scope(partners.outlet_list(user=request.user), pk)
    require_perm(request.user, "partners.change_outlet")
    initial = {name: getattr(outlet, name) for name in forms.OUTLET_FORM_FIELDS}
    form = forms.OutletForm(request.POST or None, initial=initial, user=request.user)
    if request.method != "POST":
        return _outlet_form_page(request, form, outlet)
    if form.is_valid():
        try:
            outlet = partner_services.outlet_update(by=request.user, outlet=outlet, **form.cleaned_data)
        except ValidationFailed as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Outlet %(code)s is saved.") % {"code": outlet.code})
            return redirect("outlet-detail", pk=outlet.pk)
    return _outlet_form_page(request, form, outlet, status=422)


# Distributors and warehouses ---------------------------------------------------------------------

DISTRIBUTOR_SORTS = {"code": "code", "name": "legal_name", "status": "status"}


def distributor_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user, Distributor)
    filters = forms.DistributorFilterForm(request.GET, user=request.user)
    values = cleaned_filters(filters)
    qs = partners.distributor_list(
        user=request.user,
        status=values.get("status"),
        territory_id=getattr(values.get("territory"), "pk", None),
        search=values.get("q", ""),
    )
    listing = sorted_page(request, qs, DISTRIBUTOR_SORTS, "code")
    return render(request, "web/distributor_list.html", {"filters": filters, "listing": listing})


def distributor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_view(user, Distributor)
    distributor = get_in_scope(partners.distributor_list(user=user), pk)
    context = {
        "distributor": distributor,
        "territories": geography.geonode_list(user=user, kind=GeoKind.TERRITORY).filter(distributors=distributor),
        "outlet_count": partners.outlet_list(user=user, distributor_id=distributor.pk).count(),
        "warehouses": partners.warehouse_list(user=user, distributor_id=distributor.pk)
        if user.has_perm("partners.view_warehouse") else None,
        "contacts": partners.contact_list(user=user, distributor_id=distributor.pk)
        if user.has_perm("partners.view_distributorcontact") else None,
    }
    return render(request, "web/distributor_detail.html", context)


def distributor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, Distributor)
    distributor = get_in_scope(partners.distributor_list(user=request.user), pk)
    require_perm(request.user, "partners.change_distributor")
    initial = {name: getattr(distributor, name) for name in forms.DISTRIBUTOR_FORM_FIELDS}
    form = forms.DistributorForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                partner_services.distributor_update(by=request.user, distributor=distributor, **form.cleaned_data)
            except ValidationFailed as exc:
                forms.add_service_errors(form, exc)
            else:
                messages.success(request, _("Distributor %(code)s is saved.") % {"code": distributor.code})
                return redirect("distributor-detail", pk=distributor.pk)
    context = {
        "form": form,
        "title": _("Edit distributor %(code)s") % {"code": distributor.code},
        "cancel_url": reverse("distributor-detail", args=[distributor.pk]),
    }
    return render(request, "web/form.html", context, status=status)


WAREHOUSE_SORTS = {"code": "code", "name": "name", "distributor": "distributor__code"}


def warehouse_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user, Warehouse)
    filters = forms.WarehouseFilterForm(request.GET, user=request.user)
    values = cleaned_filters(filters)
    qs = partners.warehouse_list(
        user=request.user,
        distributor_id=getattr(values.get("distributor"), "pk", None),
        search=values.get("q", ""),
    )
    listing = sorted_page(request, qs, WAREHOUSE_SORTS, "code")
    return render(request, "web/warehouse_list.html", {"filters": filters, "listing": listing})


# Catalog and geography ---------------------------------------------------------------------------

SKU_SORTS = {"code": "code", "name": "name", "brand": "brand__name", "category": "category__name", "mrp": "mrp", "base_price": "base_price"}


def sku_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user, SKU)
    filters = forms.SKUFilterForm(request.GET, user=request.user)
    values = cleaned_filters(filters)
    active = {"yes": True, "no": False}.get(values.get("active", ""))
    qs = catalog.sku_list(
        user=request.user,
        brand_id=getattr(values.get("brand"), "pk", None),
        category_id=getattr(values.get("category"), "pk", None),
        is_active=active,
        search=values.get("q", ""),
    )
    listing = sorted_page(request, qs, SKU_SORTS, "code")
    return render(request, "web/sku_list.html", {"filters": filters, "listing": listing})


def sku_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, SKU)
    sku = get_in_scope(catalog.sku_list(user=request.user), pk)
    return render(request, "web/sku_detail.html", {"sku": sku})


GEOGRAPHY_SORTS = {"path": "path", "code": "code", "name": "name", "kind": "kind"}


def geography_tree(request: HttpRequest) -> HttpResponse:
    require_view(request.user, GeoNode)
    filters = forms.GeographyFilterForm(request.GET)
    values = cleaned_filters(filters)
    qs = geography.geonode_list(user=request.user, kind=values.get("kind"), search=values.get("q", ""))
    listing = sorted_page(request, qs, GEOGRAPHY_SORTS, "path")
    rows = list(listing.page.object_list)
    top = min((node.path.count("/") for node in rows), default=0)
    indent = listing.sort == "path" and not values
    for node in rows:
        node.depth = node.path.count("/") - top if indent else 0
    context = {"filters": filters, "listing": listing, "rows": rows}
    return render(request, "web/geography.html", context)


# Stock --------------------------------------------------------------------------------------------

STOCK_SORTS = {
    "warehouse": "warehouse__code", "sku": "sku__code", "batch": "batch__batch_number", "expires_on": "expires_on",
    "on_hand": "on_hand", "reserved": "reserved", "available": "available", "value": "value",
}


def _stock_rows(request: HttpRequest) -> tuple[forms.StockFilterForm, QuerySet[StockBalance]]:
    """The filter form and the balances in the user's scope that it selects (list and CSV alike)."""
    require_view(request.user, StockBalance)
    filters = forms.StockFilterForm(request.GET, user=request.user)
    values = cleaned_filters(filters)
    qs = inventory.stock_list(
        user=request.user,
        distributor_id=getattr(values.get("distributor"), "pk", None),
        warehouse_id=getattr(values.get("warehouse"), "pk", None),
        expiring_before=values.get("expiring_before"),
    )
    if values.get("q"):
        qs = qs.filter(Q(sku__code__icontains=values["q"]) | Q(sku__name__icontains=values["q"]))
    # Value at the SKU's base price, as the API reports it (landing prices come with price lists).
    value = ExpressionWrapper(F("sku__base_price") * F("on_hand"), output_field=DecimalField(max_digits=24, decimal_places=4))
    return filters, qs.annotate(value=value)


def _stock_value(balance: StockBalance):
    return round_money(inventory.landing_price(balance.warehouse.distributor_id, balance.sku) * balance.on_hand)


def _days_of_cover(balance: StockBalance):
    return days_of_cover(available=balance.sku_available or 0, sold_in_window=-(balance.sold_in_window or 0))


def stock_list(request: HttpRequest) -> HttpResponse:
    filters, qs = _stock_rows(request)
    listing = sorted_page(request, qs, STOCK_SORTS, "expires_on")
    rows = list(listing.page.object_list)
    for row in rows:
        row.value = _stock_value(row)
        row.days_of_cover = _days_of_cover(row)
    return render(request, "web/stock_list.html", {"filters": filters, "listing": listing, "rows": rows})


def stock_export(request: HttpRequest) -> HttpResponse:
    """The filtered stock list, in the same order and columns, as a streamed CSV."""
    _filters, qs = _stock_rows(request)
    sort = request.GET.get("sort") or "expires_on"
    if sort.lstrip("-") not in STOCK_SORTS:
        sort = "expires_on"
    field = STOCK_SORTS[sort.lstrip("-")]
    qs = qs.order_by(f"-{field}", "-pk") if sort.startswith("-") else qs.order_by(field, "pk")
    header = [
        "distributor", "warehouse", "sku", "sku_name", "batch", "expires_on", "on_hand", "reserved", "available", "value",
        "days_of_cover",
    ]
    rows = (
        [getattr(b.warehouse.distributor, "code", ""), b.warehouse.code, b.sku.code, b.sku.name, b.batch.batch_number, b.expires_on.isoformat(),
         b.on_hand, b.reserved, b.available, _stock_value(b), _days_of_cover(b)]
        for b in qs.select_related("warehouse__distributor").iterator(chunk_size=500)
    )
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="stock.csv"'
    return response


def _id_param(request: HttpRequest, name: str) -> int:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        raise Http404 from None


def stock_card(request: HttpRequest) -> HttpResponse:
    """Every move of one SKU at one warehouse in time order, with the running on hand after each
    (the selector's ``balance_after``, as the API's stock card reports it)."""
    user = request.user
    require_view(user, StockMove)
    warehouse = get_in_scope(partners.warehouse_list(user=user), _id_param(request, "warehouse"))
    sku = get_in_scope(catalog.sku_list(user=user), _id_param(request, "sku"))
    moves = inventory.stock_move_list(user=user, warehouse_id=warehouse.pk, sku_id=sku.pk).select_related("user")
    listing = sorted_page(request, moves, {"time": "id"}, "time")
    balances = inventory.stock_list(user=user, warehouse_id=warehouse.pk, sku_id=sku.pk)
    totals = {"on_hand": 0, "reserved": 0, "available": 0}
    for balance in balances:
        for key in totals:
            totals[key] += getattr(balance, key)
    context = {"warehouse": warehouse, "sku": sku, "listing": listing, "totals": totals}
    return render(request, "web/stock_card.html", context)
