import pytest

from distra.forecasting.tests.conftest import add_sku, fake_forecast, write_history


@pytest.fixture
def forecast_run(org, monkeypatch):
    """60 weeks of orders and a forecast run (stand-in engine: flat mean of the last 8 weeks):
    D-ONE sells 16 SKU-1 and 5.5 SKU-2 a week, D-FOUR 10 SKU-1 (error SD 2.50, 0.86, 1.56)."""
    from distra.forecasting import services

    add_sku(org)
    write_history(org)
    monkeypatch.setattr(services, "_forecast", lambda history, run, progress: fake_forecast(history.frame, run.horizon))
    return services.forecast_run_now(horizon=8)
