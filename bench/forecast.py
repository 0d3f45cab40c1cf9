"""Forecast benchmark: the engine (the same ``forecast()`` the CLI calls) on real data, beside the
baselines a planner would otherwise use, computed in the same run on the same training data.

    .venv/bin/python bench/forecast.py [--data ../shared/data] [--n-jobs 2] [--series 20000] [--skip ...]

- M5 subset (280 Walmart item × store daily series): horizon 28, test d_1914-d_1941 held out;
  RMSSE as M5 scales it (official denominators), mean and weighted by the official level-12
  weights rescaled to sum to 1. Baselines: seasonal naive (7), 28-day moving average, AutoETS
  (season 7). Also at a cut-off 28 days earlier (test d_1886-d_1913, scales from its own training).
- Stallion (350 agency × SKU monthly series): last 6 months of 2017 held out, WAPE; baselines naive,
  6-month average, AutoETS (season 12). Also 6 months earlier (test Jan-Jun 2017).
- Throughput: synthetic distributor × SKU weekly series (2 years), forecast and selected.

Prints its figures and, as the last line, one JSON object (bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the engine: LightGBM threads must not spin
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pandas as pd  # noqa: E402
from _forecast_data import Split, m5, stallion, weekly_synthetic  # noqa: E402

from distra.forecasting.engine import evaluate, forecast  # noqa: E402
from distra.forecasting.engine.frames import prepare_history  # noqa: E402
from distra.forecasting.engine.metrics import per_series, scales, summary  # noqa: E402


def baselines(split: Split, horizon: int, freq: str, season: int, models: dict, n_jobs: int) -> dict:
    """Each baseline fitted with statsforecast on the split's training data, scored on its actuals."""
    from statsforecast import StatsForecast
    from statsforecast.models import Naive

    panel = prepare_history(split.history[["unique_id", "ds", "y"]], freq)
    scale = scales(panel.df)
    if split.scale is not None:
        scale["mse"] = split.scale.reindex(scale.index).fillna(scale["mse"])
    truth = split.actual.assign(t=panel.grid.to_index(pd.to_datetime(split.actual["ds"])))
    out = {}
    for name, model in models.items():
        started = time.perf_counter()
        sf = StatsForecast(models=[model], freq=1, n_jobs=n_jobs, fallback_model=Naive())
        pred = sf.forecast(df=panel.df[["unique_id", "t", "y"]].rename(columns={"t": "ds"}), h=horizon)
        pred = pred.rename(columns={"ds": "t", pred.columns[-1]: "yhat"})
        pred["yhat"] = pred["yhat"].clip(lower=0)
        seconds = time.perf_counter() - started
        out[name] = {**summary(per_series(truth, pred, scale), split.weight), "seconds": round(seconds, 1)}
    return out


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (statsforecast's worker processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_engine(split: Split, horizon: int, freq: str, n_jobs: int) -> dict:
    started, cpu = time.perf_counter(), cpu_seconds()
    result = forecast(split.history, horizon, freq, future=split.future, holidays=split.holidays, n_jobs=n_jobs)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    scores = evaluate(result, split.actual, split.history, freq, weights=split.weight, scale_mse=split.scale).set_index("model")
    chosen = result.models["model"].value_counts().head(4).to_dict()
    return {**scores.loc["distra"].to_dict(), "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "chosen": chosen,
            "members": {name: round(row["rmsse" if freq == "D" else "wape"], 4) for name, row in scores.iterrows() if name != "distra"}}


def m5_bench(data: Path, cut_back: int, n_jobs: int) -> dict:
    from statsforecast.models import AutoETS, Naive, SeasonalNaive, WindowAverage

    split = m5(data, cut_back=cut_back)
    models = {"seasonal_naive": SeasonalNaive(7), "moving_average_28": WindowAverage(28), "naive": Naive()}
    if cut_back == 0:
        models["auto_ets"] = AutoETS(season_length=7)
    out = {"distra": run_engine(split, 28, "D", n_jobs), **baselines(split, 28, "D", 7, models, n_jobs)}
    return {name: shrink(row, ("rmsse", "weighted_rmsse")) for name, row in out.items()}


def stallion_bench(data: Path, cut_back: int, n_jobs: int) -> dict:
    from statsforecast.models import AutoETS, Naive, SeasonalNaive, WindowAverage

    split = stallion(data, cut_back=cut_back)
    models = {"naive": Naive(), "moving_average_6": WindowAverage(6), "seasonal_naive": SeasonalNaive(12),
              "auto_ets": AutoETS(season_length=12)}
    out = {"distra": run_engine(split, 6, "M", n_jobs), **baselines(split, 6, "M", 12, models, n_jobs)}
    return {name: shrink(row, ("wape",)) for name, row in out.items()}


def shrink(row: dict, keys: tuple) -> dict:
    names = {"rmsse": "mean", "weighted_rmsse": "weighted", "wape": "wape"}
    out = {names[k]: round(float(row[k]), 4) for k in keys}
    out["seconds"] = row["seconds"]
    if "cpu_seconds" in row:
        out["cpu_seconds"] = row["cpu_seconds"]
    for extra in ("chosen", "members"):
        if extra in row:
            out[extra] = row[extra]
    return out


def throughput(n_series: int, n_jobs: int) -> dict:
    history = weekly_synthetic(n_series)
    started, cpu = time.perf_counter(), cpu_seconds()
    result = forecast(history, 13, "W", n_jobs=n_jobs)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    assert len(result.forecasts) == 13 * n_series
    assert not result.forecasts.isna().any().any()
    return {"series": n_series, "weeks": 104, "horizon": 13, "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "chosen": result.models["model"].value_counts().head(3).to_dict()}


SIMPLE_BASELINES = ("naive", "seasonal_naive", "moving_average_28", "moving_average_6")


def verdict(base: dict, key: str, gain: float, lower_keys=()) -> str:
    """'beats' when the engine is ``gain`` better than the best simple baseline (naive, seasonal
    naive, moving average: the issue's generalisation check) on ``key`` and no worse on each of
    ``lower_keys``."""
    others = {k: v for k, v in base.items() if k in SIMPLE_BASELINES}
    best = min(v[key] for v in others.values())
    ok = base["distra"][key] <= best * (1 - gain) and all(base["distra"][k] <= min(v[k] for v in others.values()) for k in lower_keys)
    return f"{'beats' if ok else 'DOES NOT beat'} the best simple baseline ({best:.4f}) by {gain:.0%} on {key}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--series", type=int, default=20_000, help="Weekly series for the throughput figure")
    parser.add_argument("--skip", nargs="*", default=[], choices=["m5", "m5_earlier", "stallion", "stallion_earlier", "throughput"])
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    report = {"bench": "forecast"}
    parts = {
        "m5": lambda: m5_bench(args.data, 0, args.n_jobs),
        "m5_earlier_cutoff": lambda: m5_bench(args.data, 28, args.n_jobs),
        "stallion": lambda: stallion_bench(args.data, 0, args.n_jobs),
        "stallion_earlier_cutoff": lambda: stallion_bench(args.data, 6, args.n_jobs),
        "throughput": lambda: throughput(args.series, args.n_jobs),
    }
    skip = {name.replace("_earlier", "_earlier_cutoff") for name in args.skip}
    for name, job in parts.items():
        if name in skip:
            continue
        report[name] = job()
        print(f"\n{name}:", flush=True)
        for model, row in report[name].items() if name != "throughput" else [("distra", report[name])]:
            print(f"  {model:<20} " + "  ".join(f"{k} {v}" for k, v in row.items() if k not in ("chosen", "members")), flush=True)
    for name, key, gain, lower in (("m5_earlier_cutoff", "weighted", 0.05, ("mean",)), ("stallion_earlier_cutoff", "wape", 0.08, ())):
        if name in report:
            print(f"{name}: distra {verdict(report[name], key, gain, lower)}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
