"""Billing pages: invoice list and print view (with its PDF), payment entry, outlet statement.
They read through the selectors and write through the services, as the API does."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from distra.billing import pdf, selectors, services, services_credit
from distra.billing.api import pdf_response
from distra.billing.domain import amount_in_words
from distra.billing.forms import (
    CreditNoteFilterForm,
    CreditNoteForm,
    InvoiceFilterForm,
    PaymentForm,
)
from distra.billing.models import CreditNote, Invoice, Payment
from distra.billing.tax import state_label
from distra.core.errors import DomainError, ValidationFailed
from distra.core.permissions import require_model_perm, require_view
from distra.integrations.tabular import CSV_CONTENT_TYPE, csv_lines
from distra.web.forms import add_service_errors
from distra.web.pages import cleaned_filters, sorted_page

INVOICE_SORTS = {"date": "issued_on", "number": "sequence", "outlet": "outlet__code", "total": "total", "due": "due_on"}
CREDIT_NOTE_SORTS = {"date": "issued_on", "number": "sequence", "outlet": "outlet__code", "total": "total"}
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
        "can_credit": request.user.has_perm("billing.add_creditnote") and invoice.status == "issued"
        and services_credit.invoice_creditable_by_hand(invoice),
    }
    return render(request, "billing/invoice_detail.html", context)


def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request.user, Invoice)
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    response = pdf_response(pdf.invoice_pdf(invoice), invoice.number)
    response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment")
    return response


# Credit notes ---------------------------------------------------------------------------------------

def _credit_note_rows(request: HttpRequest):
    """The filter form and the credit notes in the user's scope that it selects (list and CSV alike)."""
    require_view(request.user, CreditNote)
    filters = CreditNoteFilterForm(request.GET, user=request.user)
    values = cleaned_filters(filters)
    qs = selectors.credit_note_list(user=request.user, number=values.get("q"), kind=values.get("kind"),
                                    distributor_id=getattr(values.get("distributor"), "pk", None),
                                    issued_from=values.get("date_from"), issued_to=values.get("date_to"))
    return filters, qs


def credit_note_list(request: HttpRequest) -> HttpResponse:
    filters, qs = _credit_note_rows(request)
    listing = sorted_page(request, qs, CREDIT_NOTE_SORTS, "-date")
    return render(request, "billing/credit_note_list.html", {"filters": filters, "listing": listing})


def credit_note_export(request: HttpRequest) -> HttpResponse:
    """The filtered credit note list, in the page's order, as a streamed CSV."""
    _filters, qs = _credit_note_rows(request)
    sort = request.GET.get("sort") if request.GET.get("sort", "").lstrip("-") in CREDIT_NOTE_SORTS else "-date"
    field = CREDIT_NOTE_SORTS[sort.lstrip("-")]
    rows = qs.order_by(f"-{field}", "-pk") if sort.startswith("-") else qs.order_by(field, "pk")
    header = ["number", "issued_on", "invoice", "outlet", "outlet_name", "kind", "reason", "taxable", "cgst", "sgst", "igst",
              "vat", "total"]
    lines = ([n.number, n.issued_on.isoformat(), n.invoice.number, n.outlet.code, n.outlet.name, n.kind, n.reason, n.taxable,
              n.cgst, n.sgst, n.igst, n.vat, n.total] for n in rows.iterator(chunk_size=500))
    response = StreamingHttpResponse(csv_lines(header, lines), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="credit-notes.csv"'
    return response


def credit_note_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a credit note against an invoice of a delivered order: units per line, kind, reason."""
    require_model_perm(request.user, CreditNote, "add")
    invoice = selectors.invoice_get(user=request.user, pk=pk)
    form = CreditNoteForm(request.POST or None, lines=invoice.lines.order_by("line_no"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = services_credit.credit_note_issue_by_hand(by=request.user, invoice=invoice, lines=form.credited_lines(),
                                                             kind=data["kind"], reason=data["reason"])
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            add_service_errors(form, form.on_lines(exc))
        else:
            messages.success(request, _("Credit note %(number)s issued for Rs. %(total)s.") % {"number": note.number, "total": note.total})
            return redirect("invoice-detail", pk=invoice.pk)
    context = {"form": form, "title": _("Credit note against %(number)s") % {"number": invoice.number},
               "cancel_url": reverse("invoice-detail", args=[invoice.pk])}
    return render(request, "web/form.html", context, status=422 if form.errors else 200)


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
