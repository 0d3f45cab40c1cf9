"""Billing pages per role: anonymous → sign-in form, out of scope → 404, not allowed → 403, and
what an allowed user sees and does."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from distra.billing.models import Invoice, Payment

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def pages(invoice):
    return [reverse("invoice-list"), reverse("invoice-detail", args=[invoice.pk]), reverse("invoice-pdf", args=[invoice.pk]),
            reverse("outlet-statement", args=[invoice.outlet_id]), reverse("payment-create")]


def test_anonymous_visitors_get_the_sign_in_form(org, invoice):
    for url in pages(invoice):
        response = client_for().get(url)
        assert response.status_code == 401, url
        assert 'name="password"' in response.content.decode()


def test_rows_of_another_scope_are_not_found(org, invoice):
    for user in ("dist_four", "asm_mumbai", "rep_mum"):
        for url in pages(invoice)[1:4]:
            assert client_for(org.users[user]).get(url).status_code == 404, (user, url)
    assert client_for(org.users["dist_four"]).get(reverse("credit-note-pdf", args=[999])).status_code == 404


def test_roles_that_may_not_record_payments_get_403(org, invoice):
    for user in ("brand", "asm_delhi", "rep_del1"):
        assert client_for(org.users[user]).get(reverse("payment-create")).status_code == 403
        response = client_for(org.users[user]).post(reverse("payment-create"), {"outlet": invoice.outlet_id, "amount": "5", "mode": "cash"})
        assert response.status_code == 403
    assert not Payment.objects.exists()


def test_invoice_list_and_view_show_the_scopes_invoices(org, invoice):
    html = client_for(org.users["rep_del1"]).get(reverse("invoice-list")).content.decode()
    assert f'data-number="{invoice.number}"' in html
    assert invoice.number not in client_for(org.users["dist_four"]).get(reverse("invoice-list")).content.decode()
    html = client_for(org.users["asm_delhi"]).get(reverse("invoice-detail", args=[invoice.pk])).content.decode()
    assert f'data-testid="invoice-number">{invoice.number}<' in html
    assert 'data-testid="total">157.99<' in html
    assert "Rupees One Hundred Fifty-Seven and Ninety-Nine Paise Only" in html
    assert f'href="{reverse("invoice-pdf", args=[invoice.pk])}"' in html
    response = client_for(org.users["dist_one"]).get(reverse("invoice-pdf", args=[invoice.pk]))
    assert (response["Content-Type"], response.content[:5]) == ("application/pdf", b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_distributor_user_records_a_payment_and_sees_the_statement(org, invoice):
    client = client_for(org.users["dist_one"])
    bad = client.post(reverse("payment-create"), {"outlet": invoice.outlet_id, "amount": "50", "mode": "cheque",
                                                  "received_on": timezone.localdate().isoformat()})
    assert bad.status_code == 422
    assert "needs its reference" in bad.content.decode()
    assert not Payment.objects.exists()
    response = client.post(reverse("payment-create"), {"outlet": invoice.outlet_id, "amount": "50.00", "mode": "cheque",
                                                       "reference": "004711", "received_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert response["Location"] == reverse("outlet-statement", args=[invoice.outlet_id])
    invoice.refresh_from_db()
    assert invoice.paid == Decimal("50.00")
    Invoice.objects.filter(pk=invoice.pk).update(due_on=timezone.localdate() - timedelta(days=40))
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="outstanding">107.99<' in html
    assert '<th scope="row" class="fw-normal">31–60 days</th><td class="text-end">107.99</td>' in html
    assert 'id="ageing-chart-data"' in html
