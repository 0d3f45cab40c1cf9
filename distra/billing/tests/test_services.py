"""Billing services on the database: invoices from allocated orders, gap-free numbers, GST
split, credit notes, cancellation, payments and their allocation, statements."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from distra.billing import selectors, services
from distra.billing.domain import financial_year, financial_year_label
from distra.billing.models import CreditNote, Invoice, InvoiceSeries, Payment, PaymentAllocation
from distra.billing.tests.conftest import allocated_order, invoiced
from distra.core.errors import DomainError
from distra.core.testing import valid_gstin
from distra.inventory.models import StockReservation
from distra.orders import services as orders

pytestmark = pytest.mark.django_db

D = Decimal


def year_label() -> str:
    return financial_year_label(financial_year(timezone.localdate()))


def test_invoice_is_made_from_the_allocated_quantities_with_cgst_and_sgst(org, invoice):
    order = invoice.order
    order.refresh_from_db()
    assert (order.status, invoice.number, invoice.sequence) == ("invoiced", f"INV/{year_label()}/00001", 1)
    first, second = invoice.lines.order_by("line_no")
    # 10 × 7.50 = 75.00 less 5 % (3.75) = 71.25; CGST = SGST = 9 % of 71.25 = 6.4125 → 6.41
    assert (first.quantity, first.hsn, first.taxable, first.cgst, first.sgst, first.igst, first.total) == (
        10, "1905", D("71.25"), D("6.41"), D("6.41"), D("0.00"), D("84.07"))
    # 3 × 22.00 = 66.00; 6 % of 66.00 = 3.96 each
    assert (second.quantity, second.taxable, second.cgst, second.total) == (3, D("66.00"), D("3.96"), D("73.92"))
    assert (invoice.taxable, invoice.cgst, invoice.sgst, invoice.igst, invoice.tax, invoice.total) == (
        D("137.25"), D("10.37"), D("10.37"), D("0.00"), D("20.74"), D("157.99"))
    assert (invoice.seller_tax_id, invoice.seller_state, invoice.buyer_tax_id, invoice.place_of_supply) == (
        "07AAACD1234A1ZJ", "07", "", "07")
    assert invoice.due_on == invoice.issued_on + timedelta(days=15)
    assert invoice.outstanding == D("157.99")
    assert order.events.filter(to_status="invoiced").get().detail == {"invoice": invoice.number}


def test_an_outlet_registered_in_another_state_is_charged_igst(org, stocked):
    outlet = org.outlets["O-DEL1-B"]
    outlet.tax_id = valid_gstin("27AAACH1234A1Z")
    outlet.save()
    invoice = invoiced(org, q1=10, outlet="O-DEL1-B")
    assert (invoice.place_of_supply, invoice.buyer_state, invoice.cgst, invoice.igst, invoice.total) == (
        "27", "27", D("0.00"), D("13.50"), D("88.50"))


def test_invoicing_twice_returns_the_first_invoice_and_takes_no_number(org, invoice):
    again = orders.order_invoice(by=org.users["dist_one"], order=invoice.order)
    assert (again.pk, again.replayed) == (invoice.pk, True)
    assert services.invoice_issue(by=org.users["admin"], order=invoice.order).pk == invoice.pk
    assert InvoiceSeries.objects.get(document="invoice").next_number == 2
    assert services.invoice_for_order(invoice.order) == invoice


def test_numbers_follow_on_per_distributor_and_series(org, stocked, sku2):
    first = invoiced(org, q1=5)
    second = invoiced(org, q1=5, outlet="O-DEL1-B")
    assert [first.sequence, second.sequence] == [1, 2]
    assert second.number == f"INV/{year_label()}/00002"


def test_a_rolled_back_invoice_leaves_no_gap(org, stocked):
    order = allocated_order(org, q1=5)

    def invoice_then_fail():
        with transaction.atomic():
            orders.order_invoice(by=org.users["dist_one"], order=order)
            raise RuntimeError("the invoice's transaction fails after it took a number")

    with pytest.raises(RuntimeError):
        invoice_then_fail()
    assert not Invoice.objects.exists()
    invoice = orders.order_invoice(by=org.users["dist_one"], order=order)
    assert invoice.sequence == 1


def test_only_an_allocated_order_is_invoiced(org, stocked):
    draft = orders.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"], lines=[
        orders.LineIn(sku=org.skus["SKU-1"], quantity=3)])
    with pytest.raises(DomainError) as exc:
        services.invoice_issue(by=org.users["dist_one"], order=draft)
    assert (exc.value.status, exc.value.code) == (409, "order_not_invoiceable")
    assert not Invoice.objects.exists()
    assert not InvoiceSeries.objects.exists()


def test_a_field_rep_may_not_invoice_and_another_distributor_cannot_see_the_order(org, stocked):
    order = allocated_order(org, q1=5)
    with pytest.raises(DomainError) as exc:
        orders.order_invoice(by=org.users["rep_del1"], order=order)
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError) as exc:
        services.invoice_issue(by=org.users["dist_four"], order=order)
    assert exc.value.code == "not_found"
    assert not Invoice.objects.exists()


def test_a_distributor_without_a_gstin_cannot_issue_a_tax_invoice(org, stocked):
    order = allocated_order(org, q1=5)
    org.distributors["D-ONE"].tax_id = ""
    org.distributors["D-ONE"].save()
    with pytest.raises(DomainError) as exc:
        services.invoice_issue(by=org.users["dist_one"], order=order)
    assert exc.value.code == "seller_gstin_missing"
    assert not InvoiceSeries.objects.exists()


# Credit notes ----------------------------------------------------------------------------------------

def test_partial_credit_reverses_its_units_and_the_last_credit_reverses_the_rest_exactly(org, invoice):
    line = invoice.lines.get(line_no=1)
    note = services.credit_note_issue(by=org.users["dist_one"], invoice=invoice, lines=[(line.pk, 3)], reason="3 short", kind="delivery_shortfall")
    # 3 × 7.50 = 22.50 less 5 % (1.125 → 1.13) = 21.37; 9 % = 1.9233 → 1.92 each
    assert (note.number, note.taxable, note.cgst, note.sgst, note.total) == (f"CN/{year_label()}/00001", D("21.37"), D("1.92"), D("1.92"), D("25.21"))
    rest = services.credit_note_issue(by=org.users["dist_one"], invoice=invoice, lines=[(line.pk, 7)], reason="returned", kind="return")
    assert (rest.taxable, rest.cgst, rest.total) == (D("49.88"), D("4.49"), D("58.86"))
    assert note.total + rest.total == line.total
    invoice.refresh_from_db()
    line.refresh_from_db()
    assert (line.credited_quantity, invoice.credited, invoice.outstanding) == (10, D("84.07"), D("73.92"))


def test_crediting_more_than_is_left_is_refused_and_writes_nothing(org, invoice):
    line = invoice.lines.get(line_no=2)
    services.credit_note_issue(by=org.users["dist_one"], invoice=invoice, lines=[(line.pk, 2)], reason="r", kind="return")
    with pytest.raises(DomainError) as exc:
        services.credit_note_issue(by=org.users["dist_one"], invoice=invoice, lines=[(line.pk, 2)], reason="r", kind="return")
    assert (exc.value.status, exc.value.code) == (422, "more_than_invoiced")
    assert list(exc.value.fields) == ["lines[0].quantity"]
    assert CreditNote.objects.count() == 1
    line.refresh_from_db()
    assert line.credited_quantity == 2
    assert InvoiceSeries.objects.get(document="credit_note").next_number == 2


def test_credit_note_bad_input_is_reported_field_by_field(org, invoice, sku2):
    other = invoiced(org, q1=2, outlet="O-DEL1-B").lines.get()
    line = invoice.lines.get(line_no=1)
    with pytest.raises(DomainError) as exc:
        services.credit_note_issue(by=org.users["dist_one"], invoice=invoice, lines=[(other.pk, 1), (line.pk, 0)], reason="x", kind="return")
    assert exc.value.code == "validation_error"
    assert set(exc.value.fields) == {"lines[0].invoice_line_id", "lines[1].quantity"}
    with pytest.raises(DomainError) as exc:
        services.credit_note_issue(by=org.users["dist_one"], invoice=invoice, lines=[], reason=" ", kind="gift")
    assert set(exc.value.fields) == {"kind", "reason", "lines"}
    assert not CreditNote.objects.exists()


def test_cancelling_an_invoiced_order_credits_the_whole_invoice(org, invoice):
    line = invoice.lines.get(line_no=1)
    services.credit_note_issue(by=org.users["dist_one"], invoice=invoice, lines=[(line.pk, 4)], reason="r", kind="other")
    order = orders.order_cancel(by=org.users["dist_one"], order=invoice.order, reason="outlet closed")
    invoice.refresh_from_db()
    assert (order.status, invoice.status, invoice.credited, invoice.outstanding) == ("cancelled", "cancelled", invoice.total, D("0.00"))
    full = CreditNote.objects.get(kind="cancellation")
    assert sorted(full.lines.values_list("quantity", flat=True)) == [3, 6]
    assert not StockReservation.objects.filter(is_open=True).exists()
    with pytest.raises(DomainError) as exc:
        services.credit_note_issue(by=org.users["dist_one"], invoice=invoice, lines=[(line.pk, 1)], reason="r", kind="other")
    assert exc.value.code == "invoice_cancelled"


# Payments ---------------------------------------------------------------------------------------------

def pay(org, amount, mode="cash", reference="", allocations=None, outlet="O-DEL1-A", user="dist_one", **kwargs):
    return services.payment_record(by=org.users[user], outlet=org.outlets[outlet], amount=amount, mode=mode, reference=reference,
                                   allocations=allocations, **kwargs)


def test_a_payment_settles_the_oldest_invoices_first_and_keeps_the_rest_on_account(org, invoice, sku2):
    newer = invoiced(org, q1=2)  # 15.00 + 18 % = 17.70
    Invoice.objects.filter(pk=newer.pk).update(issued_on=invoice.issued_on + timedelta(days=1))
    payment = pay(org, "200.00", mode="upi", reference="UPI-4711")
    assert (payment.amount, payment.allocated, payment.unallocated) == (D("200.00"), D("175.69"), D("24.31"))
    assert list(payment.allocations.order_by("id").values_list("invoice_id", "amount")) == [(invoice.pk, D("157.99")), (newer.pk, D("17.70"))]
    statement = selectors.outlet_statement(user=org.users["dist_one"], outlet_id=org.outlets["O-DEL1-A"].pk)
    assert (statement.outstanding, statement.on_account, statement.balance, statement.open_invoices) == (
        D("0.00"), D("24.31"), D("-24.31"), [])


def test_explicit_allocations_are_checked(org, invoice, sku2):
    other_outlet = invoiced(org, q1=2, outlet="O-DEL1-B")
    with pytest.raises(DomainError) as exc:
        pay(org, "100.00", allocations=[(invoice, D("200.00")), (other_outlet, D("1.00"))])
    assert set(exc.value.fields) == {"allocations[0].amount", "allocations[1].invoice_id", "allocations"}  # 201.00 > 100.00
    with pytest.raises(DomainError) as exc:
        pay(org, "100.00", allocations=[(invoice, D("100.50"))])
    assert exc.value.fields["allocations"][0].code == "over_allocated"
    with pytest.raises(DomainError) as exc:
        pay(org, "-1", mode="cheque", received_on=timezone.localdate() + timedelta(days=1))
    assert set(exc.value.fields) == {"amount", "reference", "received_on"}
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.paid == D("0.00")
    payment = pay(org, "100.00", mode="cheque", reference="000123", allocations=[(invoice, D("60.00"))])
    invoice.refresh_from_db()
    assert (payment.allocated, invoice.paid, invoice.outstanding) == (D("60.00"), D("60.00"), D("97.99"))


def test_a_credit_after_payment_puts_the_overpayment_back_on_account(org, invoice):
    payment = pay(org, "157.99", mode="bank_transfer", reference="NEFT-1")
    line = invoice.lines.get(line_no=2)
    note = services.credit_note_issue(by=org.users["dist_one"], invoice=invoice, lines=[(line.pk, 3)], reason="damaged", kind="return")
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.credited, invoice.paid, invoice.outstanding) == (note.total, D("157.99") - note.total, D("0.00"))
    assert payment.unallocated == note.total == D("73.92")
    assert PaymentAllocation.objects.get().amount == invoice.paid


def test_only_distributor_users_and_administrators_record_payments(org, invoice):
    with pytest.raises(DomainError) as exc:
        pay(org, "10.00", user="rep_del1")
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError) as exc:
        pay(org, "10.00", user="dist_four")
    assert exc.value.code == "not_found"
    assert not Payment.objects.exists()


def test_statement_ages_the_outstanding_by_days_past_due(org, invoice, sku2):
    older = invoiced(org, q1=2)
    today = timezone.localdate()
    Invoice.objects.filter(pk=older.pk).update(issued_on=today - timedelta(days=60), due_on=today - timedelta(days=45))
    statement = selectors.outlet_statement(user=org.users["asm_delhi"], outlet_id=org.outlets["O-DEL1-A"].pk)
    assert statement.ageing == {"current": D("157.99"), "1_30": 0, "31_60": D("17.70"), "61_90": 0, "over_90": 0}
    assert [i.pk for i in statement.open_invoices] == [older.pk, invoice.pk]
    assert [i.days_past_due for i in statement.open_invoices] == [45, 0]
    with pytest.raises(DomainError):
        selectors.outlet_statement(user=org.users["asm_mumbai"], outlet_id=org.outlets["O-DEL1-A"].pk)
