"""The stock services on the database: each posts moves and keeps the balances equal to them."""

from datetime import date

import pytest
from django.core.management import call_command

from distra.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from distra.inventory import services
from distra.inventory.choices import AdjustmentReason, MoveKind
from distra.inventory.models import (
    Batch,
    LedgerIsAppendOnly,
    StockBalance,
    StockMove,
    StockReservation,
)

pytestmark = pytest.mark.django_db


def balance(org, batch, code="D-ONE"):
    row = StockBalance.objects.filter(warehouse=org.warehouses[code], batch=batch).first()
    return (row.on_hand, row.reserved) if row else (0, 0)


def ledger():
    return list(StockMove.objects.order_by("pk").values_list("kind", "quantity"))


def receive(org, batch, quantity, code="D-ONE", **kwargs):
    return services.stock_receive(by=org.users["admin"], warehouse=org.warehouses[code], sku=org.skus["SKU-1"],
                                  batch=batch, quantity=quantity, **kwargs)


def adjust(org, batch, quantity, code="D-ONE", reason=AdjustmentReason.DAMAGE, user="admin"):
    return services.stock_adjust(by=org.users[user], warehouse=org.warehouses[code], sku=org.skus["SKU-1"], batch=batch,
                                 quantity=quantity, reason=reason)


def reserve(org, batch, quantity, key, code="D-ONE"):
    return services.stock_reserve(by=org.users["admin"], warehouse=org.warehouses[code], sku=org.skus["SKU-1"],
                                  batch=batch, quantity=quantity, source_key=key)


def test_receipt_posts_a_move_and_raises_on_hand(org, batch):
    move = receive(org, batch, 120, source_type="grn", source_id="GRN-7", source_line=1)
    assert (move.kind, move.quantity, move.user, move.source_id) == (MoveKind.RECEIPT, 120, org.users["admin"], "GRN-7")
    assert balance(org, batch) == (120, 0)


def test_receipt_in_cases_and_units_is_stored_in_base_units(org, batch):
    move = services.stock_receive(by=org.users["dist_one"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"],
                                  batch=batch, cases=2, units=5)
    assert move.quantity == 2 * 48 + 5
    assert balance(org, batch) == (101, 0)


@pytest.mark.parametrize("bad", [{"quantity": 0}, {"quantity": -3}, {"quantity": 2.5}, {"quantity": True}, {"cases": 0, "units": 0},
                                 {"quantity": 5, "cases": 1}])
def test_zero_negative_or_fractional_receipt_is_invalid_quantity_and_writes_nothing(org, batch, bad):
    with pytest.raises(DomainError) as exc:
        services.stock_receive(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"], batch=batch, **bad)
    assert (exc.value.code, exc.value.status) == ("invalid_quantity", 422)
    assert ledger() == []
    assert not StockBalance.objects.exists()


def test_receipt_posted_twice_with_one_source_key_posts_once(org, batch):
    first = receive(org, batch, 10, source_key="sync-42")
    again = receive(org, batch, 10, source_key="sync-42")
    assert again.pk == first.pk
    assert again.replayed
    assert balance(org, batch) == (10, 0)
    assert StockMove.objects.count() == 1


def test_same_document_line_is_one_move(org, batch):
    receive(org, batch, 10, source_type="grn", source_id="GRN-1", source_line=1)
    receive(org, batch, 10, source_type="grn", source_id="GRN-1", source_line=1)
    receive(org, batch, 5, source_type="grn", source_id="GRN-1", source_line=2)
    assert ledger() == [("receipt", 10), ("receipt", 5)]


def test_distributor_user_cannot_receive_into_another_distributors_warehouse(org, batch):
    with pytest.raises(NotFound):
        services.stock_receive(by=org.users["dist_one"], warehouse=org.warehouses["D-FOUR"], sku=org.skus["SKU-1"], batch=batch, quantity=5)
    assert ledger() == []


def test_area_sales_manager_may_not_post_stock(org, batch):
    with pytest.raises(Forbidden):
        services.stock_receive(by=org.users["asm_delhi"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"], batch=batch, quantity=5)
    assert ledger() == []


def test_batch_of_another_sku_is_refused(org, batch):
    from distra.catalog.models import SKU

    other = SKU.objects.create(**{**SKU.objects.filter(pk=org.skus["SKU-1"].pk).values().get(), "id": None, "code": "SKU-2", "gtin": "4006381333931"})
    with pytest.raises(ValidationFailed) as exc:
        services.stock_receive(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=other, batch=batch, quantity=5)
    assert "batch" in exc.value.fields
    assert ledger() == []


def test_adjustment_records_its_reason(org, batch):
    receive(org, batch, 10)
    move = adjust(org, batch, -3, reason=AdjustmentReason.EXPIRY_WRITE_OFF)
    assert (move.kind, move.reason, move.quantity) == ("adjustment", "expiry_write_off", -3)
    assert balance(org, batch) == (7, 0)


def test_adjustment_below_zero_is_refused_and_nothing_is_written(org, batch):
    receive(org, batch, 10)
    with pytest.raises(DomainError) as exc:
        adjust(org, batch, -11)
    assert (exc.value.code, exc.value.status) == ("insufficient_stock", 409)
    assert balance(org, batch) == (10, 0)
    assert ledger() == [("receipt", 10)]


def test_adjustment_cannot_take_reserved_stock(org, batch):
    receive(org, batch, 10)
    reserve(org, batch, 8, "order-1:1")
    with pytest.raises(DomainError, match="available"):
        adjust(org, batch, -3)
    assert balance(org, batch) == (10, 8)


def test_adjustment_needs_a_known_reason(org, batch):
    receive(org, batch, 10)
    with pytest.raises(ValidationFailed):
        adjust(org, batch, -1, reason="theft-ish")
    assert balance(org, batch) == (10, 0)


def test_transfer_is_in_transit_until_received(org, batch):
    receive(org, batch, 10)
    out = services.stock_transfer(by=org.users["admin"], from_warehouse=org.warehouses["D-ONE"], to_warehouse=org.warehouses["D-TWO"],
                                  sku=org.skus["SKU-1"], batch=batch, quantity=4)
    assert (out.kind, out.quantity, out.counterpart_warehouse) == ("transfer_out", -4, org.warehouses["D-TWO"])
    assert (balance(org, batch), balance(org, batch, "D-TWO")) == ((6, 0), (0, 0))
    received = services.stock_transfer_receive(by=org.users["admin"], transfer=out)
    again = services.stock_transfer_receive(by=org.users["admin"], transfer=out)
    assert again.pk == received.pk
    assert (received.kind, received.quantity, received.transfer_out) == ("transfer_in", 4, out)
    assert (balance(org, batch), balance(org, batch, "D-TWO")) == ((6, 0), (4, 0))


def test_received_transfer_cannot_be_reversed_but_one_in_transit_can_be_cancelled(org, batch):
    receive(org, batch, 10)
    send = services.stock_transfer
    kw = {"by": org.users["admin"], "from_warehouse": org.warehouses["D-ONE"], "to_warehouse": org.warehouses["D-TWO"],
          "sku": org.skus["SKU-1"], "batch": batch, "quantity": 4}
    received = services.stock_transfer_receive(by=org.users["admin"], transfer=send(**kw))
    with pytest.raises(DomainError) as exc:
        services.stock_move_reverse(by=org.users["admin"], move=received.transfer_out)
    assert exc.value.code == "not_reversible"
    cancelled = send(**kw)
    services.stock_move_reverse(by=org.users["admin"], move=cancelled)
    with pytest.raises(DomainError) as exc:
        services.stock_transfer_receive(by=org.users["admin"], transfer=cancelled)
    assert exc.value.code == "transfer_cancelled"
    assert (balance(org, batch), balance(org, batch, "D-TWO")) == ((6, 0), (4, 0))


def test_reversal_cancels_a_move_once(org, batch):
    receipt = receive(org, batch, 10)
    reversal = services.stock_move_reverse(by=org.users["admin"], move=receipt)
    again = services.stock_move_reverse(by=org.users["admin"], move=receipt)
    assert again.pk == reversal.pk
    assert (reversal.kind, reversal.quantity, reversal.reverses) == ("receipt", -10, receipt)
    assert balance(org, batch) == (0, 0)
    with pytest.raises(DomainError) as exc:
        services.stock_move_reverse(by=org.users["admin"], move=reversal)
    assert exc.value.code == "not_reversible"


def test_reversing_a_receipt_whose_stock_is_reserved_is_refused(org, batch):
    receipt = receive(org, batch, 10)
    reserve(org, batch, 5, "order-1:1")
    with pytest.raises(DomainError) as exc:
        services.stock_move_reverse(by=org.users["admin"], move=receipt)
    assert exc.value.code == "insufficient_stock"
    assert ledger() == [("receipt", 10)]


def test_reserve_and_release(org, batch):
    receive(org, batch, 10)
    reservation = reserve(org, batch, 7, "order-1:1")
    assert reserve(org, batch, 7, "order-1:1").pk == reservation.pk  # a retry reserves nothing more
    assert balance(org, batch) == (10, 7)
    with pytest.raises(DomainError) as exc:
        reserve(org, batch, 4, "order-2:1")
    assert exc.value.code == "insufficient_stock"
    assert not StockReservation.objects.filter(source_key="order-2:1").exists()
    services.stock_release(by=org.users["admin"], reservation=reservation)
    services.stock_release(by=org.users["admin"], reservation=reservation)
    assert balance(org, batch) == (10, 0)
    reservation.refresh_from_db()
    assert not reservation.is_open


def test_count_posts_variances_as_adjustments(org, batch, batch2):
    receive(org, batch, 10)
    receive(org, batch2, 5)
    report = services.stock_count_post(by=org.users["dist_one"], warehouse=org.warehouses["D-ONE"], counted={batch.pk: 8, batch2.pk: 5})
    assert [(line.batch_id, line.book, line.counted, line.difference) for line in report] == [(batch.pk, 10, 8, -2), (batch2.pk, 5, 5, 0)]
    assert list(StockMove.objects.filter(kind="adjustment").values_list("batch_id", "quantity", "reason")) == [(batch.pk, -2, "count_variance")]
    assert (balance(org, batch), balance(org, batch2)) == ((8, 0), (5, 0))


def test_count_of_an_unknown_batch_or_negative_count_writes_nothing(org, batch):
    receive(org, batch, 10)
    for counted, code in (({batch.pk: 3, 987654: 1}, "unknown_batch"), ({batch.pk: -1}, "validation_error")):
        with pytest.raises(DomainError) as exc:
            services.stock_count_post(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], counted=counted)
        assert (exc.value.code, exc.value.status) == (code, 422)
    assert ledger() == [("receipt", 10)]


def test_the_ledger_cannot_be_edited_or_deleted(org, batch):
    move = receive(org, batch, 10)
    move.quantity = 100
    with pytest.raises(LedgerIsAppendOnly):
        move.save()
    with pytest.raises(LedgerIsAppendOnly):
        move.delete()
    with pytest.raises(LedgerIsAppendOnly):
        StockMove.objects.filter(pk=move.pk).update(quantity=100)
    with pytest.raises(LedgerIsAppendOnly):
        StockMove.objects.all().delete()
    assert ledger() == [("receipt", 10)]


def test_balance_constraints_hold_in_the_database(org, batch):
    from django.db import IntegrityError, transaction

    receive(org, batch, 10)
    for change in ({"on_hand": -1, "reserved": 0}, {"reserved": 11}, {"reserved": -1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            StockBalance.objects.filter(batch=batch).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.create(sku=org.skus["SKU-1"], batch_number="B-BAD", manufactured_on=date(2026, 5, 1), expires_on=date(2026, 5, 1))


def test_scope_of_stock_follows_the_warehouses(org, batch):
    receive(org, batch, 10, "D-ONE")
    receive(org, batch, 20, "D-FOUR")
    seen = {u: set(StockBalance.objects.for_user(org.users[u]).values_list("warehouse__code", flat=True)) for u in org.users}
    assert seen == {
        "admin": {"W-D-ONE", "W-D-FOUR"}, "brand": {"W-D-ONE", "W-D-FOUR"}, "asm_delhi": {"W-D-ONE"}, "asm_mumbai": {"W-D-FOUR"},
        "dist_one": {"W-D-ONE"}, "dist_four": {"W-D-FOUR"}, "rep_del1": {"W-D-ONE"}, "rep_mum": {"W-D-FOUR"},
    }


def test_stock_verify_command_reports_a_drifted_balance_and_exits_non_zero(org, batch, capsys):
    receive(org, batch, 10)
    call_command("stock", "verify")
    assert "agree" in capsys.readouterr().out
    StockBalance.objects.filter(batch=batch).update(on_hand=9)  # a write no service would make
    with pytest.raises(SystemExit) as exc:
        call_command("stock", "verify")
    assert exc.value.code == 1
    assert "on hand cached 9 vs ledger 10" in capsys.readouterr().out
    StockBalance.objects.filter(batch=batch).update(on_hand=10)


def test_a_count_posted_twice_with_its_key_posts_once_and_answers_the_first_report(org, batch, batch2):
    receive(org, batch, 10)
    receive(org, batch2, 5)
    count = {batch.pk: 8, batch2.pk: 6}
    first = services.stock_count_post(by=org.users["dist_one"], warehouse=org.warehouses["D-ONE"], counted=count, source_key="count-page:abc")
    again = services.stock_count_post(by=org.users["dist_one"], warehouse=org.warehouses["D-ONE"], counted=count, source_key="count-page:abc")
    assert [(x.batch_id, x.book, x.counted, x.difference) for x in again] == [(x.batch_id, x.book, x.counted, x.difference) for x in first]
    assert [x.difference for x in first] == [-2, 1]
    assert StockMove.objects.filter(kind="adjustment").count() == 2
    assert (balance(org, batch), balance(org, batch2)) == ((8, 0), (6, 0))
    # without a key, a second count of the same figures is a new count: nothing differs any more
    fresh = services.stock_count_post(by=org.users["dist_one"], warehouse=org.warehouses["D-ONE"], counted=count)
    assert [x.difference for x in fresh] == [0, 0]
