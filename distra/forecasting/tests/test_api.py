"""The forecasting API: anonymous, other-scope and allowed answers for each endpoint."""

from datetime import timedelta

import pytest

from distra.forecasting import selectors, services
from distra.forecasting.models import ForecastOverride, ForecastRun

pytestmark = pytest.mark.django_db
BASE = "/api/v1/forecasting"


@pytest.fixture
def run(history, fake_engine):
    return services.forecast_run_now(horizon=4)


def test_anonymous_gets_401_everywhere(api, run, org):
    d, s = org.distributors["D-ONE"].pk, org.skus["SKU-1"].pk
    for path in ["/runs", f"/runs/{run.pk}", f"/series/{d}/{s}", f"/aggregates/brand/{org.brand.pk}", "/overrides"]:
        assert api(None).get(BASE + path).status_code == 401, path
    assert api(None).post(BASE + "/runs", {}).status_code == 401
    assert api(None).post(BASE + "/overrides", {}).status_code == 401


def test_series_of_a_distributor_with_history_forecast_model_and_accuracy(api, run, org):
    d, s = org.distributors["D-ONE"].pk, org.skus["SKU-1"].pk
    response = api(org.users["dist_one"]).get(f"{BASE}/series/{d}/{s}")
    assert response.status_code == 200
    body = response.json()
    assert (body["model"], body["backtest_wape"], body["run_id"], body["engine_version"]) == ("Fake", "0.2500", run.pk, "fake-1")
    assert len(body["forecast"]) == 4
    assert body["forecast"][0]["period_start"] == selectors.current_week().isoformat()
    assert {p["yhat"] for p in body["forecast"]} == {"16.00"}
    assert len(body["history"]) == 60
    assert body["history"][-1] == {"period_start": (selectors.current_week() - timedelta(weeks=1)).isoformat(), "quantity": 16}


def test_another_distributors_series_is_404(api, run, org):
    d, s = org.distributors["D-FOUR"].pk, org.skus["SKU-1"].pk
    assert api(org.users["dist_one"]).get(f"{BASE}/series/{d}/{s}").status_code == 404
    assert api(org.users["asm_mumbai"]).get(f"{BASE}/series/{d}/{s}").status_code == 200


def test_aggregates_are_seen_by_whom_they_cover(api, run, org):
    assert api(org.users["brand"]).get(f"{BASE}/aggregates/brand/{org.brand.pk}").status_code == 200
    assert api(org.users["dist_one"]).get(f"{BASE}/aggregates/brand/{org.brand.pk}").status_code == 404
    north = org.nodes["NORTH"].pk
    assert api(org.users["asm_delhi"]).get(f"{BASE}/aggregates/region/{north}").status_code == 404  # Delhi is part of North
    territory = org.nodes["T-DEL-1"].pk
    body = api(org.users["asm_delhi"]).get(f"{BASE}/aggregates/territory/{territory}").json()
    assert body["kind"] == "territory"
    assert body["forecast"][0]["yhat"] == "15.50"
    assert api(org.users["brand"]).get(f"{BASE}/aggregates/planet/{north}").status_code == 422


def test_runs_list_detail_and_start(api, run, org):
    body = api(org.users["dist_one"]).get(f"{BASE}/runs").json()
    assert [r["id"] for r in body["items"]] == [run.pk]
    detail = api(org.users["dist_one"]).get(f"{BASE}/runs/{run.pk}").json()
    assert (detail["status"], detail["percent"], detail["series_count"]) == ("succeeded", 100, 3)
    assert api(org.users["rep_del1"]).get(f"{BASE}/runs").status_code == 403
    assert api(org.users["rep_del1"]).post(f"{BASE}/runs", {"horizon": 4}).status_code == 403
    response = api(org.users["dist_one"]).post(f"{BASE}/runs", {"horizon": 4, "distributor_id": org.distributors["D-FOUR"].pk})
    assert response.status_code == 422
    assert "distributor_id" in response.json()["fields"]
    response = api(org.users["dist_one"]).post(f"{BASE}/runs", {"horizon": 4, "distributor_id": org.distributors["D-ONE"].pk})
    assert response.status_code == 202
    queued = ForecastRun.objects.get(pk=response.json()["id"])
    assert (queued.status, queued.distributor, queued.requested_by) == ("queued", org.distributors["D-ONE"], org.users["dist_one"])
    mine = api(org.users["dist_one"]).get(f"{BASE}/runs").json()["items"]
    assert {r["id"] for r in mine} == {run.pk, queued.pk}
    assert [r["id"] for r in api(org.users["dist_four"]).get(f"{BASE}/runs").json()["items"]] == [run.pk]


def test_overrides_create_list_and_refusals(api, run, org):
    d, s = org.distributors["D-ONE"].pk, org.skus["SKU-1"].pk
    week = selectors.current_week().isoformat()
    payload = {"distributor_id": d, "sku_id": s, "period_start": week, "quantity": "30", "reason": "store opening"}
    assert api(org.users["dist_four"]).post(f"{BASE}/overrides", payload).status_code == 422  # D-ONE not in its scope
    assert api(org.users["asm_delhi"]).post(f"{BASE}/overrides", payload).status_code == 403
    bad = api(org.users["dist_one"]).post(f"{BASE}/overrides", {**payload, "reason": "", "quantity": "-2"})
    assert bad.status_code == 422
    assert {"reason", "quantity"} <= set(bad.json()["fields"])
    assert not ForecastOverride.objects.exists()
    created = api(org.users["dist_one"]).post(f"{BASE}/overrides", payload)
    assert created.status_code == 201
    assert (created.json()["model_yhat"], created.json()["created_by"]) == ("16.00", "dist_one")
    series = api(org.users["dist_one"]).get(f"{BASE}/series/{d}/{s}").json()
    assert series["forecast"][0]["override"] == "30.00"
    assert series["forecast"][0]["yhat"] == "16.00"
    assert len(api(org.users["brand"]).get(f"{BASE}/overrides").json()["items"]) == 1
    assert api(org.users["dist_four"]).get(f"{BASE}/overrides").json()["items"] == []
