"""Scoring forecasts against held-out actuals, and ``backtest()``: hold out the last horizon(s) of
a history, forecast them from what came before, and score every member and the selection."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from .errors import ForecastInputError
from .frames import check_arguments, prepare_history
from .metrics import per_series, scales, summary
from .pipeline import ForecastResult, forecast

SELECTION = "distra"


def evaluate(result: ForecastResult, actual: pd.DataFrame, history: pd.DataFrame, freq: str,
             weights: pd.Series | None = None, scale_mse: pd.Series | None = None) -> pd.DataFrame:
    """One row per member and one for the selection (``distra``): WAPE, bias, mean RMSSE, mean MASE
    (and weighted RMSSE with ``weights``) over the series of ``actual`` (unique_id, ds, y).
    Scales come from ``history`` (the training data) unless ``scale_mse`` is given."""
    panel = prepare_history(history[["unique_id", "ds", "y"]], freq)
    scale = scales(panel.df)
    if scale_mse is not None:
        scale["mse"] = scale_mse.reindex(scale.index).fillna(scale["mse"])
    truth = actual[["unique_id", "ds", "y"]].assign(ds=pd.to_datetime(actual["ds"]))
    truth["t"] = panel.grid.to_index(truth["ds"])
    rows = {}
    members = result.members.assign(t=lambda d: panel.grid.to_index(d["ds"]))
    for column in [c for c in result.members.columns if c not in ("unique_id", "ds")]:
        rows[column] = summary(per_series(truth, members, scale, column), weights)
    chosen = result.forecasts.assign(t=lambda d: panel.grid.to_index(d["ds"]))
    rows[SELECTION] = summary(per_series(truth, chosen, scale, "yhat"), weights)
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("model").reset_index()


def backtest(history: pd.DataFrame, horizon: int, freq: str, windows: int = 1,
             progress: Callable[[float, str], None] | None = None, **options) -> pd.DataFrame:
    """Score the engine on the last ``windows`` horizons of ``history``: for each, forecast from the
    periods before it only. One row per window and model (``distra`` = the selection)."""
    check_arguments(horizon, freq, options.get("levels", (80, 95)))
    if windows < 1:
        raise ForecastInputError("bad_windows", "Backtest at least one window.", "windows")
    panel = prepare_history(history, freq)
    dates = pd.to_datetime(history["ds"], errors="coerce", format="mixed").dt.normalize()
    t = panel.grid.to_index(dates.astype("datetime64[ns]"))
    frames = []
    for k in range(windows, 0, -1):
        cutoff = panel.last_t - k * horizon
        train, test = history[t <= cutoff], history[(t > cutoff) & (t <= cutoff + horizon)]
        if train.empty:
            raise ForecastInputError("empty_history", f"The history is too short to hold out {windows} window(s) of {horizon} periods.", "windows")
        step = windows - k

        def report(fraction, message, step=step):
            if progress:
                progress((step + fraction) / windows, f"window {step + 1} of {windows}: {message}")

        result = forecast(train, horizon, freq, progress=report, **{"all_members": True, **options})
        scores = evaluate(result, test, train, freq)
        frames.append(scores.assign(window=step + 1, cutoff=panel.grid.to_dates([cutoff])[0]))
    return pd.concat(frames, ignore_index=True)
