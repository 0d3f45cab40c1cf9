"""The forecast pages: runs with their job status and progress (and a button to start one),
the current series, and one page per distributor × SKU or aggregate with history, forecast and
interval band on one chart, the chosen model and its backtest accuracy, and the overrides (a
form with a reason). They read through the selectors and write through the same services as the
API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distra.core.errors import DomainError
from distra.core.permissions import require_perm, require_view
from distra.forecasting import selectors, services
from distra.forecasting.choices import AggregateKind, ForecastLevel
from distra.forecasting.detail import series_detail
from distra.forecasting.models import ForecastSeries
from distra.web.pages import sorted_page

SERIES_SORTS = {"key": "key", "distributor": "distributor__code", "sku": "sku__code", "wape": "wape", "model": "model"}


def forecast_index(request: HttpRequest) -> HttpResponse:
    require_view(request.user, ForecastSeries)
    runs = selectors.run_list(user=request.user)[:10]
    series = selectors.series_list(user=request.user, kind=ForecastLevel.DISTRIBUTOR_SKU).select_related("distributor", "sku")
    if request.GET.get("q"):
        q = request.GET["q"].strip()
        series = series.filter(sku__code__icontains=q) | series.filter(distributor__code__icontains=q)
    aggregates = selectors.series_list(user=request.user).exclude(kind__in=ForecastLevel.values).order_by("kind", "key")
    listing = sorted_page(request, series, SERIES_SORTS, "key")
    return render(request, "forecasting/index.html", {"runs": runs, "listing": listing, "aggregates": aggregates,
                                                       "running": any(not r.finished for r in runs), "q": request.GET.get("q", "")})


@require_POST
def forecast_run_start(request: HttpRequest) -> HttpResponse:
    from distra.core.scoping import scope_for

    require_perm(request.user, services.RUN_PERM)
    distributor = None
    if not scope_for(request.user).everything:
        distributor = getattr(request.user, "distributor", None)
    try:
        run = services.forecast_run_start(by=request.user, distributor=distributor)
        messages.success(request, _("Forecast run %(id)s is queued; its progress shows below.") % {"id": run.pk})
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, " ".join([exc.message, *(p.message for ps in exc.fields.values() for p in ps)]))
    return redirect("forecast-index")


def _chart(detail: dict) -> dict:
    """The chart's data: one label per week, history then forecast, the band as two lines."""
    history, forecast = detail["history"], detail["forecast"]
    labels = [h["period_start"].isoformat() for h in history] + [p["period_start"].isoformat() for p in forecast]
    pad = [None] * len(history)
    last = [history[-1]["quantity"]] if history else []

    def join(values):  # the forecast lines start from the last actual so that the chart has no gap
        return pad[:-1] + last + values if history else values

    return {
        "labels": labels,
        "history": [h["quantity"] for h in history] + [None] * len(forecast),
        "forecast": join([float(p["yhat"]) for p in forecast]),
        "lo": join([float(p["lo_80"]) for p in forecast]),
        "hi": join([float(p["hi_80"]) for p in forecast]),
        "override": pad + [float(p["override"]) if p["override"] is not None else None for p in forecast],
        "names": {"history": _("Orders"), "forecast": _("Forecast"), "band": _("Interval (80 %)"), "override": _("Override")},
    }


def _series_page(request: HttpRequest, series: ForecastSeries) -> HttpResponse:
    detail = series_detail(user=request.user, series=series)
    return render(request, "forecasting/series.html", {"series": series, "detail": detail, "chart": _chart(detail),
                                                        "can_override": series.kind == ForecastLevel.DISTRIBUTOR_SKU
                                                        and request.user.has_perm(services.OVERRIDE_PERM),
                                                        "recent_history": detail["history"][-8:]})


def forecast_series(request: HttpRequest, distributor_id: int, sku_id: int) -> HttpResponse:
    require_view(request.user, ForecastSeries)
    series = selectors.series_current(user=request.user, kind=ForecastLevel.DISTRIBUTOR_SKU, distributor_id=distributor_id, sku_id=sku_id)
    return _series_page(request, series)


def forecast_aggregate(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    require_view(request.user, ForecastSeries)
    if kind not in AggregateKind.values:
        raise Http404
    return _series_page(request, selectors.series_current(user=request.user, kind=kind, target_id=target_id))


@require_POST
def forecast_override(request: HttpRequest, distributor_id: int, sku_id: int) -> HttpResponse:
    series = selectors.series_current(user=request.user, kind=ForecastLevel.DISTRIBUTOR_SKU, distributor_id=distributor_id, sku_id=sku_id)
    try:
        week = date.fromisoformat(request.POST.get("period_start", ""))
        quantity = Decimal(request.POST.get("quantity", "").strip() or "x")
    except (ValueError, InvalidOperation):
        messages.error(request, _("Choose a week and give the quantity as a number."))
        return redirect("forecast-series", distributor_id=distributor_id, sku_id=sku_id)
    try:
        services.forecast_override_create(by=request.user, distributor=series.distributor, sku=series.sku, period_start=week,
                                          quantity=quantity, reason=request.POST.get("reason", "")[:500])
        messages.success(request, _("Override saved; the model's number is kept beside it."))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, " ".join([exc.message, *(p.message for ps in exc.fields.values() for p in ps)]))
    return redirect("forecast-series", distributor_id=distributor_id, sku_id=sku_id)
