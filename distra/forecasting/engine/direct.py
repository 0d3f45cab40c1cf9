"""``lgbm_direct``: one LightGBM model that forecasts every step of the horizon directly, beside the
recursive global members (models.py).

The recursive members predict one period and feed it back as a lag; their errors compound over the
horizon. This member learns, from many past forecast origins of the history, what the sales
``k`` periods after an origin were, knowing only what was known at that origin: the recent sales
(lags, means over several windows, the mean of the same season position), how the series' groups
(the sums over each text attribute: store, item, department, agency, SKU...) moved, the series'
share of them, and the calendar, step ``k`` and known-in-advance exogenous values of the target
period. One model covers all steps (``k`` is a feature), so it costs one fit, not one per step.

Origins step back from the history's last period by a whole season (daily: every 7 days, so each
step lands on the same weekday as in the forecast) over the last ORIGINS periods; a series
counts from one ``max(horizon, season)`` of history after its first sale. With too short a history
for one origin the member forecasts NaN, which the pipeline fills like any missing member forecast.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .calendar import calendar_features
from .fast import dense

NAME = "lgbm_direct"
# Recent lags and the windows of the recent means, by frequency.
LAGS = {"D": 7, "W": 4, "M": 6}
MEANS = {"D": (7, 14, 28, 56, 112, 364), "W": (4, 8, 13, 26, 52), "M": (3, 6, 12, 24)}
# The origins step back by this many periods (a season for daily data: same weekdays).
STEP = {"D": 7, "W": 1, "M": 1}
YEAR = {"D": 364, "W": 52, "M": 12}
# How far back the origins reach.
ORIGINS = {"D": 2 * 365, "W": 3 * 52, "M": 10 * 12}


def predict_direct(train: pd.DataFrame, spec, future: pd.DataFrame | None) -> pd.DataFrame:
    """unique_id, t, lgbm_direct: the horizon after the last period of ``train`` (every series ends
    there), from the model fitted on the origins of ``train``."""
    from lightgbm import LGBMRegressor

    last_t = int(train["t"].max())
    recent = train.loc[train["t"] > last_t - ORIGINS[spec.freq] - YEAR[spec.freq] - spec.horizon]
    ids, y = dense(recent)
    n, h = y.shape[1], spec.horizon
    first_t = last_t - n + 1
    exog = {c: _dense_like(recent, c, ids, n) for c in spec.exogenous}
    groups = _group_codes(ids, spec.static)
    built = Features(y, ids, groups, exog, spec)
    cal = calendar_features(np.arange(first_t, last_t + h + 1), spec.grid, spec.holidays).set_index("t")
    start = max(YEAR[spec.freq], spec.season, h)
    origins = range(n - 1 - h, start - 1, -STEP[spec.freq])
    rows, target = [], []
    for j in origins:
        at_origin = built.origin(j)
        started = ~np.isnan(y[:, j - min(max(h, spec.season), j)])
        for k in range(1, h + 1):
            keep = started & ~np.isnan(y[:, j + k])
            rows.append(built.step(at_origin, j, k, cal.loc[first_t + j + k], {c: v[:, j + k] for c, v in exog.items()})[keep])
            target.append(y[keep, j + k])
    out = pd.DataFrame({"unique_id": np.repeat(ids, h), "t": np.tile(np.arange(last_t + 1, last_t + 1 + h), len(ids))})
    if not sum(len(r) for r in rows):  # too short a history for one origin: the caller fills the gap
        return out.assign(**{NAME: np.nan})
    x = pd.concat(rows, ignore_index=True)
    model = LGBMRegressor(objective="tweedie", tweedie_variance_power=1.2, n_estimators=400, learning_rate=0.05, num_leaves=63,
                          min_child_samples=50, subsample=0.8, subsample_freq=1, colsample_bytree=0.8, n_jobs=spec.n_jobs,
                          verbose=-1, random_state=2)
    model.fit(x, np.concatenate(target), categorical_feature=list(groups))
    at_origin = built.origin(n - 1)
    ahead = _future_exog(future, spec.exogenous, ids, last_t, h)
    pred = np.column_stack([model.predict(built.step(at_origin, n - 1, k, cal.loc[last_t + k], {c: v[:, k - 1] for c, v in ahead.items()})[x.columns])
                            for k in range(1, h + 1)])
    return out.assign(**{NAME: pred.ravel()})


class Features:
    """The feature rows of every series at an origin (column ``j`` of the dense matrix) and for a
    step ``k`` after it."""

    def __init__(self, y: np.ndarray, ids: np.ndarray, groups: dict[str, np.ndarray], exog: dict[str, np.ndarray], spec):
        self.y, self.groups, self.exog, self.spec = y, groups, exog, spec
        filled = np.nan_to_num(y)
        self.filled = filled
        self.cum = _cumsum(filled)
        self.group_cum = {name: _cumsum(_group_sums(filled, codes)) for name, codes in groups.items()}

    def origin(self, j: int) -> pd.DataFrame:
        freq, y = self.spec.freq, self.y
        short, long = MEANS[freq][2], MEANS[freq][4] if len(MEANS[freq]) > 4 else MEANS[freq][-1]
        out = {f"lag{lag}": y[:, j - lag + 1] for lag in range(1, LAGS[freq] + 1)}
        for window in MEANS[freq]:
            out[f"mean{window}"] = _mean(self.cum, j, window)
        out["zero_share"] = (self.filled[:, max(j - short + 1, 0):j + 1] == 0).mean(axis=1)
        for name, cum in self.group_cum.items():
            level = _mean(cum, j, short)
            with np.errstate(all="ignore"):
                out[f"{name}_recent"] = _mean(cum, j, MEANS[freq][0]) / level
                out[f"{name}_trend"] = level / _mean(cum, j, long)
                out[f"{name}_share"] = _mean(self.cum, j, short) / level
        for column, values in self.exog.items():
            with np.errstate(all="ignore"), warnings.catch_warnings():  # a series with no value yet: NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                out[f"{column}_origin"] = values[:, j] / np.nanmean(values[:, max(j - YEAR[freq], 0):j + 1], axis=1)
        for name, codes in self.groups.items():
            out[name] = codes
        return pd.DataFrame(out)

    def step(self, at_origin: pd.DataFrame, j: int, k: int, cal: pd.Series, exog: dict[str, np.ndarray]) -> pd.DataFrame:
        """``at_origin`` with the step, the target period's calendar and exogenous values, the mean
        of the same season position over the last 4 and 8 seasons before the origin, and the
        value a year before the target."""
        season, filled = self.spec.season, self.filled
        same = j + k - season * ((k + season - 1) // season)
        extra = {"step": k, **{c: cal[c] for c in cal.index}}
        extra["same_season4"] = filled[:, [max(same - season * q, 0) for q in range(4)]].mean(axis=1)
        extra["same_season8"] = filled[:, [max(same - season * q, 0) for q in range(8)]].mean(axis=1)
        back = j + k - YEAR[self.spec.freq]
        extra["year_ago"] = self.y[:, back] if back >= 0 else np.nan
        for column, values in exog.items():
            extra[column] = values
        return at_origin.assign(**extra)


def _cumsum(values: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros((values.shape[0], 1)), np.cumsum(values, axis=1)], axis=1)


def _mean(cum: np.ndarray, j: int, window: int) -> np.ndarray:
    """Mean of the ``window`` columns ending at ``j`` (zeros before a series starts)."""
    return (cum[:, j + 1] - cum[:, max(j + 1 - window, 0)]) / window


def _group_codes(ids: np.ndarray, static: pd.DataFrame | None) -> dict[str, np.ndarray]:
    if static is None:
        return {}
    return {column: pd.Categorical(static[column].reindex(ids)).codes for column in static.columns}


def _group_sums(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Each row replaced by the sum of the rows of its group."""
    sums = np.zeros((codes.max() + 1, values.shape[1]))
    np.add.at(sums, codes, values)
    return sums[codes]


def _dense_like(train: pd.DataFrame, column: str, ids: np.ndarray, width: int) -> np.ndarray:
    wide = train.pivot(index="unique_id", columns="t", values=column).reindex(ids)
    out = wide.ffill(axis=1).to_numpy(dtype=float)
    return np.concatenate([np.full((len(ids), width - out.shape[1]), np.nan), out], axis=1) if out.shape[1] < width else out[:, -width:]


def _future_exog(future: pd.DataFrame | None, columns: list[str], ids: np.ndarray, last_t: int, horizon: int) -> dict[str, np.ndarray]:
    out = {}
    for column in columns:
        wide = future.pivot(index="unique_id", columns="t", values=column).reindex(index=ids, columns=np.arange(last_t + 1, last_t + 1 + horizon))
        out[column] = wide.to_numpy(dtype=float)
    return out
