"""Credit notes by hand (API and page) and the credit note list (API filters, page, CSV): anonymous,
other scope, refused role and allowed caller, with what each writes."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from distra.billing.models import CreditNote, Invoice, InvoiceLine
from distra.billing.services import credit_note_issue
from distra.orders import services as orders
from distra.orders.services import DeliveredLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(org, invoice):
    """The billing ``invoice`` (10 × SKU-1 less 5 %, 3 × SKU-2) with its order delivered in full."""
    order = invoice.order
    orders.order_dispatch(by=org.users["dist_one"], order=order, vehicle="DL 1 AB 1234", driver="Ravi")
    orders.order_deliver(by=org.users["dist_one"], order=order,
                         lines=[DeliveredLine(line.pk, line.allocated) for line in order.lines.all()])
    return invoice


def lines_of(invoice):
    return {line.line_no: line for line in invoice.lines.all()}


def snapshot():
    return (list(CreditNote.objects.values()), list(InvoiceLine.objects.values("pk", "credited_quantity")),
            list(Invoice.objects.values("pk", "credited", "paid", "status")))


def url(invoice):
    return f"/api/v1/billing/invoices/{invoice.pk}/credit-notes"


def payload(invoice, **changes):
    return {"kind": "other", "reason": "Rate difference", "lines": [{"invoice_line_id": lines_of(invoice)[2].pk, "quantity": 1}],
            **changes}


# API: issue ------------------------------------------------------------------------------------------

def test_distributor_user_issues_a_credit_note_by_line_and_quantity(org, api, delivered):
    response = api(org.users["dist_one"]).post(url(delivered), payload(delivered))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == f"CN/{delivered.number.split('/')[1]}/00001"
    assert (body["invoice_id"], body["kind"], body["reason"]) == (delivered.pk, "other", "Rate difference")
    assert (body["taxable"], body["cgst"], body["sgst"], body["total"]) == ("22.00", "1.32", "1.32", "24.64")
    assert [(line["invoice_line_id"], line["quantity"]) for line in body["lines"]] == [(lines_of(delivered)[2].pk, 1)]
    delivered.refresh_from_db()
    assert (str(delivered.credited), lines_of(delivered)[2].credited_quantity) == ("24.64", 1)


@pytest.mark.parametrize(("username", "status"), [(None, 401), ("brand", 403), ("asm_delhi", 403), ("rep_del1", 403),
                                                  ("dist_four", 404), ("asm_mumbai", 403)])
def test_issue_refuses_anonymous_other_scope_and_roles_writing_nothing(org, api, delivered, username, status):
    before = snapshot()
    response = api(org.users.get(username)).post(url(delivered), payload(delivered))
    assert response.status_code == status
    assert snapshot() == before


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "cancellation"}, "kind"),
    ({"reason": ""}, "reason"),
    ({"lines": []}, "lines"),
    ({"lines": [{"invoice_line_id": 987654, "quantity": 1}]}, "lines[0].invoice_line_id"),
    ({"lines": [{"invoice_line_id": 1, "quantity": 0}]}, "lines[0].quantity"),
])
def test_bad_credit_is_422_field_by_field_and_writes_nothing(org, api, delivered, changes, field):
    before = snapshot()
    response = api(org.users["dist_one"]).post(url(delivered), payload(delivered, **changes))
    assert (response.status_code, response.json()["code"]) == (422, "validation_error"), response.content
    assert field in response.json()["fields"]
    assert snapshot() == before


def test_more_than_is_left_is_more_than_invoiced(org, api, delivered):
    client = api(org.users["dist_one"])
    assert client.post(url(delivered), payload(delivered)).status_code == 201
    before = snapshot()
    response = client.post(url(delivered), payload(delivered, lines=[{"invoice_line_id": lines_of(delivered)[2].pk, "quantity": 3}]))
    assert (response.status_code, response.json()["code"]) == (422, "more_than_invoiced")
    assert response.json()["fields"]["lines[0].quantity"][0]["message"] == "2 units of line 2 are left to credit."
    assert snapshot() == before


def test_cancellation_kind_says_cancel_the_order(org, api, delivered):
    response = api(org.users["dist_one"]).post(url(delivered), payload(delivered, kind="cancellation"))
    assert response.json()["fields"]["kind"][0]["code"] == "cancel_the_order"


def test_before_delivery_a_credit_by_hand_is_409(org, api, invoice):
    before = snapshot()
    response = api(org.users["dist_one"]).post(url(invoice), payload(invoice))
    assert (response.status_code, response.json()["code"]) == (409, "invoice_not_creditable")
    assert snapshot() == before


def test_unknown_invoice_is_404(org, api, delivered):
    response = api(org.users["admin"]).post("/api/v1/billing/invoices/987654/credit-notes", payload(delivered))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


# API: list filters -----------------------------------------------------------------------------------

@pytest.fixture
def notes(org, delivered):
    line1, line2 = lines_of(delivered)[1], lines_of(delivered)[2]
    return [credit_note_issue(by=org.users["dist_one"], invoice=delivered, lines=[(line2.pk, 1)], reason="one damaged", kind="return"),
            credit_note_issue(by=org.users["dist_one"], invoice=delivered, lines=[(line1.pk, 2)], reason="rate", kind="other")]


def test_credit_note_list_filters(org, api, notes):
    client = api(org.users["asm_delhi"])

    def numbers(**params):
        response = client.get("/api/v1/billing/credit-notes", params)
        assert response.status_code == 200
        return [item["number"] for item in response.json()["items"]]

    first, second = (note.number for note in notes)
    today = notes[0].issued_on.isoformat()
    assert numbers() == [second, first]
    assert numbers(kind="return") == [first]
    assert numbers(number="00002") == [second]
    assert numbers(number=notes[0].invoice.number) == [second, first]
    assert numbers(distributor_id=org.distributors["D-ONE"].pk, issued_from=today, issued_to=today) == [second, first]
    assert numbers(distributor_id=org.distributors["D-TWO"].pk) == []
    assert numbers(issued_from="2099-01-01") == []
    assert api(org.users["dist_four"]).get("/api/v1/billing/credit-notes").json()["count"] == 0
    assert api(None).get("/api/v1/billing/credit-notes").status_code == 401
    assert client.get("/api/v1/billing/credit-notes", {"kind": "nope"}).status_code == 422


# Pages -----------------------------------------------------------------------------------------------

def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_credit_note_page_issues_a_credit_note(org, delivered):
    client = client_for(org.users["dist_one"])
    detail = client.get(reverse("invoice-detail", args=[delivered.pk])).content.decode()
    create = reverse("credit-note-create", args=[delivered.pk])
    assert f'href="{create}"' in detail
    form = client.get(create)
    assert form.status_code == 200
    field = f"line-{lines_of(delivered)[2].pk}"
    assert f'name="{field}"' in form.content.decode()
    too_many = client.post(create, {field: "4", "kind": "return", "reason": "Damaged in the shop"})
    assert too_many.status_code == 422
    nothing = client.post(create, {"kind": "return", "reason": "Damaged in the shop"})
    assert nothing.status_code == 422
    assert "at least one line" in nothing.content.decode()
    assert not CreditNote.objects.exists()
    done = client.post(create, {field: "2", "kind": "return", "reason": "Damaged in the shop"})
    assert (done.status_code, done["Location"]) == (302, reverse("invoice-detail", args=[delivered.pk]))
    note = CreditNote.objects.get()
    assert (note.kind, note.reason, [line.quantity for line in note.lines.all()]) == ("return", "Damaged in the shop", [2])
    after = client.get(done["Location"]).content.decode()
    assert note.number in after


def test_credit_note_page_refuses_by_role_scope_and_state(org, invoice):
    create = reverse("credit-note-create", args=[invoice.pk])
    assert client_for().get(create).status_code == 401
    assert client_for(org.users["dist_four"]).get(create).status_code == 404
    assert client_for(org.users["brand"]).get(create).status_code == 403
    before_delivery = client_for(org.users["dist_one"])
    assert 'data-testid="issue-credit-note"' not in before_delivery.get(reverse("invoice-detail", args=[invoice.pk])).content.decode()
    field = f"line-{lines_of(invoice)[2].pk}"
    refused = before_delivery.post(create, {field: "1", "kind": "other", "reason": "Rate"})
    assert refused.status_code == 422
    assert "not delivered yet" in refused.content.decode()
    assert not CreditNote.objects.exists()


def test_credit_note_list_page_and_csv_follow_the_filters(org, notes):
    first, second = notes
    page = client_for(org.users["rep_del1"]).get(reverse("credit-note-list"), {"kind": "return"}).content.decode()
    assert f'data-number="{first.number}"' in page
    assert f'data-number="{second.number}"' not in page
    assert first.number not in client_for(org.users["dist_four"]).get(reverse("credit-note-list")).content.decode()
    assert client_for().get(reverse("credit-note-list")).status_code == 401
    response = client_for(org.users["dist_one"]).get(reverse("credit-note-export"), {"sort": "number"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["number", "issued_on", "invoice"]
    assert [(row[0], row[5], row[-1]) for row in rows[1:]] == [(first.number, "return", str(first.total)),
                                                                (second.number, "other", str(second.total))]
    other_scope = client_for(org.users["dist_four"]).get(reverse("credit-note-export"))
    assert len(list(csv.reader(io.StringIO(b"".join(other_scope.streaming_content).decode("utf-8-sig"))))) == 1  # the header only
