"""The same forecast pipeline on a Dask cluster.

The engine's costly step is fitting every member model to every series, once per backtest window
and once on the whole history (``pipeline.predict_members``); each series' member forecasts
depend only on that series when the global (cross-series) LightGBM model is off. The selection
that follows pools the backtest errors of all series (one choice for all), so it must see them
all. ``forecast_on_dask`` therefore runs the engine's own ``forecast()`` in this process and sends
only ``predict_members`` out: the series are split into partitions, each fitted on a worker, the
results put back together in order. The forecasts are exactly those of the in-process
``forecast(..., use_global=False)`` (tested on a LocalCluster).

The engine has no hook for this yet, so the step is swapped for the duration of the call (under a
lock: one distributed run at a time per process). Use a ``distributed.Client`` of any cluster."""

from __future__ import annotations

import threading
from contextlib import contextmanager

_swap = threading.Lock()


def _partitions(frame, count: int) -> list:
    ids = sorted(frame["unique_id"].unique())
    groups = [set(ids[i::count]) for i in range(count)]
    return [frame[frame["unique_id"].isin(group)] for group in groups if group]


def _fit_partition(train, spec, future, fit):
    return fit(train, spec, future)


@contextmanager
def _members_on(client, count: int):
    import pandas as pd

    from distra.forecasting.engine import pipeline

    local = pipeline.predict_members

    def spread(train, spec, future):
        parts = _partitions(train, count)
        # ``fit`` is the engine's own step (in this process the module attribute is swapped)
        futures = client.map(_fit_partition, parts, spec=spec, future=future, fit=local, pure=False)
        out = pd.concat(client.gather(futures), ignore_index=True)
        return out.sort_values(["unique_id", "t"], ignore_index=True)

    with _swap:
        pipeline.predict_members = spread
        try:
            yield
        finally:
            pipeline.predict_members = local


def forecast_on_dask(history, horizon: int, freq: str, *, client, partitions: int | None = None, **kwargs):
    """``engine.forecast(history, horizon, freq, use_global=False, **kwargs)`` with the member
    fits spread over ``client``'s workers (``partitions``: default one per worker)."""
    from distra.forecasting.engine import forecast

    count = partitions or max(len(client.scheduler_info().get("workers", {})), 1)
    with _members_on(client, count):
        return forecast(history, horizon, freq, **{**kwargs, "use_global": False})
