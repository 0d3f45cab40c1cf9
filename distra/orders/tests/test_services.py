"""Order services on the database: create, idempotency, approval, FEFO allocation, shortfalls,
back-orders, cancel, bad input."""

from decimal import Decimal

import pytest

from distra.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from distra.inventory.models import StockBalance, StockReservation
from distra.orders import services
from distra.orders.models import MinShelfLife, Order, OrderEvent, OrderPolicy
from distra.orders.services import LineIn
from distra.orders.tests.conftest import lines, make_batch, receive

pytestmark = pytest.mark.django_db


def create(org, user="dist_one", outlet="O-DEL1-A", **kwargs):
    kwargs.setdefault("lines", lines(org))
    return services.order_create(by=org.users[user], outlet=org.outlets[outlet], **kwargs)


def reserved(batch):
    return StockBalance.objects.get(batch=batch).reserved


def test_draft_is_priced_per_line_and_totals_add_up(org, sku2):
    order = create(org, lines=[LineIn(sku=org.skus["SKU-1"], cases=1, units=2, discount_pct=Decimal("5")), LineIn(sku=sku2, quantity=3)])
    first, second = order.lines.order_by("line_no")
    assert (first.quantity, first.gross, first.discount, first.net, first.tax, first.total) == (
        50, Decimal("375.00"), Decimal("18.75"), Decimal("356.25"), Decimal("64.13"), Decimal("420.38"))
    assert (second.quantity, second.total) == (3, Decimal("73.92"))
    assert (order.status, order.net, order.tax, order.total) == ("draft", Decimal("422.25"), Decimal("72.05"), Decimal("494.30"))
    assert order.warehouse == org.warehouses["D-ONE"]
    assert order.distributor == org.distributors["D-ONE"]
    assert list(order.events.values_list("kind", flat=True)) == ["created"]


def test_submit_without_rules_approves_and_allocates_fefo(org, stocked):
    order = create(org, lines=lines(org, q1=70), submit=True)
    order.refresh_from_db()
    assert order.status == "allocated"
    allocations = list(order.lines.get().allocations.order_by("id").values_list("batch__batch_number", "quantity"))
    assert allocations == [("S1-SOON", 50), ("S1-LATE", 20)]
    assert (reserved(stocked["S1-SOON"]), reserved(stocked["S1-LATE"])) == (50, 20)
    assert [(e.from_status, e.to_status) for e in order.events.filter(kind="status")] == [
        ("draft", "submitted"), ("submitted", "approved"), ("approved", "allocated")]


def test_allocation_skips_batches_inside_the_channels_minimum_shelf_life(org, stocked):
    MinShelfLife.objects.create(channel="general_trade", days=90)
    order = create(org, lines=lines(org, q1=10), submit=True)
    assert list(order.lines.get().allocations.values_list("batch__batch_number", flat=True)) == ["S1-LATE"]


def test_allocation_never_takes_an_expired_batch(org, stocked):
    expired = make_batch(org, org.skus["SKU-1"], "OLD", expires_in_days=0)
    receive(org, org.warehouses["D-ONE"], expired, 500)
    order = create(org, lines=lines(org, q1=10), submit=True)
    assert list(order.lines.get().allocations.values_list("batch__batch_number", flat=True)) == ["S1-SOON"]


def test_shortfall_is_backordered_and_filled_oldest_first_when_stock_arrives(org, stocked, sku2):
    first = create(org, lines=lines(org, sku2, q1=10, q2=40), submit=True)
    second = create(org, lines=lines(org, sku2, q1=5, q2=5), submit=True, outlet="O-DEL1-B")
    line = first.lines.get(sku=sku2)
    assert (line.allocated, line.backordered, line.cancelled) == (30, 10, 0)
    backorder = Order.objects.get(backorder_of=first)
    assert (backorder.status, backorder.awaiting_stock, list(backorder.lines.values_list("quantity", flat=True))) == ("approved", True, [10])
    second_back = Order.objects.get(backorder_of=second)
    assert second_back.lines.get().quantity == 5
    receive(org, org.warehouses["D-ONE"], make_batch(org, sku2, "S2-B", expires_in_days=200), 12)
    filled = services.backorders_fill(by=org.users["dist_one"], warehouse_id=org.warehouses["D-ONE"].pk)
    backorder.refresh_from_db()
    second_back.refresh_from_db()
    assert filled == [backorder.pk, second_back.pk]
    assert backorder.status == "allocated"
    assert backorder.lines.get().allocated == 10
    assert second_back.lines.get().allocated == 2  # what was left after the older back-order


def test_cancel_policy_cancels_the_shortfall(org, stocked, sku2, cancel_policy):
    order = create(org, lines=lines(org, sku2, q1=10, q2=40), submit=True)
    line = order.lines.get(sku=sku2)
    assert (line.allocated, line.cancelled, line.backordered) == (30, 10, 0)
    assert not Order.objects.filter(backorder_of=order).exists()
    assert order.events.get(kind="shortfall").detail["missing"] == {"SKU-2": 10}


def test_nothing_allocatable_under_cancel_policy_is_409_and_writes_nothing(org, sku2, cancel_policy):
    with pytest.raises(Conflict) as err:
        create(org, lines=lines(org, sku2, q1=0, q2=5)[1:] or [LineIn(sku=sku2, quantity=5)], submit=True)
    assert err.value.code == "insufficient_stock"
    assert Order.objects.count() == 0
    assert StockReservation.objects.count() == 0


def test_nothing_allocatable_under_backorder_policy_waits_for_stock(org, sku2):
    order = create(org, lines=[LineIn(sku=sku2, quantity=5)], submit=True)
    order.refresh_from_db()
    assert (order.status, order.awaiting_stock) == ("approved", True)


def test_order_above_value_threshold_waits_for_approval(org, stocked):
    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], approval_value_above=Decimal("50"))
    order = create(org, lines=lines(org, q1=10), submit=True)
    order.refresh_from_db()
    assert order.status == "pending_approval"
    assert "above 50" in order.events.get(to_status="pending_approval").detail["reasons"][0]
    with pytest.raises(DomainError) as err:
        services.order_approve(by=org.users["rep_del1"], order=order)
    assert err.value.code == "forbidden"
    services.order_approve(by=org.users["asm_delhi"], order=order)
    order.refresh_from_db()
    assert order.status == "allocated"


def test_idempotent_create_returns_the_first_order(org, stocked):
    first = create(org, idempotency_key="k-1", submit=True)
    again = create(org, idempotency_key="k-1", submit=True)
    assert again.pk == first.pk
    assert again.replayed
    assert not first.replayed
    assert Order.objects.count() == 1
    assert reserved(stocked["S1-SOON"]) == 10
    with pytest.raises(DomainError) as err:
        create(org, idempotency_key="k-1", lines=lines(org, q1=11), submit=True)
    assert err.value.code == "idempotency_key_reused"


def test_lines_can_be_edited_until_allocated(org, stocked):
    draft = create(org)
    services.order_lines_replace(by=org.users["dist_one"], order=draft, lines=lines(org, q1=20))
    draft.refresh_from_db()
    assert draft.lines.get().quantity == 20
    assert draft.net == Decimal("150.00")
    services.order_submit(by=org.users["dist_one"], order=draft)
    with pytest.raises(Conflict) as err:
        services.order_lines_replace(by=org.users["dist_one"], order=draft, lines=lines(org, q1=5))
    assert err.value.code == "order_not_editable"
    assert draft.lines.get().quantity == 20


def test_cancel_releases_reservations(org, stocked):
    order = create(org, lines=lines(org, q1=70), submit=True)
    services.order_cancel(by=org.users["dist_one"], order=order, reason="Outlet changed its mind")
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.cancelled_at is not None
    assert reserved(stocked["S1-SOON"]) == 0
    assert reserved(stocked["S1-LATE"]) == 0
    assert StockReservation.objects.filter(is_open=True).count() == 0


def test_forbidden_transition_is_409(org, stocked):
    order = create(org, submit=True)
    services.order_cancel(by=org.users["dist_one"], order=order, reason="x")
    with pytest.raises(Conflict) as err:
        services.order_submit(by=org.users["dist_one"], order=order)
    assert err.value.code == "transition_not_allowed"


@pytest.mark.parametrize(("quantity", "code"), [(0, "invalid_quantity"), (-3, "invalid_quantity"), (1.5, "invalid_quantity")])
def test_bad_quantities_are_refused_per_line(org, quantity, code):
    with pytest.raises(ValidationFailed) as err:
        create(org, lines=[LineIn(sku=org.skus["SKU-1"], quantity=quantity)])
    assert err.value.fields["lines[0].quantity"][0].code == code
    assert Order.objects.count() == 0


def test_inactive_outlet_sku_and_foreign_warehouse_are_refused(org):
    outlet = org.outlets["O-DEL1-A"]
    outlet.status = "inactive"
    outlet.save()
    with pytest.raises(ValidationFailed) as err:
        create(org)
    assert err.value.fields["outlet"][0].code == "outlet_inactive"
    sku = org.skus["SKU-1"]
    sku.is_active = False
    sku.save()
    with pytest.raises(ValidationFailed) as err:
        create(org, outlet="O-DEL1-B")
    assert err.value.fields["lines[0].sku"][0].code == "sku_inactive"
    with pytest.raises(ValidationFailed) as err:
        create(org, user="admin", outlet="O-DEL1-B", warehouse=org.warehouses["D-TWO"])
    assert err.value.fields["warehouse"][0].code == "warehouse_not_of_distributor"
    assert Order.objects.count() == 0


def test_out_of_scope_outlet_is_not_found(org):
    with pytest.raises(NotFound):
        create(org, user="dist_one", outlet="O-MUM-A")
    with pytest.raises(NotFound):
        create(org, user="rep_del1", outlet="O-DEL2-A")
    assert Order.objects.count() == 0


def test_every_change_has_an_event_with_user_and_channel(org, stocked):
    order = create(org, submit=True, channel="api")
    events = list(OrderEvent.objects.filter(order=order).values_list("kind", "user__username", "channel"))
    assert events[0] == ("created", "dist_one", "api")
    assert ("status", None, "system") in events  # the automatic approval
    assert events[-1] == ("status", "dist_one", "api")


def test_a_backorder_that_cannot_be_filled_does_not_stop_the_next(org, sku2):
    waiting_for_sku2 = create(org, lines=[LineIn(sku=sku2, quantity=5)], submit=True)
    waiting_for_sku1 = create(org, lines=lines(org, q1=5), submit=True, outlet="O-DEL1-B")
    OrderPolicy.objects.create(distributor=org.distributors["D-ONE"], shortfall_policy="cancel")
    receive(org, org.warehouses["D-ONE"], make_batch(org, org.skus["SKU-1"], "NEW", expires_in_days=100), 20)
    filled = services.backorders_fill(by=org.users["dist_one"], warehouse_id=org.warehouses["D-ONE"].pk)
    assert filled == [waiting_for_sku1.pk]
    waiting_for_sku2.refresh_from_db()
    assert (waiting_for_sku2.status, waiting_for_sku2.awaiting_stock) == ("approved", True)


def test_the_one_statement_reservation_refuses_as_a_whole_when_a_row_would_go_over(org, stocked):
    from django.db import transaction

    from distra.inventory.services import InsufficientStock, _reserve_guarded

    soon, late = (StockBalance.objects.get(batch=stocked[n]) for n in ("S1-SOON", "S1-LATE"))
    with pytest.raises(InsufficientStock), transaction.atomic():
        _reserve_guarded({soon.pk: 10, late.pk: 101})
    assert (reserved(stocked["S1-SOON"]), reserved(stocked["S1-LATE"])) == (0, 0)
    _reserve_guarded({soon.pk: 10, late.pk: 100})
    assert (reserved(stocked["S1-SOON"]), reserved(stocked["S1-LATE"])) == (10, 100)
    StockBalance.objects.filter(pk__in=[soon.pk, late.pk]).update(reserved=0)  # no reservation rows back them
