"""Accuracy measures, as the M5 competition and planners use them.

- WAPE = Σ|y − ŷ| / Σ|y| over all series and periods (volume-weighted; 0 is perfect).
- RMSSE (per series) = √(mean (y − ŷ)² / mean of squared one-step differences of the training
  history), the M5 measure; MASE (per series) = mean |y − ŷ| / mean |one-step differences|.
  Training histories start at the first sale (leading zeros are dropped, as in M5).
- bias = Σ(ŷ − y) / Σ y: positive over-forecasts, negative under-forecasts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def wape(y, yhat) -> float:
    y, yhat = np.asarray(y, dtype=float), np.asarray(yhat, dtype=float)
    total = np.abs(y).sum()
    return float(np.abs(y - yhat).sum() / total) if total > 0 else float(np.abs(yhat).sum() > 0)


def bias(y, yhat) -> float:
    y, yhat = np.asarray(y, dtype=float), np.asarray(yhat, dtype=float)
    total = np.abs(y).sum()
    return float((yhat - y).sum() / total) if total > 0 else 0.0


def scales(history: pd.DataFrame) -> pd.DataFrame:
    """Per series (index unique_id): ``mse`` and ``mae`` of the one-step differences of y (rows in
    period order). A flat history gets scale 1 (its errors are then plain units)."""
    diff = history.groupby("unique_id", sort=False)["y"].diff()
    grouped = pd.DataFrame({"unique_id": history["unique_id"], "sq": diff**2, "abs": diff.abs()}).groupby("unique_id", sort=False)
    out = pd.DataFrame({"mse": grouped["sq"].mean(), "mae": grouped["abs"].mean()})
    return out.where(out > 0, 1.0).fillna(1.0)


def per_series(actual: pd.DataFrame, predicted: pd.DataFrame, scale: pd.DataFrame, column: str = "yhat") -> pd.DataFrame:
    """RMSSE, MASE, summed actual and error per series of ``actual`` (unique_id, t, y) joined to
    ``predicted`` (unique_id, t, <column>)."""
    joined = actual.merge(predicted[["unique_id", "t", column]], on=["unique_id", "t"], how="inner")
    err = joined[column] - joined["y"]
    grouped = pd.DataFrame({"unique_id": joined["unique_id"], "sq": err**2, "abs": err.abs(), "err": err, "y": joined["y"]}).groupby("unique_id")
    out = grouped.agg(mse=("sq", "mean"), mae=("abs", "mean"), abs_error=("abs", "sum"), error=("err", "sum"), volume=("y", "sum"))
    sc = scale.reindex(out.index)
    out["rmsse"] = np.sqrt(out["mse"] / sc["mse"])
    out["mase"] = out["mae"] / sc["mae"]
    return out


def summary(rows: pd.DataFrame, weights: pd.Series | None = None) -> dict[str, float]:
    """Totals of ``per_series`` rows: WAPE, bias, mean RMSSE and MASE, and the weighted RMSSE when
    weights (per unique_id) are given (they are rescaled to sum to 1)."""
    volume = rows["volume"].sum()
    out = {
        "wape": float(rows["abs_error"].sum() / volume) if volume > 0 else float("nan"),
        "bias": float(rows["error"].sum() / volume) if volume > 0 else float("nan"),
        "rmsse": float(rows["rmsse"].mean()),
        "mase": float(rows["mase"].mean()),
    }
    if weights is not None:
        w = weights.reindex(rows.index).fillna(0.0)
        out["weighted_rmsse"] = float((rows["rmsse"] * w).sum() / w.sum())
    return out
