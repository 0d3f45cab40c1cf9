"""Stock alerts on the database: raised once while a condition lasts, resolved when it ends,
acknowledged by people, evaluated after movements commit and by the daily check; thresholds and
supply terms as master data."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from distra.core.errors import DomainError, Forbidden, NotFound
from distra.inventory import services, services_alerts, services_setup
from distra.inventory.models import Batch, StockAlert, StockThreshold, SupplyTerm
from distra.inventory.selectors import supply_terms_for, thresholds_for
from distra.inventory.tasks import check_stock_alerts, evaluate_stock_alerts

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)


def evaluate(org, code="D-ONE", today=TODAY):
    return services_alerts.stock_alerts_evaluate(warehouse_id=org.warehouses[code].pk, sku_ids=[org.skus["SKU-1"].pk], today=today)


def unresolved(org):
    return sorted((a.kind, a.batch_id, a.status) for a in StockAlert.objects.exclude(status="resolved"))


def receive(org, batch, quantity, code="D-ONE"):
    return services.stock_receive(by=org.users["admin"], warehouse=org.warehouses[code], sku=org.skus["SKU-1"], batch=batch,
                                  quantity=quantity)


def reserve(org, batch, quantity, key):
    return services.stock_reserve(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], sku=org.skus["SKU-1"], batch=batch,
                                  quantity=quantity, source_key=key)


def test_out_of_stock_is_raised_once_and_resolved_when_stock_returns(org, batch):
    receive(org, batch, 10)
    reservation = reserve(org, batch, 10, "o-1")
    changes = evaluate(org)
    assert [(a.kind, a.batch_id) for a in changes.raised] == [("out_of_stock", None)]
    assert "available 0" in changes.raised[0].detail
    assert evaluate(org).raised == []  # de-duplicated while it lasts
    assert unresolved(org) == [("out_of_stock", None, "open")]
    services.stock_release(by=org.users["admin"], reservation=reservation)
    changes = evaluate(org)
    assert len(changes.resolved) == 1
    assert unresolved(org) == []
    alert = StockAlert.objects.get()
    assert (alert.status, alert.resolved_at is not None) == ("resolved", True)


def test_a_condition_that_returns_raises_a_new_alert(org, batch):
    receive(org, batch, 10)
    reservation = reserve(org, batch, 10, "o-1")
    evaluate(org)
    services.stock_release(by=org.users["admin"], reservation=reservation)
    evaluate(org)
    reserve(org, batch, 10, "o-2")
    evaluate(org)
    assert list(StockAlert.objects.order_by("pk").values_list("status", flat=True)) == ["resolved", "open"]


def test_sku_without_stock_or_sales_raises_nothing(org):
    assert evaluate(org).raised == []


def test_below_reorder_level_uses_the_most_specific_threshold(org, batch):
    receive(org, batch, 30)
    StockThreshold.objects.create(category=org.skus["SKU-1"].category, reorder_level=20)
    assert evaluate(org).raised == []
    StockThreshold.objects.create(sku=org.skus["SKU-1"], distributor=org.distributors["D-ONE"], reorder_level=31)
    (alert,) = evaluate(org).raised
    assert (alert.kind, alert.detail) == ("below_reorder_level", "available 30 < reorder level 31")
    assert evaluate(org, code="D-FOUR").raised == []  # another distributor: the category row (20) applies, no stock there


def test_near_expiry_and_expired_follow_the_calendar(org, batch):
    receive(org, batch, 10)  # B-001 expires 2026-07-01
    assert evaluate(org, today=date(2026, 5, 31)).raised == []
    (near,) = evaluate(org, today=date(2026, 6, 1)).raised
    assert (near.kind, near.batch_id) == ("near_expiry", batch.pk)
    changes = evaluate(org, today=date(2026, 7, 1))
    assert [(a.kind, a.batch_id) for a in changes.raised] == [("expired", batch.pk)]
    assert changes.resolved == [StockAlert.objects.get(kind="near_expiry").pk]
    assert unresolved(org) == [("expired", batch.pk, "open")]


@pytest.fixture
def fresh(org):
    """A batch that expires long after today."""
    return Batch.objects.create(sku=org.skus["SKU-1"], batch_number="FRESH", manufactured_on=timezone.localdate(),
                                expires_on=timezone.localdate() + timedelta(days=3650))


def test_overstock_from_days_of_cover(org, fresh):
    batch = fresh
    receive(org, batch, 1000)
    reservation = reserve(org, batch, 28, "o-1")
    services.stock_issue_reserved(by=org.users["admin"], reservation=reservation, quantity=28)  # 1 a day: 972 days of cover
    (alert,) = evaluate(org, today=timezone.localdate()).raised
    assert (alert.kind, alert.detail) == ("overstock", "972.0 days of cover > 90")


def test_acknowledge_records_who_and_keeps_the_alert_unresolved(org, batch):
    receive(org, batch, 5)
    reserve(org, batch, 5, "o-1")
    (alert,) = evaluate(org).raised
    alert = StockAlert.objects.get()
    acknowledged = services_alerts.stock_alert_acknowledge(by=org.users["dist_one"], alert=alert)
    assert (acknowledged.status, acknowledged.acknowledged_by) == ("acknowledged", org.users["dist_one"])
    assert evaluate(org).raised == []  # still the same condition: no new alert
    assert unresolved(org) == [("out_of_stock", None, "acknowledged")]


def test_acknowledge_refuses_resolved_out_of_scope_and_roles_without_permission(org, batch):
    receive(org, batch, 5)
    reservation = reserve(org, batch, 5, "o-1")
    evaluate(org)
    alert = StockAlert.objects.get()
    with pytest.raises(NotFound):
        services_alerts.stock_alert_acknowledge(by=org.users["dist_four"], alert=alert)
    with pytest.raises(Forbidden):
        services_alerts.stock_alert_acknowledge(by=org.users["rep_del1"], alert=alert)
    assert StockAlert.objects.get().status == "open"
    services.stock_release(by=org.users["admin"], reservation=reservation)
    evaluate(org)
    with pytest.raises(DomainError) as exc:
        services_alerts.stock_alert_acknowledge(by=org.users["admin"], alert=alert)
    assert (exc.value.code, exc.value.status) == ("alert_resolved", 409)


def test_movements_enqueue_one_evaluation_per_warehouse_after_commit(org, batch, batch2, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.stock_count_post(by=org.users["admin"], warehouse=org.warehouses["D-ONE"], counted={batch.pk: 4, batch2.pk: 6})
    assert len(callbacks) == 1  # one flush for the transaction, not one per move
    (task,) = DBTaskResult.objects.filter(task_path="distra.inventory.tasks.evaluate_stock_alerts")
    assert task.args_kwargs["args"] == [org.warehouses["D-ONE"].pk, [org.skus["SKU-1"].pk]]


def test_a_refused_movement_enqueues_nothing(org, batch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(DomainError):
        reserve(org, batch, 5, "o-1")
    assert callbacks == []


def test_the_tasks_evaluate(org, fresh):
    batch = fresh
    receive(org, batch, 5)
    reserve(org, batch, 5, "o-1")
    assert evaluate_stock_alerts.call(org.warehouses["D-ONE"].pk, [org.skus["SKU-1"].pk]) == {"raised": 1, "resolved": 0}
    old = Batch.objects.create(sku=org.skus["SKU-1"], batch_number="OLD", manufactured_on=date(2024, 1, 1),
                               expires_on=timezone.localdate() - timedelta(days=1))
    receive(org, old, 3, code="D-FOUR")
    assert check_stock_alerts.call() == {"raised": 1, "resolved": 0}
    assert StockAlert.objects.filter(kind="expired", warehouse=org.warehouses["D-FOUR"], batch=old).count() == 1


def test_daily_check_is_scheduled():
    from distra.config.schedule import PERIODIC_TASKS

    assert "distra.inventory.tasks.check_stock_alerts" in {p.task for p in PERIODIC_TASKS}


def test_at_most_one_unresolved_alert_per_condition_in_the_database(org, batch):
    from django.db import IntegrityError, transaction

    now = timezone.now()
    fields = {"kind": "near_expiry", "warehouse": org.warehouses["D-ONE"], "sku": org.skus["SKU-1"], "batch": batch, "raised_at": now}
    StockAlert.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockAlert.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockAlert.objects.create(**{**fields, "kind": "overstock"})  # a SKU-level kind has no batch


# Supply terms and thresholds ------------------------------------------------------------------------

@override_settings(DISTRA_DEFAULT_LEAD_TIME_DAYS=7)
def test_supply_terms_default_to_a_week_and_one_case(org):
    terms = supply_terms_for(org.distributors["D-ONE"], org.skus["SKU-1"])
    assert (terms.lead_time_days, terms.min_order_quantity, terms.configured) == (7, 48, False)


def test_supply_term_upsert_creates_then_updates(org):
    row, created = services_setup.supply_term_upsert(by=org.users["brand"], distributor=org.distributors["D-ONE"],
                                                     sku=org.skus["SKU-1"], lead_time_days=3, min_order_quantity=96)
    assert created
    row, created = services_setup.supply_term_upsert(by=org.users["admin"], distributor=org.distributors["D-ONE"],
                                                     sku=org.skus["SKU-1"], lead_time_days=5, min_order_quantity=48)
    assert not created
    terms = supply_terms_for(org.distributors["D-ONE"], org.skus["SKU-1"])
    assert (terms.lead_time_days, terms.min_order_quantity, terms.configured) == (5, 48, True)
    assert SupplyTerm.objects.count() == 1


@pytest.mark.parametrize(("changes", "field"), [({"lead_time_days": -1}, "lead_time_days"), ({"lead_time_days": 366}, "lead_time_days"),
                                                ({"min_order_quantity": 0}, "min_order_quantity")])
def test_bad_supply_term_is_422_and_writes_nothing(org, changes, field):
    args = {"lead_time_days": 3, "min_order_quantity": 10, **changes}
    with pytest.raises(DomainError) as exc:
        services_setup.supply_term_upsert(by=org.users["admin"], distributor=org.distributors["D-ONE"], sku=org.skus["SKU-1"], **args)
    assert (exc.value.status, list(exc.value.fields)) == (422, [field])
    assert not SupplyTerm.objects.exists()


def test_distributor_users_may_not_set_supply_terms(org):
    with pytest.raises(Forbidden):
        services_setup.supply_term_upsert(by=org.users["dist_one"], distributor=org.distributors["D-ONE"], sku=org.skus["SKU-1"],
                                          lead_time_days=3, min_order_quantity=10)
    assert not SupplyTerm.objects.exists()


def test_distributor_sets_thresholds_of_its_own_only(org):
    sku = org.skus["SKU-1"]
    row, created = services_setup.stock_threshold_upsert(by=org.users["dist_one"], sku=sku, distributor=org.distributors["D-ONE"],
                                                         reorder_level=12)
    assert created
    with pytest.raises(NotFound):
        services_setup.stock_threshold_upsert(by=org.users["dist_one"], sku=sku, distributor=org.distributors["D-FOUR"], reorder_level=1)
    with pytest.raises(Forbidden):
        services_setup.stock_threshold_upsert(by=org.users["dist_one"], sku=sku, reorder_level=1)
    assert list(StockThreshold.objects.values_list("reorder_level", flat=True)) == [12]
    sku = type(sku).objects.select_related("category").get(pk=sku.pk)
    assert thresholds_for(distributor_id=org.distributors["D-ONE"].pk, skus=[sku])[sku.pk].reorder_level == 12


def test_threshold_needs_a_target_and_not_both_sku_and_category(org):
    sku = org.skus["SKU-1"]
    with pytest.raises(DomainError) as exc:
        services_setup.stock_threshold_upsert(by=org.users["brand"], sku=sku, category=sku.category, reorder_level=1)
    assert list(exc.value.fields) == ["category_id"]
    with pytest.raises(DomainError) as exc:
        services_setup.stock_threshold_upsert(by=org.users["brand"], reorder_level=1)
    assert list(exc.value.fields) == ["__all__"]
    assert not StockThreshold.objects.exists()
