"""Billing pages; each goes through the sign-in gate (distra.web.pages.signed_in)."""

from django.urls import path

from distra.billing import views
from distra.web.pages import signed_in


def page(route: str, view, name: str):
    return path(route, signed_in(view), name=name)


urlpatterns = [
    page("invoices", views.invoice_list, "invoice-list"),
    page("invoices/<int:pk>", views.invoice_detail, "invoice-detail"),
    page("invoices/<int:pk>/pdf", views.invoice_pdf, "invoice-pdf"),
    page("invoices/<int:pk>/credit-notes/new", views.credit_note_create, "credit-note-create"),
    page("credit-notes", views.credit_note_list, "credit-note-list"),
    page("credit-notes.csv", views.credit_note_export, "credit-note-export"),
    page("credit-notes/<int:pk>/pdf", views.credit_note_pdf, "credit-note-pdf"),
    page("payments/new", views.payment_create, "payment-create"),
    page("outlets/<int:pk>/statement", views.outlet_statement, "outlet-statement"),
]
