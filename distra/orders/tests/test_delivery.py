"""Dispatch, proof of delivery and returns on the database: stock issued FEFO, the rest released,
credit notes for what was not delivered and what came back, bad input writing nothing.

At W-D-ONE (the ``stocked`` fixture): SKU-1 in S1-SOON (60 days, 50 units) and S1-LATE (200
days, 100 units); SKU-2 in S2-A (30 units). The standard order takes 70 of SKU-1 (S1-SOON 50 +
S1-LATE 20) and 10 of SKU-2.
"""

from decimal import Decimal

import pytest

from distra.billing.models import CreditNote
from distra.core.errors import Conflict, Forbidden, ValidationFailed
from distra.inventory.models import StockBalance, StockMove, StockReservation
from distra.orders import services
from distra.orders.models import Order, OrderEvent, OrderReturn
from distra.orders.services import DeliveredLine, ReturnedLine
from distra.orders.services.delivery import fefo_split
from distra.orders.tests.conftest import lines

pytestmark = pytest.mark.django_db


def invoiced(org, sku2, q1=70, q2=10, user="dist_one"):
    """An order of ``q1`` SKU-1 and ``q2`` SKU-2 for O-DEL1-A, allocated and invoiced."""
    by = org.users[user]
    order = services.order_create(by=by, outlet=org.outlets["O-DEL1-A"], lines=lines(org, sku2, q1=q1, q2=q2), submit=True)
    services.order_invoice(by=by, order=order)
    order.refresh_from_db()
    assert order.status == "invoiced"
    return order


def dispatched(org, sku2, **kwargs):
    order = invoiced(org, sku2, **kwargs)
    return services.order_dispatch(by=org.users["dist_one"], order=order, vehicle="DL-1C-4321", driver="Ravi 98100 00000")


def by_sku(order):
    return {line.sku.code: line for line in order.lines.select_related("sku")}


def balances(stocked, kind="distributor"):
    """(on hand, reserved) per batch number at the selling warehouse (or, with ``kind=
    "quarantine"``, at the quarantine; batches with no row there are left out)."""
    rows = {name: StockBalance.objects.filter(batch=batch, warehouse__kind=kind).values_list("on_hand", "reserved").first()
            for name, batch in stocked.items()}
    return {name: tuple(row) for name, row in rows.items() if row is not None}


def snapshot(order):
    """Everything delivery writes, to show that a refused request wrote nothing."""
    order.refresh_from_db()
    return {
        "order": (order.status, order.delivered_at, order.received_by, order.dispatch_note),
        "lines": list(order.lines.order_by("line_no").values_list("delivered", "returned", "shortfall_reason")),
        "allocations": list(order.lines.values_list("allocations__delivered", flat=True).order_by("allocations__id")),
        "moves": StockMove.objects.count(),
        "open_reservations": StockReservation.objects.filter(is_open=True).count(),
        "events": OrderEvent.objects.filter(order=order).count(),
        "credit_notes": CreditNote.objects.count(),
        "returns": OrderReturn.objects.count(),
        "balances": list(StockBalance.objects.order_by("pk").values_list("on_hand", "reserved")),
    }


def deliver(org, order, items, user="dist_one", **kwargs):
    return services.order_deliver(by=org.users[user], order=order, lines=items, **kwargs)


def full(order, **overrides):
    """Delivered lines giving every allocated unit, with ``overrides`` by SKU code: (delivered, reason)."""
    result = []
    for code, line in by_sku(order).items():
        delivered, reason = overrides.get(code.replace("-", ""), (line.allocated, ""))
        result.append(DeliveredLine(line_id=line.pk, delivered=delivered, reason=reason))
    return result


# Dispatch ------------------------------------------------------------------------------------------

def test_dispatch_records_vehicle_and_driver(org, stocked, sku2):
    order = dispatched(org, sku2)
    order.refresh_from_db()
    assert (order.status, order.dispatch_note) == ("dispatched", "DL-1C-4321 / Ravi 98100 00000")
    assert order.dispatched_at is not None
    event = order.events.order_by("id").last()
    assert (event.from_status, event.to_status, event.detail) == (
        "invoiced", "dispatched", {"vehicle": "DL-1C-4321", "driver": "Ravi 98100 00000"})
    assert balances(stocked) == {"S1-LATE": (100, 20), "S1-SOON": (50, 50), "S2-A": (30, 10)}  # still reserved


def test_dispatch_needs_vehicle_and_driver(org, stocked, sku2):
    order = invoiced(org, sku2)
    before = snapshot(order)
    with pytest.raises(ValidationFailed) as exc:
        services.order_dispatch(by=org.users["dist_one"], order=order, vehicle="  ", driver="x" * 101)
    assert {name: [p.code for p in problems] for name, problems in exc.value.fields.items()} == {
        "vehicle": ["required"], "driver": ["too_long"]}
    assert snapshot(order) == before


def test_only_an_invoiced_order_is_dispatched(org, stocked, sku2):
    order = services.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"], lines=lines(org), submit=True)
    with pytest.raises(Conflict) as exc:
        services.order_dispatch(by=org.users["dist_one"], order=order, vehicle="V", driver="D")
    assert exc.value.code == "transition_not_allowed"
    order.refresh_from_db()
    assert (order.status, order.dispatch_note) == ("allocated", "")


@pytest.mark.parametrize("user", ["rep_del1", "brand", "asm_delhi"])
def test_roles_without_dispatch_may_not_dispatch_or_deliver(org, stocked, sku2, user):
    order = invoiced(org, sku2)
    before = snapshot(order)
    with pytest.raises(Forbidden):
        services.order_dispatch(by=org.users[user], order=order, vehicle="V", driver="D")
    services.order_dispatch(by=org.users["dist_one"], order=order, vehicle="V", driver="D")
    with pytest.raises(Forbidden):
        deliver(org, order, full(order), user=user)
    assert snapshot(order)["lines"] == before["lines"]


def test_several_orders_are_dispatched_together_or_not_at_all(org, stocked, sku2):
    first, second = invoiced(org, sku2, q1=10, q2=2), invoiced(org, sku2, q1=10, q2=2)
    allocated = services.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"], lines=lines(org, q1=1), submit=True)
    with pytest.raises(Conflict):
        services.orders_dispatch(by=org.users["dist_one"], order_ids=[first.pk, second.pk, allocated.pk], vehicle="V", driver="D")
    assert set(Order.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {"invoiced"}
    done = services.orders_dispatch(by=org.users["dist_one"], order_ids=[second.pk, first.pk], vehicle="V", driver="D")
    assert [o.pk for o in done] == sorted([first.pk, second.pk])
    assert set(Order.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", "dispatch_note")) == {("dispatched", "V / D")}


# Proof of delivery ---------------------------------------------------------------------------------

def test_full_delivery_issues_every_allocation_and_closes_the_reservations(org, stocked, sku2):
    order = dispatched(org, sku2)
    deliver(org, order, full(order), received_by="Mr Sharma")
    order.refresh_from_db()
    assert (order.status, order.received_by) == ("delivered", "Mr Sharma")
    assert order.delivered_at is not None
    assert {code: (li.delivered, li.returned, li.shortfall_reason) for code, li in by_sku(order).items()} == {
        "SKU-1": (70, 0, ""), "SKU-2": (10, 0, "")}
    assert balances(stocked) == {"S1-LATE": (80, 0), "S1-SOON": (0, 0), "S2-A": (20, 0)}
    issues = StockMove.objects.filter(kind="sale_issue", source_type="order", source_id=str(order.pk))
    assert sorted(issues.values_list("batch__batch_number", "quantity")) == [("S1-LATE", -20), ("S1-SOON", -50), ("S2-A", -10)]
    assert not StockReservation.objects.filter(is_open=True).exists()
    assert CreditNote.objects.count() == 0
    assert order.events.order_by("id").last().to_status == "delivered"


def test_partial_delivery_delivers_earliest_expiry_first_and_credits_the_shortfall(org, stocked, sku2):
    order = dispatched(org, sku2)
    deliver(org, order, full(order, SKU1=(55, "refused"), SKU2=(0, "outlet_closed")))
    order.refresh_from_db()
    assert order.status == "partially_delivered"
    lines_ = by_sku(order)
    assert {code: (li.delivered, li.returned, li.shortfall_reason) for code, li in lines_.items()} == {
        "SKU-1": (55, 15, "refused"), "SKU-2": (0, 0, "outlet_closed")}
    assert sorted(lines_["SKU-1"].allocations.values_list("batch__batch_number", "quantity", "delivered")) == [
        ("S1-LATE", 20, 5), ("S1-SOON", 50, 50)]
    # S1-SOON went out in full; of S1-LATE 5 went out and 15 are available again; SKU-2 all back.
    assert balances(stocked) == {"S1-LATE": (95, 0), "S1-SOON": (0, 0), "S2-A": (30, 0)}
    assert sorted(StockMove.objects.filter(kind="sale_issue").values_list("batch__batch_number", "quantity")) == [
        ("S1-LATE", -5), ("S1-SOON", -50)]
    credit = CreditNote.objects.get()
    assert credit.kind == "delivery_shortfall"
    assert sorted((cl.invoice_line.order_line.sku.code, cl.quantity) for cl in credit.lines.all()) == [("SKU-1", 15), ("SKU-2", 10)]


def test_a_shortfall_without_reason_or_over_delivery_is_refused_line_by_line(org, stocked, sku2):
    order = dispatched(org, sku2)
    before = snapshot(order)
    with pytest.raises(ValidationFailed) as exc:
        deliver(org, order, full(order, SKU1=(71, ""), SKU2=(4, "")))
    assert {name: [p.code for p in problems] for name, problems in exc.value.fields.items()} == {
        "lines[0].delivered": ["more_than_allocated"], "lines[1].reason": ["required"]}
    assert snapshot(order) == before


@pytest.mark.parametrize(("items", "expected"), [
    (lambda o, ls: [DeliveredLine(ls["SKU-1"].pk, 70)], {"lines": ["missing_lines"]}),
    (lambda o, ls: [DeliveredLine(ls["SKU-1"].pk, 70), DeliveredLine(ls["SKU-1"].pk, 70), DeliveredLine(ls["SKU-2"].pk, 10)],
     {"lines[1].line_id": ["duplicate_line"]}),
    (lambda o, ls: [DeliveredLine(ls["SKU-1"].pk, 70), DeliveredLine(ls["SKU-2"].pk, 10), DeliveredLine(999999, 1)],
     {"lines[2].line_id": ["not_found"]}),
    (lambda o, ls: [DeliveredLine(ls["SKU-1"].pk, -1, "other"), DeliveredLine(ls["SKU-2"].pk, 5, "lost")],
     {"lines[0].delivered": ["invalid_quantity"], "lines[1].reason": ["invalid_choice"]}),
    (lambda o, ls: [], {"lines": ["required"]}),
])
def test_bad_proof_of_delivery_writes_nothing(org, stocked, sku2, items, expected):
    order = dispatched(org, sku2)
    before = snapshot(order)
    with pytest.raises(ValidationFailed) as exc:
        deliver(org, order, items(order, by_sku(order)))
    assert {name: [p.code for p in problems] for name, problems in exc.value.fields.items()} == expected
    assert snapshot(order) == before


def test_delivering_twice_is_a_conflict_and_changes_nothing(org, stocked, sku2):
    order = dispatched(org, sku2)
    deliver(org, order, full(order))
    after_first = snapshot(order)
    with pytest.raises(Conflict) as exc:
        deliver(org, order, full(order, SKU1=(1, "refused")))
    assert exc.value.code == "transition_not_allowed"
    assert snapshot(order) == after_first


def test_an_order_not_yet_dispatched_cannot_be_delivered(org, stocked, sku2):
    order = invoiced(org, sku2)
    before = snapshot(order)
    with pytest.raises(Conflict) as exc:
        deliver(org, order, full(order))
    assert exc.value.code == "transition_not_allowed"
    assert snapshot(order) == before


def test_fefo_split_fills_the_earliest_expiry_first():
    class Batch:
        def __init__(self, pk, expires_on):
            self.pk, self.expires_on = pk, expires_on

    class Allocation:
        def __init__(self, pk, batch, quantity):
            self.pk, self.batch, self.batch_id, self.quantity = pk, batch, batch.pk, quantity

    late, soon = Allocation(1, Batch(7, "2027-06-01"), 20), Allocation(2, Batch(8, "2027-01-01"), 50)
    assert [(a.pk, n) for a, n in fefo_split([late, soon], 55)] == [(2, 50), (1, 5)]
    assert [(a.pk, n) for a, n in fefo_split([late, soon], 0)] == [(2, 0), (1, 0)]
    assert [(a.pk, n) for a, n in fefo_split([late, soon], 70)] == [(2, 50), (1, 20)]


# Returns after delivery ----------------------------------------------------------------------------

def delivered_order(org, stocked, sku2):
    order = dispatched(org, sku2)
    deliver(org, order, full(order))
    return order


def test_a_saleable_return_goes_back_to_the_latest_expiry_batch_first_and_is_credited(org, stocked, sku2):
    order = delivered_order(org, stocked, sku2)
    sku1 = by_sku(order)["SKU-1"]
    credit = services.order_return(by=org.users["dist_one"], order=order, reason="Slow seller",
                                   lines=[ReturnedLine(line_id=sku1.pk, quantity=25, condition="saleable")])
    assert (credit.kind, credit.order_return.reason) == ("return", "Slow seller")
    assert [(cl.invoice_line.order_line_id, cl.quantity) for cl in credit.lines.all()] == [(sku1.pk, 25)]
    assert sorted(credit.order_return.lines.values_list("batch__batch_number", "quantity", "condition")) == [
        ("S1-LATE", 20, "saleable"), ("S1-SOON", 5, "saleable")]
    assert balances(stocked) == {"S1-LATE": (100, 0), "S1-SOON": (5, 0), "S2-A": (20, 0)}
    moves = StockMove.objects.filter(kind="return_saleable", source_type="order_return")
    assert sorted(moves.values_list("batch__batch_number", "quantity")) == [("S1-LATE", 20), ("S1-SOON", 5)]
    event = order.events.order_by("id").last()
    assert (event.kind, event.detail["credit_note"]) == ("returned", credit.pk)
    order.refresh_from_db()
    assert order.status == "delivered"


def test_a_damaged_return_is_received_as_damaged_into_the_named_batch_in_quarantine(org, stocked, sku2):
    order = delivered_order(org, stocked, sku2)
    sku1 = by_sku(order)["SKU-1"]
    services.order_return(by=org.users["dist_one"], order=order, reason="Crushed",
                          lines=[ReturnedLine(line_id=sku1.pk, quantity=3, condition="damaged", batch_id=stocked["S1-SOON"].pk)])
    move = StockMove.objects.get(source_type="order_return")
    assert (move.kind, move.warehouse.code, move.batch.batch_number, move.quantity) == ("return_damaged", "Q-D-ONE", "S1-SOON", 3)
    assert balances(stocked)["S1-SOON"] == (0, 0)
    assert balances(stocked, "quarantine") == {"S1-SOON": (3, 0)}


def test_returns_add_up_to_at_most_what_was_delivered(org, stocked, sku2):
    order = delivered_order(org, stocked, sku2)
    sku2_line = by_sku(order)["SKU-2"]
    services.order_return(by=org.users["dist_one"], order=order, reason="r",
                          lines=[ReturnedLine(line_id=sku2_line.pk, quantity=6, condition="saleable")])
    before = snapshot(order)
    with pytest.raises(ValidationFailed) as exc:
        services.order_return(by=org.users["dist_one"], order=order, reason="r",
                              lines=[ReturnedLine(line_id=sku2_line.pk, quantity=5, condition="damaged")])
    assert {name: [p.code for p in problems] for name, problems in exc.value.fields.items()} == {
        "lines[0].quantity": ["more_than_delivered"]}
    assert snapshot(order) == before
    services.order_return(by=org.users["dist_one"], order=order, reason="r",
                          lines=[ReturnedLine(line_id=sku2_line.pk, quantity=4, condition="damaged")])
    assert balances(stocked)["S2-A"] == (26, 0)
    assert balances(stocked, "quarantine") == {"S2-A": (4, 0)}


def test_a_partly_delivered_line_returns_only_what_was_delivered(org, stocked, sku2):
    order = dispatched(org, sku2)
    deliver(org, order, full(order, SKU1=(55, "refused")))
    sku1 = by_sku(order)["SKU-1"]
    before = snapshot(order)
    with pytest.raises(ValidationFailed) as exc:
        services.order_return(by=org.users["dist_one"], order=order, reason="r",
                              lines=[ReturnedLine(line_id=sku1.pk, quantity=6, condition="saleable", batch_id=stocked["S1-LATE"].pk)])
    assert [p.code for p in exc.value.fields["lines[0].quantity"]] == ["more_than_delivered"]
    assert snapshot(order) == before


@pytest.mark.parametrize(("item", "field", "code"), [
    (lambda ls, st: ReturnedLine(ls["SKU-1"].pk, 1, "broken"), "lines[0].condition", "invalid_choice"),
    (lambda ls, st: ReturnedLine(ls["SKU-1"].pk, 0, "saleable"), "lines[0].quantity", "invalid_quantity"),
    (lambda ls, st: ReturnedLine(ls["SKU-1"].pk, 1, "saleable", st["S2-A"].pk), "lines[0].batch_id", "batch_not_delivered"),
    (lambda ls, st: ReturnedLine(424242, 1, "saleable"), "lines[0].line_id", "not_found"),
])
def test_bad_returns_write_nothing(org, stocked, sku2, item, field, code):
    order = delivered_order(org, stocked, sku2)
    before = snapshot(order)
    with pytest.raises(ValidationFailed) as exc:
        services.order_return(by=org.users["dist_one"], order=order, reason="r", lines=[item(by_sku(order), stocked)])
    assert {name: [p.code for p in problems] for name, problems in exc.value.fields.items()} == {field: [code]}
    assert snapshot(order) == before


def test_an_order_not_yet_delivered_takes_no_returns(org, stocked, sku2):
    order = dispatched(org, sku2)
    before = snapshot(order)
    with pytest.raises(Conflict) as exc:
        services.order_return(by=org.users["dist_one"], order=order, reason="r",
                              lines=[ReturnedLine(by_sku(order)["SKU-1"].pk, 1, "saleable")])
    assert exc.value.code == "order_not_delivered"
    assert snapshot(order) == before


def test_a_retried_return_with_its_key_posts_nothing_twice(org, stocked, sku2):
    order = delivered_order(org, stocked, sku2)
    item = [ReturnedLine(by_sku(order)["SKU-2"].pk, 2, "saleable")]
    first = services.order_return(by=org.users["dist_one"], order=order, reason="r", lines=item, idempotency_key="ret-1")
    after_first = snapshot(order)
    again = services.order_return(by=org.users["dist_one"], order=order, reason="r", lines=item, idempotency_key="ret-1")
    assert (again.pk, again.order_return.pk, again.replayed) == (first.pk, first.order_return.pk, True)
    assert snapshot(order) == after_first
    assert CreditNote.objects.get().total == first.total > Decimal("0")
