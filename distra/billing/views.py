"""Billing pages: invoice list and print view (with its PDF), payment entry, outlet statement.
They read through the selectors and write through the services, as the API does."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from distra.billing import pdf, selectors, services
from distra.billing.api import pdf_response
from distra.billing.domain import amount_in_words
from distra.billing.forms import InvoiceFilterForm, PaymentForm
from distra.billing.models import CreditNote, Invoice, Payment
from distra.billing.tax import state_label
from distra.core.errors import ValidationFailed
from distra.core.permissions import require_model_perm, require_view
from distra.web.forms import add_service_errors
from distra.web.pages import cleaned_filters, sorted_page

INVOICE_SORTS = {"date": "issued_on", "number": "sequence", "outlet": "outlet__code", "total": "total", "due": "due_on"}
BUCKET_LABELS = {  # translated where shown
    "current": gettext_noop("Not yet due"), "1_30": gettext_noop("1–30 days"), "31_60": gettext_noop("31–60 days"),
    "61_90": gettext_noop("61–90 days"), "over_90": gettext_noop("Over 90 days"),
}


def invoice_list(request: HttpRequest) -> HttpResponse:
    require_view(request.user, Invoice)
    filters = InvoiceFilterForm(request.GET)
    values = cleaned_filters(filters)
    qs = selectors.invoice_list(user=request.user, number=values.get("q"), status=values.get("status"),
                                open_only=values.get("open_only") == "1")
    listing = sorted_page(request, qs, INVOICE_SORTS, "-date")
    return render(request, "billing/invoice_list.html", {"filters": filters, "listing": listing})


def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice as it prints (the PDF carries the same content)."""
    require_view(request.user, Invoice)
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    context = {
        "invoice": invoice, "lines": invoice.lines.order_by("line_no"), "gst_split": bool(invoice.cgst or invoice.sgst),
        "place_of_supply": state_label(invoice.place_of_supply), "words": amount_in_words(invoice.total),
        "credit_notes": invoice.credit_notes.order_by("sequence"), "allocations": invoice.allocations.select_related("payment"),
    }
    return render(request, "billing/invoice_detail.html", context)


def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, Invoice)
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    response = pdf_response(pdf.invoice_pdf(invoice), invoice.number)
    response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment")
    return response


def credit_note_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, CreditNote)
    note = selectors.credit_note_get(user=request.user, pk=pk)
    return pdf_response(pdf.credit_note_pdf(note), note.number)


def payment_create(request: HttpRequest) -> HttpResponse:
    """Record a collection; it settles the outlet's open invoices oldest first, the rest stays on account."""
    require_model_perm(request.user, Payment, "add")
    form = PaymentForm(request.POST or None, user=request.user, initial={"outlet": request.GET.get("outlet")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(by=request.user, outlet=data["outlet"], amount=data["amount"], mode=data["mode"],
                                              reference=data["reference"], received_on=data["received_on"], note=data["note"])
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Payment of Rs. %(amount)s recorded; Rs. %(allocated)s settled invoices.") % {
                "amount": payment.amount, "allocated": payment.allocated})
            return redirect("outlet-statement", pk=payment.outlet_id)
    context = {"form": form, "title": _("Record a payment"), "cancel_url": request.META.get("HTTP_REFERER") or "/"}
    return render(request, "web/form.html", context, status=422 if form.errors else 200)


def outlet_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """Outstanding, money on account, ageing (a bar chart and its table) and open invoices."""
    require_view(request.user, Invoice)
    statement = selectors.outlet_statement(user=request.user, outlet_id=pk)
    buckets = [(_(BUCKET_LABELS[key]), amount) for key, amount in statement.ageing.items()]
    chart = {"labels": [str(label) for label, _amount in buckets], "values": [float(amount) for _label, amount in buckets],
             "label": _("Outstanding (Rs.)")}
    context = {"statement": statement, "buckets": buckets, "chart": chart,
               "payments": selectors.payment_list(user=request.user, outlet_id=pk).order_by("-received_on", "-id")[:20]}
    return render(request, "billing/statement.html", context)
