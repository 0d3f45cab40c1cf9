"""On the order path, stock alert evaluations are coalesced: deferred a few seconds and scheduled
at most once per (warehouse, SKU) and interval, so that busy ordering enqueues a handful of tasks,
not one per order. Each ``flush`` here is what runs when one movement's transaction commits."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from distra.inventory import services_alerts

pytestmark = pytest.mark.django_db

EVALUATE = "distra.inventory.tasks.evaluate_stock_alerts"


@pytest.fixture
def coalescing(settings, monkeypatch):
    settings.DISTRA_ALERT_COALESCE_SECONDS = 5
    monkeypatch.setattr(services_alerts, "_coalesced", services_alerts._Coalesced())


def committed(*pairs):
    pending = services_alerts._Pending()
    pending.pairs.update(pairs)
    pending.flush()


def evaluations():
    return sorted((tuple(t.args_kwargs["args"][:1]) + (tuple(t.args_kwargs["args"][1]),), t.run_after)
                  for t in DBTaskResult.objects.filter(task_path=EVALUATE))


def test_transactions_in_quick_succession_schedule_one_deferred_evaluation_per_pair(coalescing):
    before = timezone.now()
    committed((1, 10), (1, 11))
    committed((1, 10))
    committed((1, 11), (1, 12), (2, 10))
    found = evaluations()
    # SKU 12 is new at warehouse 1: its evaluation also covers what moved there lately (10, 11)
    assert [args for args, _ in found] == [(1, (10, 11)), (1, (10, 11, 12)), (2, (10,))]
    assert all(before + timedelta(seconds=4) < run <= timezone.now() + timedelta(seconds=5) for _, run in found)


def test_busy_ordering_schedules_one_evaluation_per_warehouse_and_interval(coalescing):
    """Orders that each bring a SKU the last evaluation did not name: once every SKU has moved
    once, the next evaluation covers them all and later orders schedule nothing more."""
    for sku in (10, 11, 12, 13):
        committed((1, sku))
    assert len(evaluations()) == 4
    for sku in (10, 11, 12, 13, 12, 11, 10, 13):
        committed((1, sku))
    assert len(evaluations()) == 4
    assert evaluations()[-1][0] == (1, (10, 11, 12, 13))


def test_a_sku_that_has_not_moved_lately_drops_out_of_new_evaluations(coalescing, monkeypatch):
    committed((1, 10))
    clock = services_alerts.time.monotonic() + services_alerts._Coalesced.RECENT + 1
    monkeypatch.setattr(services_alerts.time, "monotonic", lambda: clock)
    committed((1, 11))
    assert [args for args, _ in evaluations()] == [(1, (10,)), (1, (11,))]


def test_a_pair_whose_evaluation_runs_within_the_margin_is_scheduled_again(coalescing, monkeypatch):
    committed((1, 10))
    clock = services_alerts.time.monotonic() + 4.5  # the scheduled evaluation runs in half a second
    monkeypatch.setattr(services_alerts.time, "monotonic", lambda: clock)
    committed((1, 10))
    assert [args for args, _ in evaluations()] == [(1, (10,)), (1, (10,))]


def test_without_coalescing_each_transaction_enqueues_at_once():
    committed((1, 10))
    committed((1, 10))
    soon = timezone.now() + timedelta(seconds=10)
    found = evaluations()
    assert [args for args, _ in found] == [(1, (10,)), (1, (10,))]
    assert not any(timezone.now() < run < soon for _, run in found)  # not deferred (the backend's "no time" is far off)
