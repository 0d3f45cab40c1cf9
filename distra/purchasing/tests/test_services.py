"""Primary order services on the database: the lifecycle, shipping FEFO from a depot through
stock transfers, goods receipts with short/damaged/excess, and refusals that write nothing."""

from decimal import Decimal

import pytest

from distra.core.errors import DomainError, Forbidden, NotFound
from distra.inventory.models import StockBalance, StockMove
from distra.purchasing import services
from distra.purchasing.models import GoodsReceipt, PurchaseOrder, PurchaseOrderEvent, Shipment
from distra.purchasing.tests.conftest import confirmed_po, raise_po

pytestmark = pytest.mark.django_db


def on_hand(warehouse, batch=None) -> dict[str, int]:
    rows = StockBalance.objects.filter(warehouse=warehouse)
    return {b.batch.batch_number: b.on_hand for b in rows.select_related("batch") if batch is None or b.batch_id == batch.pk}


def written():
    return (list(PurchaseOrder.objects.values()), list(PurchaseOrderEvent.objects.values()), list(Shipment.objects.values()),
            list(GoodsReceipt.objects.values()), list(StockMove.objects.values("id")), list(StockBalance.objects.values()))


def timeline(order):
    return [(e.action, e.from_status, e.to_status, e.user.username, e.channel) for e in order.events.order_by("id")]


def test_a_distributor_raises_a_draft_at_the_base_price_numbered_per_distributor(org):
    order = raise_po(org, quantity=50)
    second = raise_po(org, quantity=48)
    other = raise_po(org, user="dist_four", code="D-FOUR", quantity=60)
    assert (order.number, second.number, other.number) == ("PO-00001", "PO-00002", "PO-00001")
    line = order.lines.get()
    assert (order.status, line.quantity, line.price, line.amount, order.total) == ("draft", 50, Decimal("7.50"), Decimal("375.00"), Decimal("375.00"))
    assert timeline(order) == [("created", "", "draft", "dist_one", "api")]


def test_quantities_in_cases_and_units_are_stored_in_base_units(org):
    order = services.po_create(by=org.users["dist_one"], warehouse=org.warehouses["D-ONE"],
                               lines=[{"sku_id": org.skus["SKU-1"].pk, "cases": 2, "units": 5}], channel="web")
    assert order.lines.get().quantity == 2 * 48 + 5
    assert order.events.get().channel == "web"


def test_the_same_idempotency_key_returns_the_first_order(org):
    first = raise_po(org, idempotency_key="k-1")
    again = raise_po(org, idempotency_key="k-1", quantity=7)
    assert (first.replayed, again.replayed, again.pk) == (False, True, first.pk)
    assert PurchaseOrder.objects.count() == 1
    assert first.lines.get().quantity == 100


def test_the_full_lifecycle_writes_an_event_per_step(org, depot):
    order = confirmed_po(org, cut=80)
    line = order.lines.get()
    assert (order.status, line.confirmed_quantity, line.amount, order.total) == ("confirmed", 80, Decimal("600.00"), Decimal("600.00"))
    shipment = services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse)
    order.refresh_from_db()
    assert order.status == "shipped"
    services.grn_post(by=org.users["dist_one"], shipment=shipment)
    order.refresh_from_db()
    assert order.status == "received"
    services.po_close(by=org.users["brand"], order=order)
    assert timeline(order) == [
        ("created", "", "draft", "dist_one", "api"), ("submitted", "draft", "submitted", "dist_one", "api"),
        ("confirmed", "submitted", "confirmed", "brand", "api"), ("shipped", "confirmed", "shipped", "brand", "api"),
        ("received", "shipped", "received", "dist_one", "api"), ("closed", "received", "closed", "brand", "api"),
    ]


def test_shipping_picks_fefo_never_expired_and_leaves_stock_in_transit(org, depot):
    order = confirmed_po(org)
    shipment = services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse)
    assert [(sl.batch.batch_number, sl.quantity) for sl in shipment.lines.order_by("id")] == [("EARLY", 60), ("LATE", 40)]
    assert on_hand(depot.warehouse) == {"EARLY": 0, "LATE": 460, "EXPIRED": 40}
    assert on_hand(org.warehouses["D-ONE"]) == {}  # in transit until the goods receipt
    moves = StockMove.objects.filter(kind="transfer_out").order_by("id")
    assert [(m.quantity, m.counterpart_warehouse_id) for m in moves] == [(-60, org.warehouses["D-ONE"].pk), (-40, org.warehouses["D-ONE"].pk)]
    assert order.lines.get().shipped_quantity == 100


def test_a_partial_shipment_then_the_rest(org, depot):
    order = confirmed_po(org)
    line = order.lines.get()
    first = services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse, lines=[{"line_id": line.pk, "quantity": 30, "batch_id": depot.late.pk}])
    order.refresh_from_db()
    assert (order.status, first.number) == ("partially_shipped", 1)
    services.grn_post(by=org.users["dist_one"], shipment=first)
    order.refresh_from_db()
    assert order.status == "partially_received"
    second = services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse)
    assert [(sl.batch.batch_number, sl.quantity) for sl in second.lines.all()] == [("EARLY", 60), ("LATE", 10)]
    services.grn_post(by=org.users["dist_one"], shipment=second)
    order.refresh_from_db()
    assert order.status == "received"
    assert on_hand(org.warehouses["D-ONE"]) == {"LATE": 40, "EARLY": 60}


def test_shipping_more_than_confirmed_is_409_and_writes_nothing(org, depot):
    order = confirmed_po(org, cut=50)
    before = written()
    with pytest.raises(DomainError) as exc:
        services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse, lines=[{"line_id": order.lines.get().pk, "quantity": 51}])
    assert (exc.value.status, exc.value.code) == (409, "more_than_confirmed")
    assert written() == before


def test_shipping_more_than_the_depot_holds_is_409_insufficient_stock_and_writes_nothing(org, depot):
    order = confirmed_po(org, quantity=600)  # 560 unexpired units in the depot
    before = written()
    with pytest.raises(DomainError) as exc:
        services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse)
    assert (exc.value.status, exc.value.code) == (409, "insufficient_stock")
    with pytest.raises(DomainError) as exc:  # a named batch with too little: the inventory guard refuses
        services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse,
                         lines=[{"line_id": order.lines.get().pk, "quantity": 61, "batch_id": depot.early.pk}])
    assert (exc.value.status, exc.value.code) == (409, "insufficient_stock")
    assert written() == before


def test_an_expired_batch_is_never_shipped(org, depot):
    order = confirmed_po(org)
    before = written()
    with pytest.raises(DomainError) as exc:
        services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse,
                         lines=[{"line_id": order.lines.get().pk, "quantity": 5, "batch_id": depot.expired.pk}])
    assert (exc.value.status, exc.value.code, list(exc.value.fields)) == (422, "validation_error", ["lines[0].batch_id"])
    assert exc.value.fields["lines[0].batch_id"][0].code == "batch_expired"
    assert written() == before


def test_a_distributor_warehouse_is_not_a_depot(org, depot):
    order = confirmed_po(org)
    before = written()
    with pytest.raises(DomainError) as exc:
        services.po_ship(by=org.users["brand"], order=order, depot=org.warehouses["D-TWO"])
    assert exc.value.fields["depot_id"][0].code == "not_a_depot"
    assert written() == before


def test_a_goods_receipt_with_short_damaged_and_excess(org, shipped):
    early, late = shipped.lines.order_by("id")
    receipt = services.grn_post(by=org.users["dist_one"], shipment=shipped, lines=[
        {"shipment_line_id": early.pk, "good": 50, "damaged": 4, "excess": 0},
        {"shipment_line_id": late.pk, "good": 40, "damaged": 0, "excess": 3},
    ])
    assert receipt.has_discrepancy
    lines = {rl.shipment_line_id: (rl.shipped, rl.good, rl.damaged, rl.short, rl.excess) for rl in receipt.lines.all()}
    assert lines == {early.pk: (60, 50, 4, 6, 0), late.pk: (40, 40, 0, 0, 3)}
    assert on_hand(org.warehouses["D-ONE"]) == {"EARLY": 50, "LATE": 43}
    moves = StockMove.objects.filter(warehouse=org.warehouses["D-ONE"]).order_by("id")
    assert [(m.kind, m.reason, m.quantity) for m in moves] == [
        ("transfer_in", "", 60), ("adjustment", "damage", -4), ("adjustment", "shrinkage", -6),
        ("transfer_in", "", 40), ("receipt", "", 3),
    ]
    assert shipped.order.events.last().note == f"{receipt.number} (discrepancy)"


def test_posting_the_same_goods_receipt_twice_posts_once(org, shipped):
    first = services.grn_post(by=org.users["dist_one"], shipment=shipped, lines=[{"shipment_line_id": shipped.lines.first().pk, "good": 55}])
    moves = StockMove.objects.count()
    again = services.grn_post(by=org.users["dist_one"], shipment=shipped)
    assert (again.replayed, again.pk) == (True, first.pk)
    assert StockMove.objects.count() == moves
    assert PurchaseOrderEvent.objects.filter(action="received").count() == 1


@pytest.mark.parametrize(("line", "code"), [
    ({"good": 61}, "more_than_shipped"),
    ({"good": 58, "damaged": 3}, "more_than_shipped"),
])
def test_a_goods_receipt_over_what_was_shipped_is_422_and_writes_nothing(org, shipped, line, code):
    before = written()
    with pytest.raises(DomainError) as exc:
        services.grn_post(by=org.users["dist_one"], shipment=shipped, lines=[{"shipment_line_id": shipped.lines.order_by("id").first().pk, **line}])
    assert (exc.value.status, exc.value.code) == (422, code)
    assert written() == before


def test_a_short_quantity_that_does_not_add_up_is_refused(org, shipped):
    before = written()
    with pytest.raises(DomainError) as exc:
        services.grn_post(by=org.users["dist_one"], shipment=shipped,
                          lines=[{"shipment_line_id": shipped.lines.order_by("id").first().pk, "good": 50, "short": 5}])
    assert (exc.value.status, exc.value.code) == (422, "validation_error")
    assert [p.code for p in exc.value.fields["lines[0]"]] == ["short_does_not_add_up"]
    assert written() == before


@pytest.mark.parametrize(("action", "status"), [
    ("submit", "submitted"), ("confirm", "draft"), ("ship", "draft"), ("ship", "submitted"), ("cancel", "shipped"), ("close", "confirmed"),
])
def test_a_transition_the_table_forbids_is_409_and_writes_nothing(org, depot, action, status):
    order = raise_po(org)
    if status != "draft":
        services.po_submit(by=org.users["dist_one"], order=order)
    if status in ("confirmed", "shipped"):
        services.po_confirm(by=org.users["brand"], order=order)
    if status == "shipped":
        services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse)
    calls = {
        "submit": lambda: services.po_submit(by=org.users["dist_one"], order=order),
        "confirm": lambda: services.po_confirm(by=org.users["brand"], order=order),
        "ship": lambda: services.po_ship(by=org.users["brand"], order=order, depot=depot.warehouse),
        "cancel": lambda: services.po_cancel(by=org.users["dist_one"], order=order),
        "close": lambda: services.po_close(by=org.users["brand"], order=order),
    }
    before = written()
    with pytest.raises(DomainError) as exc:
        calls[action]()
    assert (exc.value.status, exc.value.code) == (409, "invalid_transition")
    assert written() == before


def test_lines_can_be_changed_only_in_draft(org):
    order = raise_po(org)
    services.po_lines_set(by=org.users["dist_one"], order=order, lines=[{"sku_id": org.skus["SKU-1"].pk, "cases": 1}])
    order.refresh_from_db()
    assert (order.lines.get().quantity, order.total) == (48, Decimal("360.00"))
    services.po_submit(by=org.users["dist_one"], order=order)
    before = written()
    with pytest.raises(DomainError) as exc:
        services.po_lines_set(by=org.users["dist_one"], order=order, lines=[{"sku_id": org.skus["SKU-1"].pk, "quantity": 1}])
    assert (exc.value.status, exc.value.code) == (409, "not_editable")
    assert written() == before


@pytest.mark.parametrize(("lines", "field", "code"), [
    ([{"sku_id": 987654, "quantity": 1}], "lines[0].sku_id", "not_found"),
    ([{"quantity": 0}], "lines[0].quantity", "invalid_quantity"),
    ([{"quantity": -3}], "lines[0].quantity", "invalid_quantity"),
    ([{"quantity": 1.5}], "lines[0].quantity", "invalid_quantity"),
    ([{"cases": 0, "units": 0}], "lines[0].quantity", "invalid_quantity"),
    ([{"quantity": 48}, {"quantity": 96}], "lines[1].sku_id", "duplicate"),
    ([], "lines", "required"),
])
def test_bad_lines_are_422_and_write_nothing(org, lines, field, code):
    lines = [{"sku_id": org.skus["SKU-1"].pk, **line} for line in lines]
    before = written()
    with pytest.raises(DomainError) as exc:
        services.po_create(by=org.users["dist_one"], warehouse=org.warehouses["D-ONE"], lines=lines)
    assert (exc.value.status, [p.code for p in exc.value.fields[field]]) == (422, [code])
    assert written() == before


def test_a_line_below_the_minimum_order_quantity_is_refused(org):
    from distra.inventory.models import SupplyTerm

    with pytest.raises(DomainError) as exc:  # no supply terms: one case (48 units)
        raise_po(org, quantity=47)
    assert [p.code for p in exc.value.fields["lines[0].quantity"]] == ["below_moq"]
    SupplyTerm.objects.create(distributor=org.distributors["D-ONE"], sku=org.skus["SKU-1"], lead_time_days=5, min_order_quantity=120)
    with pytest.raises(DomainError) as exc:
        raise_po(org, quantity=119)
    assert (exc.value.status, exc.value.fields["lines[0].quantity"][0].message) == (422, "SKU-1: order at least 120 units; 119 asked.")
    assert PurchaseOrder.objects.count() == 0
    assert raise_po(org, quantity=120).lines.get().quantity == 120


def test_an_inactive_sku_cannot_be_ordered(org):
    sku = org.skus["SKU-1"]
    sku.is_active = False
    sku.save()
    with pytest.raises(DomainError) as exc:
        raise_po(org)
    assert [p.code for p in exc.value.fields["lines[0].sku_id"]] == ["inactive_sku"]
    assert PurchaseOrder.objects.count() == 0


def test_orders_go_to_the_users_own_warehouse_and_never_to_a_depot(org, depot):
    for warehouse, code in ((org.warehouses["D-FOUR"], "not_found"), (depot.warehouse, "not_found")):
        with pytest.raises(DomainError) as exc:
            services.po_create(by=org.users["dist_one"], warehouse=warehouse, lines=[{"sku_id": org.skus["SKU-1"].pk, "quantity": 1}])
        assert [p.code for p in exc.value.fields["warehouse_id"]] == [code]
    with pytest.raises(DomainError) as exc:  # the administrator sees the depot, but orders go to distributors
        services.po_create(by=org.users["admin"], warehouse=depot.warehouse, lines=[{"sku_id": org.skus["SKU-1"].pk, "quantity": 1}])
    assert [p.code for p in exc.value.fields["warehouse_id"]] == ["not_orderable"]
    assert PurchaseOrder.objects.count() == 0


def test_roles_and_scopes_are_rechecked_by_the_services(org, depot):
    order = raise_po(org)
    with pytest.raises(Forbidden):
        services.po_submit(by=org.users["brand"], order=order)  # the brand does not submit for a distributor
    with pytest.raises(NotFound):
        services.po_submit(by=org.users["dist_four"], order=order)
    services.po_submit(by=org.users["dist_one"], order=order)
    with pytest.raises(Forbidden):
        services.po_confirm(by=org.users["dist_one"], order=order)  # nor confirms its own order
    services.po_confirm(by=org.users["brand"], order=order)
    with pytest.raises(Forbidden):
        services.po_ship(by=org.users["dist_one"], order=order, depot=depot.warehouse)
    with pytest.raises(Forbidden):
        services.depot_create(by=org.users["brand"], code="D-X", name="x")
    order.refresh_from_db()
    assert order.status == "confirmed"


def test_cancel_before_shipping(org):
    order = confirmed_po(org)
    services.po_cancel(by=org.users["brand"], order=order, note="Out of season")
    assert timeline(order)[-1] == ("cancelled", "confirmed", "cancelled", "brand", "api")
    assert order.events.last().note == "Out of season"


def test_depots_are_seen_only_by_the_brands_own_users(org, depot):
    from distra.purchasing.selectors import depot_list

    seen = {name: set(depot_list(user=user).values_list("code", flat=True)) for name, user in org.users.items()}
    assert seen == {name: ({"DEPOT-N"} if name in ("admin", "brand") else set()) for name in org.users}


def test_a_goods_receipt_enqueues_the_fill_of_secondary_back_orders_waiting_there(
        org, shipped, monkeypatch, django_capture_on_commit_callbacks):
    from types import SimpleNamespace

    from distra.orders import services as order_services
    from distra.orders import tasks

    calls = []
    monkeypatch.setattr(tasks, "fill_backorders", SimpleNamespace(enqueue=lambda *args: calls.append(args)))
    waiting = order_services.order_create(by=org.users["dist_one"], outlet=org.outlets["O-DEL1-A"], submit=True,
                                          lines=[order_services.LineIn(sku=org.skus["SKU-1"], quantity=5)])
    assert waiting.awaiting_stock
    with django_capture_on_commit_callbacks(execute=True):
        services.grn_post(by=org.users["dist_one"], shipment=shipped)
    assert calls == [(org.warehouses["D-ONE"].pk, [org.skus["SKU-1"].pk])]
