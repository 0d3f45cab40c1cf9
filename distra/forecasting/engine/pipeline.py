"""``forecast()``: validate, backtest every member on the training data, choose one combination,
refit the members it uses on the whole history, combine, add prediction intervals, apply the
per-series fallbacks.

Nothing after the history's last period is ever read for fitting or choosing: the backtest windows
are the last ``n_windows × horizon`` periods of the history itself, plus, for daily data, the same
horizon 52 weeks before the end (the season the forecast is for, last year).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

from . import models as m
from .direct import predict_direct
from .errors import ForecastInputError
from .frames import DEFAULT_SEASON, Panel, check_arguments, prepare_future, prepare_history
from .metrics import per_series, scales
from .selection import choose, combo_name, demand_class

ENGINE_VERSION = "1.5"
DEFAULT_WINDOWS = {"D": 1, "W": 1, "M": 4}
# Daily data also backtest the horizon that starts this many periods before the end (52 weeks:
# same weekdays, same festivals of the year), when at least a season of history precedes it.
YEAR_BEFORE = {"D": 364}
BACKENDS = ("local",)
GLOBAL_MIN_SERIES = 20


@dataclass
class ForecastResult:
    """``forecasts``: unique_id, ds, yhat, yhat_lo_<level>, yhat_hi_<level>: exactly horizon rows per
    series, never NaN, never negative. ``models``: per series the chosen model (or
    "ensemble:a+b", or "fallback:<reason>"), its demand class and backtest WAPE/RMSSE.
    ``fallbacks``: unique_id, fallback, reason for the series not modelled. ``members``: every
    member's forecast (unique_id, ds, one column per member) for the modelled series."""

    forecasts: pd.DataFrame
    models: pd.DataFrame
    version: str
    fallbacks: pd.DataFrame
    members: pd.DataFrame
    anchor: str
    backtest: pd.DataFrame = field(default_factory=pd.DataFrame)


def forecast(history: pd.DataFrame, horizon: int, freq: str, levels: tuple[int, ...] = (80, 95),
             future: pd.DataFrame | None = None, season_length: int | None = None,
             progress: Callable[[float, str], None] | None = None, n_jobs: int = 1, backend: str = "local", *,
             holidays: pd.DataFrame | None = None, n_windows: int | None = None,
             use_global: bool | None = None, all_members: bool = False) -> ForecastResult:
    """Forecast every series of ``history`` ``horizon`` periods ahead (docs/forecasting.md).
    ``all_members``: refit every member on the whole history (for scoring each one), not only
    those the chosen combination uses."""
    report = progress or (lambda fraction, message: None)
    levels = tuple(levels)
    check_arguments(horizon, freq, levels)
    if backend not in BACKENDS:
        raise ForecastInputError("bad_backend", f"Backend {backend!r} is not available; use one of {', '.join(BACKENDS)}.", "backend")
    horizon = int(horizon)
    panel = prepare_history(history, freq)
    fut = prepare_future(future, panel, horizon)
    spec = m.Spec(freq=freq, season=int(season_length or DEFAULT_SEASON[freq]), horizon=horizon, grid=panel.grid,
                  exogenous=panel.exogenous if fut is not None else [], holidays=holidays, n_jobs=n_jobs)
    windows = int(n_windows or DEFAULT_WINDOWS[freq])
    modelled, fallback = split_series(panel, spec, windows)
    n_series = modelled["unique_id"].nunique()
    spec.use_global = use_global if use_global is not None else n_series >= GLOBAL_MIN_SERIES
    spec.static, spec.refit = panel.static, n_series <= m.LOCAL_LIMIT
    spec.series = pd.Index(modelled["unique_id"].unique())
    report(0.05, "history checked")
    frames, models = [], []
    if len(modelled):
        bt = run_backtest(modelled, panel, spec, windows, report)
        members = [c for c in bt.columns if c not in ("unique_id", "t", "cutoff", "y")]
        train = modelled[modelled["t"] <= int(bt["cutoff"].max())]
        chosen, _ = choose(bt, members, scales(train)["mse"])
        report(0.6, "fitting on the whole history")
        spec.members = None if all_members else {name for combo in set(chosen) for name in combo}
        final = predict_members(modelled, spec, fut)
        frames.append(combine(final, chosen, bt, levels))
        models.append(chosen_table(chosen, bt, scales(train), demand_class(train)))
    else:
        final, bt = pd.DataFrame(columns=["unique_id", "t"]), pd.DataFrame()
    if len(fallback):
        frames.append(fallback_forecasts(panel, fallback, spec, levels))
        models.append(pd.DataFrame({"unique_id": fallback["unique_id"], "model": "fallback:" + fallback["fallback"]}))
    report(1.0, "done")
    return ForecastResult(
        forecasts=to_dates(pd.concat(frames, ignore_index=True), panel, levels),
        models=pd.concat(models, ignore_index=True).sort_values("unique_id", ignore_index=True),
        version=ENGINE_VERSION, fallbacks=fallback.reset_index(drop=True),
        members=to_member_dates(final, panel), anchor=panel.grid.alias, backtest=bt)


def split_series(panel: Panel, spec: m.Spec, windows: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Series with enough history to backtest on the last window (horizon + a season + 1 periods
    since their first sale) are modelled; the rest get a documented fallback. A series too young
    for an earlier window is left out of that window only."""
    df = panel.df
    length = df.groupby("unique_id", sort=False)["y"].size()
    sold = df.groupby("unique_id", sort=False)["y"].max() > 0
    need = spec.horizon + spec.season + 1
    reason = pd.Series(np.where(~sold, "no_sales", np.where(length < need, "short_history", "")), index=length.index)
    fallback = pd.DataFrame({"unique_id": reason.index, "fallback": reason.to_numpy()})
    fallback = fallback[fallback["fallback"] != ""]
    fallback["reason"] = np.where(
        fallback["fallback"] == "no_sales", "no sales in the history: forecast 0",
        f"fewer than {need} periods since the first sale: average of the last {spec.season} periods")
    return df[~df["unique_id"].isin(fallback["unique_id"])], fallback.reset_index(drop=True)


def predict_members(train: pd.DataFrame, spec: m.Spec, future: pd.DataFrame | None) -> pd.DataFrame:
    out = m.predict_local(train, spec)
    if spec.use_global and m.global_variants(spec):
        out = out.merge(m.predict_global(train, spec, future), on=["unique_id", "t"], how="left")
    if spec.use_global and m.wants_direct(spec):
        out = out.merge(predict_direct(train, spec, future), on=["unique_id", "t"], how="left")
    members = [c for c in out.columns if c not in ("unique_id", "t")]
    out[members] = out[members].clip(lower=0)
    if out[members].isna().any().any():
        level = train.groupby("unique_id")["y"].apply(lambda y: y.iloc[-spec.season:].mean())
        filler = out["unique_id"].map(level)
        for column in members:
            out[column] = out[column].fillna(filler)
    return out


def backtest_cutoffs(panel: Panel, spec: m.Spec, windows: int) -> list[int]:
    """The last period before each backtest window, oldest first (the last window is fitted last,
    so a global model kept for the final forecast is the most recent one)."""
    cutoffs = {panel.last_t - k * spec.horizon for k in range(1, windows + 1)}
    year = YEAR_BEFORE.get(spec.freq)
    if year and panel.last_t - year - spec.season - 1 >= int(panel.df["t"].min()):
        cutoffs.add(panel.last_t - year)
    return sorted(cutoffs)


def run_backtest(modelled: pd.DataFrame, panel: Panel, spec: m.Spec, windows: int, report) -> pd.DataFrame:
    """Every member's forecasts of each backtest window, from data before the window only (series
    with at least a season + 1 periods there): unique_id, t, cutoff, y and one column per member."""
    frames, cutoffs = [], backtest_cutoffs(panel, spec, windows)
    for n, cutoff in enumerate(cutoffs, start=1):
        train = modelled[modelled["t"] <= cutoff]
        length = train.groupby("unique_id", sort=False)["t"].size()
        train = train[train["unique_id"].isin(length.index[length > spec.season])]
        actual = modelled[(modelled["t"] > cutoff) & (modelled["t"] <= cutoff + spec.horizon) & modelled["unique_id"].isin(length.index[length > spec.season])]
        if train.empty:
            continue
        future = actual[["unique_id", "t", *spec.exogenous]] if spec.exogenous else None
        pred = predict_members(train, spec, future)
        frames.append(pred.merge(actual[["unique_id", "t", "y"]], on=["unique_id", "t"]).assign(cutoff=cutoff))
        report(0.05 + 0.55 * n / len(cutoffs), f"backtest window {n} of {len(cutoffs)}")
    return pd.concat(frames, ignore_index=True)


def combine(final: pd.DataFrame, chosen: pd.Series, bt: pd.DataFrame, levels: tuple) -> pd.DataFrame:
    """The chosen average per series, with intervals from the chosen forecast's backtest errors
    (normal, σ = root mean squared backtest error of that series), cut at 0."""
    names = chosen.map(combo_name)
    picks = names.reindex(final["unique_id"]).to_numpy()
    bt_picks = names.reindex(bt["unique_id"]).to_numpy()
    yhat, err = np.zeros(len(final)), np.zeros(len(bt))
    for combo in set(chosen):
        rows, bt_rows = picks == combo_name(combo), bt_picks == combo_name(combo)
        yhat[rows] = final.loc[rows, list(combo)].mean(axis=1)
        err[bt_rows] = bt.loc[bt_rows, list(combo)].mean(axis=1) - bt.loc[bt_rows, "y"]
    sigma = pd.Series(err**2).groupby(bt["unique_id"].to_numpy()).mean().pow(0.5)
    return with_intervals(final[["unique_id", "t"]].assign(yhat=yhat), sigma, levels)


def with_intervals(out: pd.DataFrame, sigma: pd.Series, levels: tuple) -> pd.DataFrame:
    s = out["unique_id"].map(sigma).fillna(0).to_numpy()
    for level in levels:
        z = NormalDist().inv_cdf(0.5 + level / 200)
        out[f"yhat_lo_{level:g}"] = np.maximum(out["yhat"] - z * s, 0)
        out[f"yhat_hi_{level:g}"] = out["yhat"] + z * s
    return out


def fallback_forecasts(panel: Panel, fallback: pd.DataFrame, spec: m.Spec, levels: tuple) -> pd.DataFrame:
    """no_sales: 0. short_history: the average of the last season of periods (all there are),
    σ = their standard deviation, at least √average (Poisson-like counts)."""
    recent = panel.df[panel.df["unique_id"].isin(fallback["unique_id"])].groupby("unique_id")["y"].apply(lambda y: y.iloc[-spec.season:])
    grouped = recent.groupby(level=0)
    level, spread = grouped.mean(), grouped.std(ddof=0).fillna(0)
    sigma = np.maximum(spread, np.sqrt(level))
    ids = fallback["unique_id"].to_numpy()
    t = panel.future_t(spec.horizon)
    out = pd.DataFrame({"unique_id": np.repeat(ids, len(t)), "t": np.tile(t, len(ids))})
    out["yhat"] = out["unique_id"].map(level).fillna(0)
    return with_intervals(out, sigma, levels)


def chosen_table(chosen: pd.Series, bt: pd.DataFrame, scale: pd.DataFrame, classes: pd.Series) -> pd.DataFrame:
    rows = []
    for combo in set(chosen):
        ids = chosen.index[chosen.map(combo_name) == combo_name(combo)]
        part = bt[bt["unique_id"].isin(ids)].assign(yhat=lambda d, combo=combo: d[list(combo)].mean(axis=1))
        stats = per_series(part[["unique_id", "t", "y"]], part[["unique_id", "t", "yhat"]], scale)
        rows.append(pd.DataFrame({"unique_id": stats.index, "model": combo_name(combo),
                                  "backtest_wape": (stats["abs_error"] / stats["volume"].where(stats["volume"] > 0)).to_numpy(),
                                  "backtest_rmsse": stats["rmsse"].to_numpy()}))
    out = pd.concat(rows, ignore_index=True)
    out["demand_class"] = out["unique_id"].map(classes)
    return out


def to_dates(out: pd.DataFrame, panel: Panel, levels: tuple) -> pd.DataFrame:
    out = out.sort_values(["unique_id", "t"], ignore_index=True)
    out.insert(1, "ds", panel.grid.to_dates(out["t"].to_numpy()))
    columns = ["unique_id", "ds", "yhat"] + [f"yhat_{side}_{level:g}" for level in levels for side in ("lo", "hi")]
    return out[columns]


def to_member_dates(final: pd.DataFrame, panel: Panel) -> pd.DataFrame:
    out = final.sort_values(["unique_id", "t"], ignore_index=True)
    out.insert(1, "ds", panel.grid.to_dates(out["t"].to_numpy()))
    return out.drop(columns="t")
