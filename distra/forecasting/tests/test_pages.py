"""The forecast pages: the sign-in gate, scope, the chart's data, overrides from the form."""

import pytest
from django.test import Client

from distra.forecasting import selectors, services
from distra.forecasting.models import ForecastOverride, ForecastRun

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def run(history, fake_engine):
    return services.forecast_run_now(horizon=4)


def test_pages_need_a_sign_in(run, org):
    d, s = org.distributors["D-ONE"].pk, org.skus["SKU-1"].pk
    for url in ["/forecasts", f"/forecasts/{d}/{s}", f"/forecasts/brand/{org.brand.pk}"]:
        assert client_for(None).get(url).status_code == 401


def test_series_page_has_one_chart_with_history_forecast_and_band(run, org):
    d, s = org.distributors["D-ONE"].pk, org.skus["SKU-1"].pk
    response = client_for(org.users["dist_one"]).get(f"/forecasts/{d}/{s}")
    assert response.status_code == 200
    chart = response.context["chart"]
    assert len(chart["labels"]) == 60 + 4
    assert chart["history"][59] == 16
    assert chart["history"][60] is None
    assert chart["forecast"][60:] == [16.0] * 4
    assert chart["lo"][60] == 12.8
    assert chart["hi"][60] == 19.2
    body = response.content.decode()
    assert 'id="forecast-chart"' in body
    assert "chart.umd.min.js" in body
    assert "Fake" in body
    assert "WAPE 0.2500" in body
    assert 'id="override-form"' in body


def test_pages_follow_the_scope(run, org):
    d, s = org.distributors["D-FOUR"].pk, org.skus["SKU-1"].pk
    assert client_for(org.users["dist_one"]).get(f"/forecasts/{d}/{s}").status_code == 404
    assert client_for(org.users["dist_one"]).get(f"/forecasts/brand/{org.brand.pk}").status_code == 404
    assert client_for(org.users["brand"]).get(f"/forecasts/brand/{org.brand.pk}").status_code == 200
    assert client_for(org.users["rep_del1"]).get("/forecasts").status_code == 403
    index = client_for(org.users["dist_one"]).get("/forecasts")
    assert index.status_code == 200
    assert all(s.distributor_id == org.distributors["D-ONE"].pk for s in index.context["listing"].page.object_list)


def test_override_from_the_form_and_its_refusal(run, org):
    d, s = org.distributors["D-ONE"].pk, org.skus["SKU-1"].pk
    client = client_for(org.users["dist_one"])
    week = selectors.current_week().isoformat()
    response = client.post(f"/forecasts/{d}/{s}/override", {"period_start": week, "quantity": "25", "reason": ""}, follow=True)
    assert "Say why" in response.content.decode()
    assert not ForecastOverride.objects.exists()
    client.post(f"/forecasts/{d}/{s}/override", {"period_start": week, "quantity": "25", "reason": "wedding season"})
    assert ForecastOverride.objects.get().reason == "wedding season"
    page = client.get(f"/forecasts/{d}/{s}")
    assert page.context["chart"]["override"][60] == 25.0


def test_start_a_run_from_the_page(history, org):
    client_for(org.users["dist_one"]).post("/forecasts/run")
    run = ForecastRun.objects.get()
    assert (run.status, run.distributor) == ("queued", org.distributors["D-ONE"])
    assert client_for(org.users["asm_delhi"]).post("/forecasts/run").status_code == 403
