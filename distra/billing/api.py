"""Billing over HTTP: invoices (and their PDF), credit notes, payments, outlet statements. The
invoice of an order is issued by POST /orders/{id}/invoice (distra.orders.api_invoicing)."""

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from distra.billing import pdf, selectors, services, services_credit
from distra.billing.models import CreditNote, Invoice, Payment
from distra.billing.schemas import (
    CreditNoteFilter,
    CreditNoteIn,
    CreditNoteOut,
    InvoiceFilter,
    InvoiceOut,
    PaymentFilter,
    PaymentIn,
    PaymentOut,
    StatementOut,
)
from distra.core.api import ERROR_RESPONSES, Id, Pagination, get_scoped_or_404
from distra.core.errors import FieldProblem, ValidationFailed
from distra.core.permissions import require_model_perm, require_view
from distra.partners.models import Outlet

router = Router(tags=["billing"])

PDF_OPENAPI = {"responses": {200: {"description": "The document as PDF.",
                                   "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}


def pdf_response(content: bytes, number: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number.replace("/", "-")}.pdf"'
    return response


@router.get("/invoices", response={200: list[InvoiceOut], **ERROR_RESPONSES})
@paginate(Pagination)
def invoice_list(request, filters: Query[InvoiceFilter]):
    """Invoices in your scope, newest first."""
    require_view(request.auth, Invoice)
    return selectors.invoice_list(user=request.auth, **filters.dict()).prefetch_related("lines").order_by("-issued_on", "-id")


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **ERROR_RESPONSES})
def invoice_get(request, invoice_id: Id):
    require_view(request.auth, Invoice)
    return selectors.invoice_get(user=request.auth, pk=invoice_id)


@router.get("/invoices/{invoice_id}/pdf", response={200: None, **ERROR_RESPONSES}, openapi_extra=PDF_OPENAPI)
def invoice_pdf(request, invoice_id: Id):
    """The printable tax invoice."""
    require_view(request.auth, Invoice)
    invoice = selectors.invoice_get(user=request.auth, pk=invoice_id)
    return pdf_response(pdf.invoice_pdf(invoice), invoice.number)


@router.post("/invoices/{invoice_id}/credit-notes", response={201: CreditNoteOut, **ERROR_RESPONSES})
def credit_note_create(request, invoice_id: Id, payload: CreditNoteIn):
    """Issue a credit note against a delivered order's invoice, by invoice line and quantity, with
    a reason. 409 ``invoice_not_creditable`` before delivery; 422 ``more_than_invoiced`` above what
    is left to credit; 422 ``cancel_the_order`` for kind cancellation. Nothing is written then."""
    require_model_perm(request.auth, CreditNote, "add")
    invoice = get_scoped_or_404(Invoice, request.auth, invoice_id)
    note = services_credit.credit_note_issue_by_hand(
        by=request.auth, invoice=invoice, kind=payload.kind, reason=payload.reason,
        lines=[(line.invoice_line_id, line.quantity) for line in payload.lines])
    return Status(201, selectors.credit_note_get(user=request.auth, pk=note.pk))


@router.get("/credit-notes", response={200: list[CreditNoteOut], **ERROR_RESPONSES})
@paginate(Pagination)
def credit_note_list(request, filters: Query[CreditNoteFilter]):
    """Credit notes in your scope, newest first."""
    require_view(request.auth, CreditNote)
    return selectors.credit_note_list(user=request.auth, **filters.dict()).prefetch_related("lines").order_by("-issued_on", "-id")


@router.get("/credit-notes/{credit_note_id}", response={200: CreditNoteOut, **ERROR_RESPONSES})
def credit_note_get(request, credit_note_id: Id):
    require_view(request.auth, CreditNote)
    return selectors.credit_note_get(user=request.auth, pk=credit_note_id)


@router.get("/credit-notes/{credit_note_id}/pdf", response={200: None, **ERROR_RESPONSES}, openapi_extra=PDF_OPENAPI)
def credit_note_pdf(request, credit_note_id: Id):
    require_view(request.auth, CreditNote)
    note = selectors.credit_note_get(user=request.auth, pk=credit_note_id)
    return pdf_response(pdf.credit_note_pdf(note), note.number)


@router.get("/payments", response={200: list[PaymentOut], **ERROR_RESPONSES})
@paginate(Pagination)
def payment_list(request, filters: Query[PaymentFilter]):
    require_view(request.auth, Payment)
    return selectors.payment_list(user=request.auth, **filters.dict()).order_by("-received_on", "-id")


@router.post("/payments", response={201: PaymentOut, **ERROR_RESPONSES})
def payment_create(request, payload: PaymentIn):
    """Record a collection from an outlet and allocate it: to the invoices named, or to the
    outlet's open invoices oldest first. What is not allocated stays on account. 422
    ``over_allocated`` / ``more_than_outstanding`` / ``invoice_not_open``; nothing is written then."""
    require_model_perm(request.auth, Payment, "add")
    outlet = Outlet.objects.for_user(request.auth).filter(pk=payload.outlet_id).first()
    if outlet is None:
        raise ValidationFailed({"outlet_id": [FieldProblem("not_found", f"No outlet with id {payload.outlet_id} in your scope.")]})
    allocations = None
    if payload.allocations is not None:
        visible = Invoice.objects.for_user(request.auth).in_bulk([a.invoice_id for a in payload.allocations])
        allocations = [(visible.get(a.invoice_id) or Invoice(pk=a.invoice_id), a.amount) for a in payload.allocations]
    payment = services.payment_record(
        by=request.auth, outlet=outlet, amount=payload.amount, mode=payload.mode, reference=payload.reference,
        received_on=payload.received_on, allocations=allocations, note=payload.note)
    return Status(201, selectors.payment_list(user=request.auth).get(pk=payment.pk))


@router.get("/outlets/{outlet_id}/statement", response={200: StatementOut, **ERROR_RESPONSES})
def outlet_statement(request, outlet_id: Id):
    """What the outlet owes: outstanding, ageing by days past due, money on account, open invoices."""
    require_view(request.auth, Invoice)
    get_scoped_or_404(Outlet, request.auth, outlet_id)
    return selectors.outlet_statement(user=request.auth, outlet_id=outlet_id)
