"""The model set: statsforecast's local models and one mlforecast LightGBM model across series
(recursive; the direct LightGBM member is in direct.py).

statsforecast, mlforecast and LightGBM are imported inside the functions that use them, so that
Django and the rest of the test suite never pay their import cost.

Every member predicts, for series on the integer period index ``t``, the ``horizon`` periods after
each series' last period; calendar features (weekday, month, week of year, festivals) come from the
real dates through ``Grid`` (calendar.py).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .calendar import calendar_features

# How much history the local models read: older periods cost time and rarely help.
STAT_WINDOW = {"D": 2 * 365, "W": 4 * 52, "M": 10 * 12}
# Above this many series only the vectorised models and the global model run.
LOCAL_LIMIT = 3000
# How much history the global model learns from, per series.
GLOBAL_WINDOW = {"D": 3 * 365, "W": 3 * 52, "M": 10 * 12}


@dataclass
class Spec:
    """What the members need to know about the job."""

    freq: str
    season: int
    horizon: int
    grid: object
    exogenous: list[str] = field(default_factory=list)
    holidays: pd.DataFrame | None = None
    n_jobs: int = 1
    use_global: bool = True
    static: pd.DataFrame | None = None
    refit: bool = True  # False: the final forecast reuses the global model fitted in the backtest
    fitted_global: dict = field(default_factory=dict)
    series: pd.Index | None = None  # every modelled series, for the series category
    members: set[str] | None = None  # only these members (None: all); the final fit needs the chosen ones only

    def wants(self, name: str) -> bool:
        return self.members is None or name in self.members


def stat_models(spec: Spec) -> list:
    """statsforecast models by frequency (aliases are the member names shown to users). The simple
    ones (naive, seasonal naive, moving averages, TSB) are in fast.py, vectorised."""
    from statsforecast.models import IMAPA, AutoETS, AutoTheta, SimpleExponentialSmoothingOptimized

    if spec.freq == "D":
        out = [IMAPA(alias="imapa"), AutoETS(season_length=spec.season, alias="auto_ets")]
    elif spec.freq == "W":
        # AutoETS drops seasons above 24: the 52-week season comes from the seasonal window
        # average (fast.py) and the global model (week of year, lag 52).
        out = [IMAPA(alias="imapa"), SimpleExponentialSmoothingOptimized(alias="ses")]
    else:
        out = [IMAPA(alias="imapa"), AutoETS(season_length=spec.season, alias="auto_ets"),
               AutoTheta(season_length=spec.season, alias="auto_theta")]
    return [model for model in out if spec.wants(model.alias)]


def predict_local(train: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """Forecasts of every local model: unique_id, t and one column per model alias. The
    statsforecast models run only up to LOCAL_LIMIT series (they fit one series at a time)."""
    from .fast import predict_fast

    last_t = int(train["t"].max())
    recent = train.loc[train["t"] > last_t - STAT_WINDOW[spec.freq], ["unique_id", "t", "y"]]
    out = predict_fast(recent, spec.freq, spec.season, spec.horizon)
    out = out[[c for c in out.columns if c in ("unique_id", "t") or spec.wants(c)]]
    if recent["unique_id"].nunique() > LOCAL_LIMIT or not stat_models(spec):
        return out
    from statsforecast import StatsForecast
    from statsforecast.models import Naive

    sf = StatsForecast(models=stat_models(spec), freq=1, n_jobs=spec.n_jobs, fallback_model=Naive())
    with warnings.catch_warnings():  # short series: statsforecast warns per series, the fallbacks cover them
        warnings.simplefilter("ignore")
        stats = sf.forecast(df=recent.rename(columns={"t": "ds"}), h=spec.horizon).rename(columns={"ds": "t"})
    return out.merge(stats, on=["unique_id", "t"], how="left")


def global_features(spec: Spec) -> tuple[list[int], dict]:
    """Lags and rolling means of the global model, by frequency."""
    from mlforecast.lag_transforms import RollingMean

    if spec.freq == "D":
        return [1, 2, 3, 7, 14, 28], {1: [RollingMean(7), RollingMean(28)], 7: [RollingMean(7), RollingMean(28)],
                                      28: [RollingMean(28), RollingMean(112)]}
    if spec.freq == "W":
        return [1, 2, 4, spec.season], {1: [RollingMean(4), RollingMean(13)]}
    return [1, 2, 3, spec.season], {1: [RollingMean(3), RollingMean(6)]}


def global_frame(rows: pd.DataFrame, spec: Spec, cal: pd.DataFrame, series_code: bool) -> pd.DataFrame:
    """Rows with their calendar features and the series' text attributes (and, for the variant
    that learns each series' own level, the series itself) as categories."""
    out = rows.merge(cal, on="t", how="left")
    if spec.static is not None:
        for column in spec.static.columns:
            out[column] = pd.Categorical(out["unique_id"].map(spec.static[column]), categories=spec.static[column].dropna().unique())
    if series_code:
        out["series"] = pd.Categorical(out["unique_id"], categories=spec.series)
    return out.rename(columns={"t": "ds"})


def global_variants(spec: Spec) -> dict[str, bool]:
    """The global members: ``lgbm`` learns from the series' attributes; ``lgbm_series`` also from
    which series it is (a category per series: up to LOCAL_LIMIT series)."""
    if spec.series is not None and len(spec.series) <= LOCAL_LIMIT:
        variants = {"lgbm": False, "lgbm_series": True}
    else:
        variants = {"lgbm": False}
    return {name: series_code for name, series_code in variants.items() if spec.wants(name)}


def wants_direct(spec: Spec) -> bool:
    """The direct global member (direct.py) runs up to LOCAL_LIMIT series (one fit per backtest
    window and one final: it cannot reuse the backtest's model)."""
    from .direct import NAME

    return spec.series is not None and len(spec.series) <= LOCAL_LIMIT and spec.wants(NAME)


def predict_global(train: pd.DataFrame, spec: Spec, future: pd.DataFrame | None) -> pd.DataFrame:
    """LightGBM models (tweedie loss, for counts with many zeros) across all series, predicting
    recursively: unique_id, t, one column per variant. With ``spec.refit`` False, the models fitted
    by an earlier call (the backtest's) forecast from the new history without being fitted again."""
    last_t = int(train["t"].max())
    columns = ["unique_id", "t", "y", *spec.exogenous]
    recent = train.loc[train["t"] > last_t - GLOBAL_WINDOW[spec.freq], columns]
    horizon_t = np.arange(last_t + 1, last_t + 1 + spec.horizon)
    cal = calendar_features(np.concatenate([recent["t"].unique(), horizon_t]), spec.grid, spec.holidays)
    ids = recent["unique_id"].unique()
    x = pd.DataFrame({"unique_id": np.repeat(ids, spec.horizon), "t": np.tile(horizon_t, len(ids))}).merge(cal, on="t")
    if spec.exogenous:
        x = x.merge(future[["unique_id", "t", *spec.exogenous]], on=["unique_id", "t"], how="left")
    out = None
    seeds = {"lgbm": 0, "lgbm_series": 1}  # each variant keeps its seed whichever others run
    for name, series_code in global_variants(spec).items():
        seed = seeds[name]
        frame = global_frame(recent, spec, cal, series_code)
        fcst = spec.fitted_global.get(name)
        if fcst is None or spec.refit:
            fcst = spec.fitted_global[name] = fit_global(frame, spec, name, seed, series_code)
            new_df = None
        else:
            new_df = frame
        pred = fcst.predict(spec.horizon, X_df=x.rename(columns={"t": "ds"}), new_df=new_df).rename(columns={"ds": "t"})
        out = pred if out is None else out.merge(pred, on=["unique_id", "t"])
    return out.reset_index(drop=True)


def fit_global(frame: pd.DataFrame, spec: Spec, name: str, seed: int, series_code: bool):
    from lightgbm import LGBMRegressor
    from mlforecast import MLForecast

    model = LGBMRegressor(objective="tweedie", tweedie_variance_power=1.1, n_estimators=300, learning_rate=0.05,
                          num_leaves=63, min_child_samples=40, subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
                          n_jobs=spec.n_jobs, verbose=-1, random_state=seed)
    lags, transforms = global_features(spec)
    statics = (list(spec.static.columns) if spec.static is not None else []) + (["series"] if series_code else [])
    fcst = MLForecast(models={name: model}, freq=1, lags=lags, lag_transforms=transforms, num_threads=1)
    return fcst.fit(frame, static_features=statics)
