"""The forecast pipeline on a local Dask cluster gives the in-process forecasts. Runs in the
PostgreSQL pass only (it needs no database; it is kept out of the SQLite pass for time)."""

import numpy as np
import pandas as pd
import pytest
from django.conf import settings


def _history(series: int = 8, weeks: int = 104) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    days = pd.date_range("2024-01-01", periods=weeks, freq="W-MON")
    frames = []
    for i in range(series):
        season = 10 + 5 * np.sin(np.arange(weeks) * 2 * np.pi / 52 + i)
        y = rng.poisson(season * (1 + i % 3)) * (rng.random(weeks) > (0.5 if i % 4 == 0 else 0.0))
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "ds": days, "y": y.astype(float)}))
    return pd.concat(frames, ignore_index=True)


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="runs in the PostgreSQL pass only")
def test_dask_local_cluster_gives_the_in_process_forecasts():
    distributed = pytest.importorskip("distributed")
    from distra.forecasting.distributed import forecast_on_dask
    from distra.forecasting.engine import forecast

    history = _history()
    local = forecast(history, 8, "W", use_global=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        spread = forecast_on_dask(history, 8, "W", client=client)
    pd.testing.assert_frame_equal(spread.forecasts, local.forecasts)
    pd.testing.assert_frame_equal(spread.models, local.models)
