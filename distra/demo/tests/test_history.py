"""The demo's stock and order data: the tiny demo (240 outlets, 16 SKUs) built once for the
module with its 27 months of history, today's orders and alerts (inside a transaction rolled
back at the end)."""

import statistics
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Sum
from django.test.utils import override_settings
from django.utils import timezone

from distra.demo.builder import build_demo
from distra.demo.demand import FESTIVAL_DATES
from distra.demo.history_plan import months_back
from distra.inventory.choices import MoveKind
from distra.inventory.history import HistoricMove, HistoryRejected, history_post
from distra.inventory.models import StockAlert, StockBalance, StockMove
from distra.inventory.selectors import stock_verify
from distra.orders.choices import ORDER_TRANSITIONS
from distra.orders.models import Order, OrderAllocation, OrderEvent, OrderLine
from distra.partners.models import Outlet, Warehouse

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_demo(seed=7, scale="tiny", password="tiny-demo", logins_path=tmp_path_factory.mktemp("v") / "l.json")
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(seeded, db):
    return seeded


def _history():
    return Order.objects.filter(events__detail__history=True)


def test_ledger_verifies_clean_and_balances_are_never_negative(demo):
    assert stock_verify() == []
    assert not StockBalance.objects.filter(on_hand__lt=F("reserved")).exists()


def test_every_warehouse_and_depot_has_stock_in_batches(demo):
    for warehouse in Warehouse.objects.all():
        assert StockBalance.objects.filter(warehouse=warehouse, on_hand__gt=0).exists(), warehouse.code
    assert Warehouse.objects.filter(kind="depot").count() == 2
    openings = Counter(StockMove.objects.filter(kind=MoveKind.OPENING).values_list("warehouse_id", "sku_id"))
    assert set(openings.values()) <= {2, 3, 4}  # 2-4 batches per SKU


def test_history_spans_27_months_ending_yesterday(demo):
    today = timezone.localdate()
    placed = [timezone.localtime(t).date() for t in _history().values_list("submitted_at", flat=True)]
    delivered = [timezone.localtime(t).date() for t in _history().values_list("delivered_at", flat=True)]
    assert min(placed) < months_back(today, 27) + timedelta(days=7)
    assert max(delivered) == today - timedelta(days=1)
    assert set(_history().values_list("status", flat=True)) == {"delivered"}


def test_history_orders_are_consistent_rows(demo):
    for order in _history().prefetch_related("lines", "events")[:200]:
        stamps = [order.submitted_at, order.approved_at, order.allocated_at, order.invoiced_at, order.dispatched_at,
                  order.delivered_at]
        assert stamps == sorted(stamps), order.pk
        assert [e.kind for e in order.events.all()] == ["created", "status"]
        assert order.total == sum(line.total for line in order.lines.all())
        for line in order.lines.all():
            assert line.delivered == line.allocated
            assert line.allocated + line.cancelled == line.quantity
            issued = StockMove.objects.filter(kind="sale_issue", source_type="order", source_id=str(order.pk),
                                              source_line=line.line_no).aggregate(s=Sum("quantity"))["s"] or 0
            assert -issued == line.delivered


def _daily_units():
    per_day = defaultdict(int)
    for placed, quantity in OrderLine.objects.filter(order__in=_history()).values_list("order__submitted_at", "quantity"):
        per_day[timezone.localtime(placed).date()] += quantity
    return per_day


def test_weekday_pattern_saturday_busiest_sunday_quietest(demo):
    by_weekday = defaultdict(int)
    for day, units in _daily_units().items():
        by_weekday[day.weekday()] += units
    assert by_weekday[5] > by_weekday[2]  # Saturday above Wednesday
    assert by_weekday[6] < min(by_weekday[d] for d in range(6)) / 2


def test_festival_weeks_sell_above_the_median_week(demo):
    weekly = defaultdict(int)
    for day, units in _daily_units().items():
        weekly[day - timedelta(days=day.weekday())] += units
    median = statistics.median(weekly.values())
    diwali = [d for d in FESTIVAL_DATES["diwali"] if min(weekly) + timedelta(days=14) <= d <= max(weekly)]
    assert len(diwali) >= 2  # two full yearly cycles (27 months hold three Diwalis, the first at the start)
    for day in diwali:
        week_before = day - timedelta(days=day.weekday() + 7)
        assert weekly[week_before] > median, (day, weekly[week_before], median)


def test_outlet_sku_series_are_intermittent(demo):
    weeks_with_sales = defaultdict(set)
    for outlet_id, sku_id, placed in OrderLine.objects.filter(order__in=_history()).values_list(
            "order__outlet_id", "sku_id", "order__submitted_at"):
        weeks_with_sales[(outlet_id, sku_id)].add(timezone.localtime(placed).isocalendar()[:2])
    total_weeks = 117
    shares = [len(weeks) / total_weeks for weeks in weeks_with_sales.values()]
    assert statistics.median(shares) < 0.25  # most outlet × SKU weeks are zero
    assert max(shares) > 3 * statistics.median(shares)  # while a big outlet's staples sell in many weeks


def test_stockouts_lost_sales_and_expiry_alerts(demo):
    assert OrderLine.objects.filter(order__in=_history(), cancelled__gt=0).exists()  # sales lost in a stockout
    kinds = set(StockAlert.objects.values_list("kind", flat=True))
    assert {"near_expiry", "expired", "out_of_stock"} <= kinds


def test_history_orders_hold_closed_allocations_of_the_batches_they_issued(demo):
    history_lines = OrderLine.objects.filter(order__in=_history())
    allocations = OrderAllocation.objects.filter(line__in=history_lines)
    assert allocations.count() > history_lines.count() * 0.9
    assert not allocations.filter(reservation__is_open=True).exists()
    assert not allocations.exclude(delivered=F("quantity")).exists()
    assert not allocations.exclude(reservation__batch=F("batch")).exists()
    assert not allocations.exclude(reservation__quantity=F("quantity")).exists()
    per_line = dict(allocations.values("line").annotate(n=Sum("quantity")).values_list("line", "n"))
    assert per_line == dict(history_lines.filter(allocated__gt=0).values_list("pk", "allocated"))
    for order in _history().order_by("pk")[:50]:
        issued = Counter()
        for line_no, batch_id, quantity in StockMove.objects.filter(kind="sale_issue", source_type="order", source_id=str(order.pk)
                                                                   ).values_list("source_line", "batch_id", "quantity"):
            issued[(line_no, batch_id)] -= quantity
        held = Counter()
        for line_no, batch_id, quantity in OrderAllocation.objects.filter(line__order=order).values_list(
                "line__line_no", "batch_id", "quantity"):
            held[(line_no, batch_id)] += quantity
        assert held == issued, order.pk


def test_live_orders_exist_in_every_state_of_the_transition_table(demo):
    live = Counter(Order.objects.exclude(pk__in=_history()).values_list("status", flat=True))
    assert set(live) == set(ORDER_TRANSITIONS)
    submitted = Order.objects.get(status="submitted")
    assert [(e.from_status, e.to_status) for e in submitted.events.filter(kind="status")] == [("draft", "submitted")]
    assert submitted.submitted_at is not None
    assert Order.objects.filter(status="approved", awaiting_stock=True).exists()  # a back-order waiting for stock
    assert sum(live.values()) >= 36


def test_seeding_again_changes_nothing(demo, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    before = (Order.objects.count(), StockMove.objects.count(), OrderEvent.objects.count(), Outlet.objects.count())
    call_command("seed", "demo", "--scale", "tiny")
    assert "already seeded" in capsys.readouterr().out
    assert (Order.objects.count(), StockMove.objects.count(), OrderEvent.objects.count(), Outlet.objects.count()) == before


def test_history_post_refuses_a_balance_below_zero_and_writes_nothing(demo):
    balance = StockBalance.objects.filter(on_hand__gt=0).first()
    other_batch = StockBalance.objects.exclude(batch__in=StockBalance.objects.filter(
        warehouse=balance.warehouse, sku=balance.sku).values("batch")).filter(sku=balance.sku).first()
    assert other_batch is not None
    when = timezone.now() - timedelta(days=3)
    moves = [HistoricMove(balance.warehouse_id, balance.sku_id, other_batch.batch_id, 5, "receipt", when, "t:in"),
             HistoricMove(balance.warehouse_id, balance.sku_id, other_batch.batch_id, -6, "sale_issue", when + timedelta(hours=1), "t:out")]
    count = StockMove.objects.count()
    with pytest.raises(HistoryRejected, match="below zero"):
        history_post(moves=moves)
    assert StockMove.objects.count() == count


def test_history_and_live_orders_are_priced_with_the_demos_schemes(demo):
    from distra.pricing.models import SchemeBenefit, SchemeBudgetSlot, SchemeBudgetUse

    priced = demo.written["priced"]
    assert priced["orders"] > 0
    assert priced["benefits"] > 0
    history = Order.objects.filter(pk__in=SchemeBenefit.objects.values("order_id"), status="delivered").exclude(pricing={})
    assert history.exists()
    order = history.first()
    line = order.lines.exclude(pricing__applied=[]).first()
    assert line.scheme_discount > 0
    assert line.discount >= line.scheme_discount
    assert line.pricing["applied"][0]["reason"]
    assert order.total == sum(ln.total for ln in order.lines.all())
    assert SchemeBudgetUse.objects.exists()
    assert all(r >= 0 for r in SchemeBudgetSlot.objects.values_list("remaining", flat=True))
    assert OrderLine.objects.filter(order__backorder_of__isnull=True, order__status="allocated").exclude(pricing={}).exists()


def test_history_orders_carry_free_lines_with_their_stock_and_benefits(demo):
    from distra.pricing.models import SchemeBenefit

    assert demo.written["priced"]["free_lines"] > 0
    free = OrderLine.objects.filter(order__in=_history(), free_of__isnull=False).select_related("order", "free_of")
    assert {line.free_of.kind for line in free} == {"free_goods"}
    for line in free:
        assert (line.net, line.tax, line.total) == (0, 0, 0)
        assert line.gross == line.discount > 0
        assert line.pricing["free_of"]["code"] == line.free_of.code
        assert line.delivered == line.allocated
        assert line.allocated + line.cancelled == line.quantity
        issued = StockMove.objects.filter(kind="sale_issue", source_type="order", source_id=str(line.order_id),
                                          source_line=line.line_no).aggregate(s=Sum("quantity"))["s"] or 0
        assert -issued == line.delivered
        assert (OrderAllocation.objects.filter(line=line).aggregate(s=Sum("quantity"))["s"] or 0) == line.delivered
        benefits = SchemeBenefit.objects.filter(free_line=line)
        assert sum(b.free_quantity for b in benefits) == line.quantity
        assert line.order.total == sum(ln.total for ln in line.order.lines.all())
    assert free.filter(delivered__gt=0).exists()
    assert not stock_verify()


def test_each_outlets_first_history_order_gets_the_first_order_scheme(demo):
    from distra.pricing.models import SchemeBenefit

    welcomed = set(SchemeBenefit.objects.filter(scheme__kind="first_order").values_list("order_id", flat=True))
    assert welcomed
    for outlet_id in Outlet.objects.filter(orders__in=_history()).values_list("pk", flat=True).distinct()[:40]:
        first = _history().filter(outlet_id=outlet_id).order_by("created_at", "pk").first()
        assert first.pk in welcomed, outlet_id
        assert not welcomed.intersection(_history().filter(outlet_id=outlet_id).exclude(pk=first.pk).values_list("pk", flat=True))
