"""Billing over HTTP: every endpoint for an anonymous caller, a role that may not, a scope that
does not cover the row, and an allowed caller, with what it returns or stores."""

from decimal import Decimal

import pytest

from distra.billing.models import CreditNote, Invoice, Payment
from distra.billing.services import credit_note_issue
from distra.billing.tests.conftest import allocated_order

pytestmark = pytest.mark.django_db

ROW_GETS = [
    "/api/v1/billing/invoices/{invoice}",
    "/api/v1/billing/invoices/{invoice}/pdf",
    "/api/v1/billing/credit-notes/{note}",
    "/api/v1/billing/credit-notes/{note}/pdf",
    "/api/v1/billing/outlets/{outlet}/statement",
]
LISTS = ["/api/v1/billing/invoices", "/api/v1/billing/credit-notes", "/api/v1/billing/payments"]


@pytest.fixture
def credited(org, invoice):
    line = invoice.lines.get(line_no=2)
    note = credit_note_issue(by=org.users["dist_one"], invoice=invoice, lines=[(line.pk, 1)], reason="one damaged", kind="return")
    return {"invoice": invoice.pk, "note": note.pk, "outlet": invoice.outlet_id}


@pytest.mark.parametrize("path", ROW_GETS)
def test_row_reads_answer_by_role_and_scope(org, api, credited, path):
    url = path.format(**credited)
    assert api(None).get(url).status_code == 401
    for user in ("admin", "brand", "asm_delhi", "dist_one", "rep_del1"):
        assert api(org.users[user]).get(url).status_code == 200, user
    for user in ("asm_mumbai", "dist_four", "rep_mum"):
        response = api(org.users[user]).get(url)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), user


def test_invoice_answer_carries_lines_gstins_and_exact_money(org, api, credited):
    body = api(org.users["rep_del1"]).get(f"/api/v1/billing/invoices/{credited['invoice']}").json()
    assert (body["seller_tax_id"], body["place_of_supply"], body["status"]) == ("07AAACD1234A1ZJ", "07", "issued")
    assert (body["taxable"], body["cgst"], body["sgst"], body["igst"], body["total"]) == ("137.25", "10.37", "10.37", "0.00", "157.99")
    assert (body["credited"], body["outstanding"]) == ("24.64", "133.35")  # 22.00 + 2 × 1.32
    assert [(line["hsn"], line["quantity"], line["credited_quantity"]) for line in body["lines"]] == [("1905", 10, 0), ("1905", 3, 1)]


def test_pdfs_are_pdf_documents_with_the_number(org, api, credited):
    invoice = Invoice.objects.get()
    response = api(org.users["dist_one"]).get(f"/api/v1/billing/invoices/{invoice.pk}/pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert f'filename="{invoice.number.replace("/", "-")}.pdf"' in response["Content-Disposition"]
    note = CreditNote.objects.get()
    response = api(org.users["dist_one"]).get(f"/api/v1/billing/credit-notes/{note.pk}/pdf")
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("path", LISTS)
def test_lists_show_only_the_callers_scope(org, api, credited, path):
    from distra.billing.services import payment_record

    payment_record(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"], amount=Decimal("10.00"), mode="cash")
    assert api(None).get(path).status_code == 401
    assert api(org.users["asm_delhi"]).get(path).json()["count"] == 1
    for user in ("asm_mumbai", "dist_four", "rep_mum"):
        assert api(org.users[user]).get(path).json() == {"items": [], "count": 0}, user


def test_order_invoice_endpoint_issues_once_and_only_for_roles_that_invoice(org, api, stocked):
    order = allocated_order(org, q1=4)
    url = f"/api/v1/orders/{order.pk}/invoice"
    assert api(None).post(url).status_code == 401
    assert api(org.users["rep_del1"]).post(url).json()["code"] == "forbidden"
    assert api(org.users["dist_four"]).post(url).status_code == 404
    assert not Invoice.objects.exists()
    first = api(org.users["dist_one"]).post(url)
    assert first.status_code == 201
    assert (first.json()["order_id"], first.json()["total"]) == (order.pk, "35.40")
    again = api(org.users["admin"]).post(url)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])


def test_order_that_is_not_allocated_is_409(org, api, stocked):
    from distra.orders.services import LineIn, order_create

    draft = order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"], lines=[LineIn(sku=org.skus["SKU-1"], quantity=1)])
    response = api(org.users["dist_one"]).post(f"/api/v1/orders/{draft.pk}/invoice")
    assert (response.status_code, response.json()["code"]) == (409, "order_not_invoiceable")


def test_payment_create_allocates_and_reports_bad_input_field_by_field(org, api, invoice):
    url = "/api/v1/billing/payments"
    outlet = org.outlets["O-DEL1-A"].pk
    assert api(None).post(url, {"outlet_id": outlet, "amount": "10.00", "mode": "cash"}).status_code == 401
    assert api(org.users["rep_del1"]).post(url, {"outlet_id": outlet, "amount": "10.00", "mode": "cash"}).status_code == 403
    away = api(org.users["dist_four"]).post(url, {"outlet_id": outlet, "amount": "10.00", "mode": "cash"})
    assert (away.status_code, list(away.json()["fields"])) == (422, ["outlet_id"])
    bad = api(org.users["dist_one"]).post(url, {"outlet_id": outlet, "amount": "10.00", "mode": "upi",
                                               "allocations": [{"invoice_id": invoice.pk, "amount": "20.00"}]})
    assert (bad.status_code, set(bad.json()["fields"])) == (422, {"reference", "allocations"})
    assert not Payment.objects.exists()
    ok = api(org.users["dist_one"]).post(url, {"outlet_id": outlet, "amount": "200.00", "mode": "upi", "reference": "UPI-1"})
    assert ok.status_code == 201
    body = ok.json()
    assert (body["allocated"], body["unallocated"], body["allocations"]) == (
        "157.99", "42.01", [{"invoice_id": invoice.pk, "invoice_number": invoice.number, "amount": "157.99"}])
    statement = api(org.users["dist_one"]).get(f"/api/v1/billing/outlets/{outlet}/statement").json()
    assert (statement["outstanding"], statement["on_account"], statement["open_invoices"]) == ("0.00", "42.01", [])
