"""Loaders for bench/forecast.py: the M5 subset and Stallion as long-format histories for the
engine, split at a cut-off so that nothing after it is read for fitting or choosing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass
class Split:
    history: pd.DataFrame  # unique_id, ds, y (+ exogenous): the training data only
    actual: pd.DataFrame  # unique_id, ds, y: the held-out horizon
    future: pd.DataFrame | None  # exogenous values known in advance for the horizon
    holidays: pd.DataFrame | None
    scale: pd.Series | None = None  # M5: RMSSE denominators (official, per series)
    weight: pd.Series | None = None  # M5: level-12 weights rescaled to sum to 1


def m5(data: Path, cut_back: int = 0, horizon: int = 28) -> Split:
    """The 280 M5 series. ``cut_back=0``: train d_1..d_1913, test d_1914..d_1941 (the official
    validation horizon). ``cut_back=28``: train d_1..d_1885, test d_1886..d_1913 (an earlier
    cut-off; its RMSSE scales are recomputed from its own training part)."""
    folder = data / "m5"
    train = pd.read_csv(folder / "tiny_m5_sales_train_d1_d1913.csv")
    test = pd.read_csv(folder / "tiny_m5_sales_test_d1914_d1941.csv")
    calendar = pd.read_csv(folder / "calendar.csv", parse_dates=["date"])
    days = [c for c in train.columns if c.startswith("d_")] + [c for c in test.columns if c.startswith("d_")]
    wide = train.merge(test[["id", *[c for c in test.columns if c.startswith("d_")]]], on="id")
    values = wide[days].to_numpy(dtype=float)
    dates = calendar.set_index("d").loc[days, "date"].to_numpy()
    end = 1913 - cut_back
    long = pd.DataFrame({"unique_id": np.repeat(wide["id"].to_numpy(), len(days)), "ds": np.tile(dates, len(wide)),
                         "y": values.ravel(), "state": np.repeat(wide["state_id"].to_numpy(), len(days)),
                         "day": np.tile(np.arange(1, len(days) + 1), len(wide))})
    snap = calendar.melt(id_vars=["date"], value_vars=["snap_CA", "snap_TX", "snap_WI"], var_name="state", value_name="snap")
    snap["state"] = snap["state"].str[5:]
    long = long.merge(snap.rename(columns={"date": "ds"}), on=["ds", "state"], how="left")
    history = long[long["day"] <= end]
    actual = long[(long["day"] > end) & (long["day"] <= end + horizon)]
    events = calendar.loc[calendar["event_name_1"].notna(), ["date", "event_name_1"]].rename(columns={"date": "ds", "event_name_1": "name"})
    weights = pd.read_csv(folder / "tiny_m5_scales_weights.csv").set_index("id")
    weight = weights["official_weight_level12"] / weights["official_weight_level12"].sum()
    scale = weights["rmsse_scale_mse"] if cut_back == 0 else _m5_scale(history)
    # Known in advance: SNAP days and events (calendar), the item's store, department and category
    # (text, one per series), and its price (the last known price carried over the horizon:
    # prices of the test weeks are not in the source).
    prices = pd.read_parquet(folder / "tiny_m5_long.parquet", columns=["id", "date", "sell_price"])
    prices = prices.rename(columns={"id": "unique_id", "date": "ds"}).assign(ds=lambda d: pd.to_datetime(d["ds"]))
    history = history.merge(prices, on=["unique_id", "ds"], how="left")
    last_price = history.dropna(subset=["sell_price"]).groupby("unique_id")["sell_price"].last()
    future = actual[["unique_id", "ds", "snap"]].assign(sell_price=actual["unique_id"].map(last_price))
    attributes = wide.set_index("id")[["dept_id", "cat_id", "store_id", "item_id"]]
    history = history.join(attributes, on="unique_id")
    columns = ["unique_id", "ds", "y", "snap", "sell_price", *attributes.columns]
    return Split(history=history[columns].reset_index(drop=True),
                 actual=actual[["unique_id", "ds", "y"]].reset_index(drop=True),
                 future=future.reset_index(drop=True), holidays=events, scale=scale, weight=weight)


def _m5_scale(history: pd.DataFrame) -> pd.Series:
    """M5's RMSSE denominator: mean squared one-step difference after the leading zeros."""
    out = {}
    for uid, y in history.groupby("unique_id")["y"]:
        v = y.to_numpy()
        v = v[np.argmax(v > 0):] if (v > 0).any() else v
        out[uid] = float(np.mean(np.diff(v) ** 2)) if len(v) > 1 else 1.0
    return pd.Series(out)


def stallion(data: Path, cut_back: int = 0, horizon: int = 6) -> Split:
    """The 350 Stallion agency × SKU series, monthly on the 1st. ``cut_back=0``: test Jul-Dec 2017;
    ``cut_back=6``: test Jan-Jun 2017."""
    df = pd.read_parquet(data / "stallion" / "stallion_merged.parquet")
    df["unique_id"] = df["agency"].astype(str) + "|" + df["sku"].astype(str)
    # The agency and the SKU are series attributes (text, one per series) the global model learns
    # from; price and promotion columns are left out (they did not help LightGBM on Stallion).
    df = df.rename(columns={"date": "ds", "volume": "y"}).astype({"agency": str, "sku": str})[["unique_id", "ds", "y", "agency", "sku"]]
    df["ds"] = pd.to_datetime(df["ds"]).astype("datetime64[ns]")
    end = pd.Timestamp("2017-06-01") - pd.DateOffset(months=cut_back)
    stop = end + pd.DateOffset(months=horizon)
    history = df[df["ds"] <= end].reset_index(drop=True)
    actual = df[(df["ds"] > end) & (df["ds"] <= stop)].reset_index(drop=True)
    return Split(history=history, actual=actual[["unique_id", "ds", "y"]], future=None, holidays=None)


def weekly_synthetic(n_series: int, weeks: int = 104, seed: int = 0) -> pd.DataFrame:
    """Distributor × SKU weekly sales with a 52-week season, trend, promotions and intermittent
    slow movers: for the throughput figure only (no accuracy is claimed on it)."""
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    level = rng.lognormal(1.5, 1.0, n_series)[:, None]
    season = 1 + rng.uniform(0.1, 0.5, n_series)[:, None] * np.sin(2 * np.pi * (t[None, :] + rng.integers(0, 52, n_series)[:, None]) / 52)
    trend = 1 + rng.normal(0, 0.002, n_series)[:, None] * t[None, :]
    y = rng.poisson(np.clip(level * season * trend, 0, None))
    dates = pd.date_range("2023-01-01", periods=weeks, freq="W-SUN")
    return pd.DataFrame({"unique_id": np.repeat([f"D{i // 50:03d}|SKU{i % 50:02d}" for i in range(n_series)], weeks),
                         "ds": np.tile(dates, n_series), "y": y.ravel().astype(float)})
