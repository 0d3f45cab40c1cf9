"""Delivering reserved stock (stock_issue_reserved) and releasing part of a reservation."""

import pytest

from distra.core.errors import DomainError, Forbidden, NotFound
from distra.inventory import services
from distra.inventory.choices import MoveKind
from distra.inventory.models import StockBalance, StockMove, StockReservation

pytestmark = pytest.mark.django_db


def balance(org, batch, code="D-ONE"):
    row = StockBalance.objects.get(warehouse=org.warehouses[code], batch=batch)
    return (row.on_hand, row.reserved)


def stocked_reservation(org, batch, on_hand=10, reserved=6, key="order-1:1"):
    services.stock_receive(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"], batch=batch,
                           quantity=on_hand)
    return services.stock_reserve(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"],
                                  batch=batch, quantity=reserved, source_key=key)


def issue(org, reservation, quantity, user="dist_one", **kwargs):
    return services.stock_issue_reserved(by=org.users[user], reservation=reservation, quantity=quantity, **kwargs)


def test_issue_posts_a_sale_issue_and_closes_the_reservation(org, batch):
    reservation = stocked_reservation(org, batch)
    move = issue(org, reservation, 6, source_type="order", source_id="SO-1", source_line=1, note="delivered")
    assert (move.kind, move.quantity, move.source_key, move.source_id, move.note) == (
        MoveKind.SALE_ISSUE, -6, f"issue:{reservation.pk}", "SO-1", "delivered")
    assert move.user == org.users["dist_one"]
    assert balance(org, batch) == (4, 0)
    assert (reservation.is_open, reservation.closed_at is not None) == (False, True)


def test_short_delivery_issues_what_was_delivered_and_frees_the_rest(org, batch):
    reservation = stocked_reservation(org, batch)
    issue(org, reservation, 4)
    assert balance(org, batch) == (6, 0)
    assert list(StockMove.objects.filter(kind=MoveKind.SALE_ISSUE).values_list("quantity", flat=True)) == [-4]


def test_nothing_delivered_posts_no_move_and_releases_the_reservation(org, batch):
    reservation = stocked_reservation(org, batch)
    assert issue(org, reservation, 0) is None
    assert balance(org, batch) == (10, 0)
    assert not StockMove.objects.filter(kind=MoveKind.SALE_ISSUE).exists()
    assert not StockReservation.objects.get(pk=reservation.pk).is_open


def test_issuing_twice_returns_the_first_move_and_changes_nothing(org, batch):
    reservation = stocked_reservation(org, batch)
    first = issue(org, reservation, 5)
    again = issue(org, reservation, 6)
    assert (again.pk, again.replayed) == (first.pk, True)
    assert balance(org, batch) == (5, 0)
    assert StockMove.objects.filter(kind=MoveKind.SALE_ISSUE).count() == 1


def test_issuing_a_released_reservation_posts_nothing(org, batch):
    reservation = stocked_reservation(org, batch)
    services.stock_release(by=org.users["admin"], reservation=reservation)
    assert issue(org, reservation, 6) is None
    assert balance(org, batch) == (10, 0)
    assert not StockMove.objects.filter(kind=MoveKind.SALE_ISSUE).exists()


@pytest.mark.parametrize("bad", [7, -1, 2.5, True, None])
def test_issuing_more_than_reserved_or_a_bad_quantity_is_refused_and_writes_nothing(org, batch, bad):
    reservation = stocked_reservation(org, batch)
    with pytest.raises(DomainError) as exc:
        issue(org, reservation, bad)
    assert (exc.value.code, exc.value.status) == ("invalid_quantity", 422)
    assert balance(org, batch) == (10, 6)
    assert StockReservation.objects.get(pk=reservation.pk).is_open
    assert not StockMove.objects.filter(kind=MoveKind.SALE_ISSUE).exists()


def test_issue_needs_the_reserve_permission_and_the_warehouse_in_scope(org, batch):
    reservation = stocked_reservation(org, batch)
    with pytest.raises(Forbidden):
        issue(org, reservation, 6, user="brand")
    with pytest.raises(NotFound):
        issue(org, reservation, 6, user="dist_four")
    assert balance(org, batch) == (10, 6)
    assert StockReservation.objects.get(pk=reservation.pk).is_open


def test_partial_release_lowers_the_reservation_and_reserved(org, batch):
    reservation = stocked_reservation(org, batch)
    services.stock_release(by=org.users["dist_one"], reservation=reservation, quantity=2)
    assert (reservation.quantity, reservation.is_open) == (4, True)
    assert balance(org, batch) == (10, 4)
    services.stock_release(by=org.users["dist_one"], reservation=reservation, quantity=4)
    assert (reservation.quantity, reservation.is_open) == (4, False)
    assert balance(org, batch) == (10, 0)


def test_issue_after_a_partial_release_issues_from_what_is_left(org, batch):
    reservation = stocked_reservation(org, batch)
    services.stock_release(by=org.users["admin"], reservation=reservation, quantity=2)
    with pytest.raises(DomainError):
        issue(org, reservation, 5)
    issue(org, reservation, 4)
    assert balance(org, batch) == (6, 0)


@pytest.mark.parametrize("bad", [7, 0, -1, 1.5])
def test_partial_release_of_more_than_reserved_or_a_bad_quantity_is_refused(org, batch, bad):
    reservation = stocked_reservation(org, batch)
    with pytest.raises(DomainError) as exc:
        services.stock_release(by=org.users["admin"], reservation=reservation, quantity=bad)
    assert exc.value.code == "invalid_quantity"
    assert balance(org, batch) == (10, 6)
    assert StockReservation.objects.get(pk=reservation.pk).quantity == 6


def test_partial_release_of_a_closed_reservation_changes_nothing(org, batch):
    reservation = stocked_reservation(org, batch)
    services.stock_release(by=org.users["admin"], reservation=reservation)
    services.stock_release(by=org.users["admin"], reservation=reservation, quantity=3)
    assert balance(org, batch) == (10, 0)
    assert reservation.quantity == 6
