"""Forecast runs as jobs: what a run stores, how it ends, and the demand outlook built on it."""

from datetime import timedelta
from decimal import Decimal

import pytest

from distra.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from distra.forecasting import selectors, services
from distra.forecasting.choices import AggregateKind, ForecastLevel, RunStatus
from distra.forecasting.models import ForecastOverride, ForecastPoint, ForecastRun, ForecastSeries

pytestmark = pytest.mark.django_db


def test_run_stores_each_distributor_sku_series_with_its_model_window_and_points(history, fake_engine, org):
    seen = []
    run = services.forecast_run_now(horizon=6, progress=lambda f, m: seen.append(f))
    assert run.status == RunStatus.SUCCEEDED
    assert run.progress == 1.0
    assert run.finished_at is not None
    assert run.engine_version == "fake-1"
    bottom = ForecastSeries.objects.filter(run=run, kind=ForecastLevel.DISTRIBUTOR_SKU)
    pairs = {(s.distributor.code, s.sku.code) for s in bottom}
    assert pairs == {("D-ONE", "SKU-1"), ("D-ONE", "SKU-2"), ("D-FOUR", "SKU-1")}
    assert run.series_count == 3
    assert run.data_to == selectors.current_week() - timedelta(weeks=1)
    assert run.data_from == selectors.current_week() - timedelta(weeks=60)
    assert run.rows_count == 60 + 60 + 59  # D-FOUR first ordered in week 1
    one = bottom.get(distributor=org.distributors["D-ONE"], sku=org.skus["SKU-1"])
    assert (one.model, one.wape) == ("Fake", Decimal("0.2500"))
    weeks = list(one.points.values_list("period_start", "yhat"))
    assert [w for w, _ in weeks] == [selectors.current_week() + timedelta(weeks=i) for i in range(6)]
    assert {y for _, y in weeks} == {Decimal("16.00")}  # 10 + 6 a week from two outlets
    assert one.error_sd == Decimal("2.50")  # (19.20 - 12.80) / (2 × 1.2816)
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_aggregates_add_up_to_the_distributor_sku_forecasts(history, fake_engine, org):
    run = services.forecast_run_now(horizon=4)
    week = selectors.current_week()

    def total(**filters):
        return sum(ForecastPoint.objects.filter(series__run=run, period_start=week, **filters).values_list("yhat", flat=True))

    bottom = total(series__kind=ForecastLevel.DISTRIBUTOR_SKU)
    assert total(series__kind=AggregateKind.BRAND) == bottom
    assert total(series__kind=AggregateKind.REGION) == bottom
    assert abs(total(series__kind=AggregateKind.TERRITORY) - bottom) <= Decimal("0.02")  # shares rounded to the cent
    north = ForecastSeries.objects.get(run=run, kind=AggregateKind.REGION, node=org.nodes["NORTH"])
    assert north.points.get(period_start=week).yhat == Decimal("16.00") + Decimal("5.50")  # D-ONE SKU-1 and SKU-2
    band = north.points.get(period_start=week)
    assert band.lo_95 <= band.lo_80 <= band.yhat <= band.hi_80 <= band.hi_95


def test_a_run_that_fails_stores_nothing_and_says_why(history, monkeypatch):
    def broken(history, run, progress):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_forecast", broken)
    run = services.forecast_run_now(horizon=4)
    assert (run.status, run.error_code) == (RunStatus.FAILED, "unexpected_error")
    assert not ForecastSeries.objects.exists()


def test_no_history_is_a_failed_run_with_a_clear_code(org, fake_engine):
    run = services.forecast_run_now(horizon=4)
    assert (run.status, run.error_code) == (RunStatus.FAILED, "no_history")


def test_a_run_is_executed_once_and_a_second_start_waits(history, fake_engine, org):
    run = services.forecast_run_start(by=org.users["brand"], horizon=4, enqueue=False)
    with pytest.raises(Conflict) as exc:
        services.forecast_run_start(by=org.users["admin"], horizon=4, enqueue=False)
    assert exc.value.code == "run_in_progress"
    assert services.forecast_run_execute(run_id=run.pk).status == RunStatus.SUCCEEDED
    assert services.forecast_run_execute(run_id=run.pk) is None
    assert ForecastSeries.objects.filter(run=run, kind=ForecastLevel.DISTRIBUTOR_SKU).count() == 3


def test_start_checks_role_scope_and_input(org):
    with pytest.raises(Forbidden):
        services.forecast_run_start(by=org.users["rep_del1"], enqueue=False)
    with pytest.raises(ValidationFailed) as exc:
        services.forecast_run_start(by=org.users["dist_one"], enqueue=False)
    assert "distributor_id" in exc.value.fields
    with pytest.raises(NotFound):
        services.forecast_run_start(by=org.users["dist_one"], distributor=org.distributors["D-FOUR"], enqueue=False)
    with pytest.raises(ValidationFailed) as exc:
        services.forecast_run_start(by=org.users["admin"], horizon=0, level="weekly", enqueue=False)
    assert set(exc.value.fields) == {"horizon", "level"}
    assert not ForecastRun.objects.exists()
    run = services.forecast_run_start(by=org.users["dist_one"], distributor=org.distributors["D-ONE"], enqueue=False)
    assert run.distributor == org.distributors["D-ONE"]


def test_stale_runs_are_marked_failed(org):
    run = services.forecast_run_start(by=None, enqueue=False)
    assert services.forecast_runs_prune(now=run.created_at + timedelta(hours=7)) == 1
    run.refresh_from_db()
    assert (run.status, run.error_code) == (RunStatus.FAILED, "interrupted")


# The outlook and overrides --------------------------------------------------------------------------

def test_outlook_from_the_current_week_with_overrides_applied(history, fake_engine, org):
    run = services.forecast_run_now(horizon=3)
    d_one, sku1 = org.distributors["D-ONE"], org.skus["SKU-1"]
    week = selectors.current_week()
    override = services.forecast_override_create(by=org.users["dist_one"], distributor=d_one, sku=sku1,
                                                 period_start=week + timedelta(weeks=1), quantity=Decimal("40"), reason="Diwali stocking")
    assert (override.model_yhat, override.run_id) == (Decimal("16.00"), run.pk)
    outlook = selectors.demand_outlook(user=org.users["dist_one"], weeks=5)
    assert set(outlook) == {(d_one.pk, sku1.pk), (d_one.pk, org.skus["SKU-2"].pk)}  # D-FOUR is out of scope
    mine = outlook[(d_one.pk, sku1.pk)]
    assert mine.weekly == [Decimal("16.00"), Decimal("40.00"), Decimal("16.00"), Decimal("16.00"), Decimal("16.00")]
    assert (mine.model, mine.run_id, mine.error_sd_weekly, mine.overridden_weeks) == ("Fake", run.pk, Decimal("2.50"), 1)
    assert mine.per_day(1) == Decimal("2.2857")
    rate = selectors.daily_demand_rate(distributor_id=d_one.pk, sku_ids=[sku1.pk], weeks=1)
    assert rate == {sku1.pk: Decimal("2.2857")}


def test_a_second_override_supersedes_the_first_which_is_kept(history, fake_engine, org):
    services.forecast_run_now(horizon=3)
    args = {"by": org.users["brand"], "distributor": org.distributors["D-ONE"], "sku": org.skus["SKU-1"],
            "period_start": selectors.current_week()}
    first = services.forecast_override_create(**args, quantity=30, reason="promotion")
    second = services.forecast_override_create(**args, quantity=25, reason="promotion cut")
    first.refresh_from_db()
    assert first.superseded_by == second
    assert first.superseded_at is not None
    assert first.quantity == Decimal("30.00")
    assert ForecastOverride.objects.filter(superseded_at__isnull=True).get() == second


def test_override_refuses_bad_input_and_other_scopes(history, org):
    d_one, sku1 = org.distributors["D-ONE"], org.skus["SKU-1"]
    week = selectors.current_week()
    with pytest.raises(ValidationFailed) as exc:
        services.forecast_override_create(by=org.users["dist_one"], distributor=d_one, sku=sku1, period_start=week + timedelta(days=1),
                                          quantity="-1", reason=" ")
    assert set(exc.value.fields) == {"period_start", "quantity", "reason"}
    with pytest.raises(ValidationFailed) as exc:
        services.forecast_override_create(by=org.users["dist_one"], distributor=d_one, sku=sku1, period_start=week - timedelta(weeks=1),
                                          quantity=5, reason="late")
    assert exc.value.fields["period_start"][0].code == "in_the_past"
    with pytest.raises(NotFound):
        services.forecast_override_create(by=org.users["dist_one"], distributor=org.distributors["D-FOUR"], sku=sku1,
                                          period_start=week, quantity=5, reason="not mine")
    with pytest.raises(Forbidden):
        services.forecast_override_create(by=org.users["rep_del1"], distributor=d_one, sku=sku1, period_start=week, quantity=5,
                                          reason="rep")
    assert not ForecastOverride.objects.exists()


def test_cli_run_stores_a_run_and_reports_it(history, fake_engine, org):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("forecast", "run", "--horizon", "4", "--distributor", "D-ONE", "--no-progress", stdout=out)
    run = ForecastRun.objects.get()
    assert (run.trigger, run.distributor, run.status) == ("cli", org.distributors["D-ONE"], RunStatus.SUCCEEDED)
    assert out.getvalue().startswith(f"Run {run.pk}: 2 series, history")
    with pytest.raises(CommandError, match="not_found"):
        call_command("forecast", "run", "--distributor", "NOPE", "--no-progress")
