"""The forecast engine without a database: input checks, calendars, metrics, and one small forecast
of every frequency (statsforecast and LightGBM are imported only here, once per process)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from distra.core.errors import DomainError
from distra.forecasting.engine import ForecastInputError, forecast
from distra.forecasting.engine.frames import Grid, infer_grid, prepare_future, prepare_history
from distra.forecasting.engine.metrics import bias, per_series, scales, summary, wape

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def history(dates, ids=("A",), values=None):
    rows = [pd.DataFrame({"unique_id": uid, "ds": dates, "y": values if values is not None else np.arange(1, len(dates) + 1)})
            for uid in ids]
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize(("dates", "freq", "alias", "expected"), [
    (pd.date_range("2024-01-01", periods=10, freq="D"), "D", "D", ["2024-01-11", "2024-01-12"]),
    (pd.date_range("2024-01-07", periods=10, freq="W-SUN"), "W", "W-SUN", ["2024-03-17", "2024-03-24"]),
    (pd.date_range("2024-01-03", periods=10, freq="W-WED"), "W", "W-WED", ["2024-03-13", "2024-03-20"]),
    (pd.date_range("2023-05-01", periods=10, freq="MS"), "M", "MS", ["2024-03-01", "2024-04-01"]),
    (pd.date_range("2023-05-31", periods=10, freq="ME"), "M", "ME", ["2024-03-31", "2024-04-30"]),
])
def test_future_dates_continue_the_files_own_spacing_and_anchor(dates, freq, alias, expected):
    panel = prepare_history(history(dates), freq)
    assert panel.grid.alias == alias
    assert list(panel.grid.to_dates(panel.future_t(2)).strftime("%Y-%m-%d")) == expected


def test_monthly_data_on_the_15th_stays_on_the_15th_and_text_dates_are_read():
    dates = ["2024-01-15", "2024-02-15", "2024-03-15"]
    panel = prepare_history(history(dates), "M")
    assert list(panel.grid.to_dates(panel.future_t(1)).strftime("%Y-%m-%d")) == ["2024-04-15"]


def test_gaps_are_zero_sales_leading_zeros_are_dropped_and_series_run_to_the_last_period():
    df = pd.DataFrame({"unique_id": ["A", "A", "A", "B"], "ds": ["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-02"],
                       "y": [0, 3, 5, 2]})
    panel = prepare_history(df, "D")
    assert panel.df.groupby("unique_id")["y"].apply(list).to_dict() == {"A": [3.0, 0.0, 5.0], "B": [2.0, 0.0, 0.0]}


@pytest.mark.parametrize(("frame", "freq", "code"), [
    (pd.DataFrame({"unique_id": ["A"], "ds": ["2024-01-01"]}), "D", "missing_columns"),
    (pd.DataFrame({"unique_id": ["A", "A"], "ds": ["2024-01-01", "2024-01-01"], "y": [1, 2]}), "D", "duplicate_rows"),
    (pd.DataFrame({"unique_id": ["A", "A"], "ds": ["2024-01-01", "2024-01-02"], "y": [1, -2]}), "D", "negative_sales"),
    (pd.DataFrame({"unique_id": ["A", "A"], "ds": ["2024-01-01", "not a date"], "y": [1, 2]}), "D", "bad_dates"),
    (pd.DataFrame({"unique_id": ["A", "A"], "ds": ["2024-01-01", "2024-01-02"], "y": [1, "x"]}), "D", "bad_values"),
    (pd.DataFrame({"unique_id": ["A", "A"], "ds": ["2024-01-01", "2024-01-02"], "y": [1, None]}), "D", "missing_values"),
    (pd.DataFrame({"unique_id": ["A", "A"], "ds": ["2024-01-07", "2024-01-10"], "y": [1, 2]}), "W", "irregular_dates"),
    (pd.DataFrame({"unique_id": ["A", "A"], "ds": ["2024-01-01", "2024-02-10"], "y": [1, 2]}), "M", "irregular_dates"),
    (pd.DataFrame(columns=["unique_id", "ds", "y"]), "D", "empty_history"),
    ("not a table", "D", "not_a_table"),
])
def test_bad_input_is_a_domain_error_with_a_stable_code(frame, freq, code):
    with pytest.raises(ForecastInputError) as caught:
        prepare_history(frame, freq)
    assert caught.value.code == code
    assert isinstance(caught.value, DomainError)


@pytest.mark.parametrize(("horizon", "freq", "levels", "code"), [
    (0, "D", (80,), "bad_horizon"), (2.5, "D", (80,), "bad_horizon"), (3, "Q", (80,), "bad_frequency"),
    (3, "D", (100,), "bad_level"),
])
def test_bad_arguments_are_refused_before_any_work(horizon, freq, levels, code):
    with pytest.raises(ForecastInputError) as caught:
        forecast(history(pd.date_range("2024-01-01", periods=5)), horizon, freq, levels=levels)
    assert caught.value.code == code


def test_future_exogenous_values_must_cover_every_series_and_period():
    hist = history(pd.date_range("2024-01-01", periods=5)).assign(price=1.0)
    panel = prepare_history(hist, "D")
    partial = pd.DataFrame({"unique_id": ["A"], "ds": ["2024-01-06"], "price": [2.0]})
    with pytest.raises(ForecastInputError) as caught:
        prepare_future(partial, panel, 2)
    assert caught.value.code == "future_incomplete"
    full = pd.DataFrame({"unique_id": ["A", "A"], "ds": ["2024-01-06", "2024-01-07"], "price": [2.0, 3.0]})
    assert prepare_future(full, panel, 2)["price"].tolist() == [2.0, 3.0]


def test_weekly_dates_of_mixed_weekdays_name_the_weekdays_found():
    with pytest.raises(ForecastInputError, match="MON, SUN"):
        infer_grid(pd.Series(pd.to_datetime(["2024-01-07", "2024-01-08"])), "W")
    assert Grid("W", 6).alias == "W-SUN"


def test_metrics_against_hand_computed_values():
    assert wape([10, 0, 10], [8, 1, 13]) == pytest.approx(6 / 20)
    assert bias([10, 10], [12, 13]) == pytest.approx(5 / 20)
    train = pd.DataFrame({"unique_id": ["A"] * 4, "t": [0, 1, 2, 3], "y": [1.0, 3.0, 2.0, 4.0]})
    scale = scales(train)  # diffs 2, -1, 2: mse 3, mae 5/3
    assert scale.loc["A", "mse"] == pytest.approx(3.0)
    assert scale.loc["A", "mae"] == pytest.approx(5 / 3)
    actual = pd.DataFrame({"unique_id": ["A", "A"], "t": [4, 5], "y": [4.0, 2.0]})
    pred = pd.DataFrame({"unique_id": ["A", "A"], "t": [4, 5], "yhat": [5.0, 5.0]})  # errors 1, 3
    rows = per_series(actual, pred, scale)
    assert rows.loc["A", "rmsse"] == pytest.approx(np.sqrt(5 / 3))
    assert rows.loc["A", "mase"] == pytest.approx(2 / (5 / 3))
    assert summary(rows)["wape"] == pytest.approx(4 / 6)


@pytest.fixture(scope="module")
def weekly_result():
    rng = np.random.default_rng(3)
    dates = pd.date_range("2022-01-02", periods=110, freq="W-SUN")
    frames = [history(dates, (f"S{i}",), rng.poisson(4 + 2 * np.sin(np.arange(110) * 2 * np.pi / 52))) for i in range(24)]
    frames.append(history(dates[-4:], ("NEW",), [1, 0, 2, 1]))
    frames.append(history(dates[-4:], ("NEVER",), [0, 0, 0, 0]))
    return forecast(pd.concat(frames, ignore_index=True), 6, "W", levels=(80, 95))


def test_every_series_gets_exactly_horizon_rows_never_nan_never_negative(weekly_result):
    out = weekly_result.forecasts
    assert list(out.columns) == ["unique_id", "ds", "yhat", "yhat_lo_80", "yhat_hi_80", "yhat_lo_95", "yhat_hi_95"]
    assert out.groupby("unique_id").size().eq(6).all()
    assert out["unique_id"].nunique() == 26
    assert not out.isna().any().any()
    assert (out.drop(columns=["unique_id", "ds"]) >= 0).all().all()
    assert (out["yhat_lo_95"] <= out["yhat_lo_80"]).all()
    assert (out["yhat_hi_80"] <= out["yhat_hi_95"]).all()
    assert set(out["ds"].dt.weekday) == {6}


def test_short_and_never_sold_series_get_their_documented_fallbacks(weekly_result):
    fallbacks = weekly_result.fallbacks.set_index("unique_id")["fallback"].to_dict()
    assert fallbacks == {"NEVER": "no_sales", "NEW": "short_history"}
    out = weekly_result.forecasts.set_index("unique_id")
    assert out.loc["NEVER", "yhat"].eq(0).all()
    assert out.loc["NEW", "yhat"].eq(1.0).all()
    models = weekly_result.models.set_index("unique_id")["model"]
    assert models["NEW"] == "fallback:short_history"
    assert weekly_result.version


@pytest.mark.skipif(not (DATA / "m5").is_dir(), reason="../shared/data/m5 is absent: real-data check skipped")
def test_a_few_real_m5_series_beat_seasonal_naive():
    from distra.forecasting.engine import evaluate

    sales = pd.read_parquet(DATA / "m5" / "tiny_m5_long.parquet", columns=["id", "date", "sales"])
    ids = sorted(sales["id"].unique())[:8]
    df = sales[sales["id"].isin(ids)].rename(columns={"id": "unique_id", "date": "ds", "sales": "y"})
    df = df.assign(ds=pd.to_datetime(df["ds"]), y=df["y"].astype(float))
    df = df[df["ds"] >= "2015-01-01"]
    train, test = df[df["ds"] <= "2016-03-27"], df[df["ds"] > "2016-03-27"]
    result = forecast(train, 28, "D", use_global=False)
    scores = evaluate(result, test, train, "D").set_index("model")
    assert scores.loc["distra", "rmsse"] < scores.loc["seasonal_naive", "rmsse"]


def test_the_vectorised_simple_models_equal_statsforecasts():
    from statsforecast import StatsForecast
    from statsforecast.models import TSB, Naive, SeasonalNaive, SeasonalWindowAverage, WindowAverage

    from distra.forecasting.engine.fast import predict_fast

    rng = np.random.default_rng(0)
    frames = []
    for i in range(12):
        n = int(rng.integers(30, 60))
        y = rng.poisson(rng.uniform(0.3, 5), n).astype(float)
        y[0] = max(y[0], 1)
        frames.append(pd.DataFrame({"unique_id": f"s{i:02d}", "t": np.arange(100 - n, 100), "y": y}))
    train = pd.concat(frames, ignore_index=True)
    ours = predict_fast(train, "M", 12, 5)
    models = [Naive(), SeasonalNaive(12), WindowAverage(6), SeasonalWindowAverage(12, 2), TSB(0.1, 0.1)]
    theirs = StatsForecast(models=models, freq=1).forecast(df=train.rename(columns={"t": "ds"}), h=5).rename(columns={"ds": "t"})
    joined = ours.merge(theirs, on=["unique_id", "t"])
    pairs = {"naive": "Naive", "seasonal_naive": "SeasonalNaive", "moving_average": "WindowAverage",
             "seasonal_average": "SeasWA", "tsb": "TSB"}
    for mine, name in pairs.items():
        np.testing.assert_allclose(joined[mine], joined[name], rtol=1e-9, atol=1e-9)


def test_text_columns_with_one_value_per_series_are_series_attributes_else_an_error():
    df = pd.DataFrame({"unique_id": ["A", "A", "B"], "ds": ["2024-01-01", "2024-01-02", "2024-01-01"], "y": [1, 2, 3],
                       "store": ["north", "north", "south"], "price": [1.5, 1.5, 2.0]})
    panel = prepare_history(df, "D")
    assert panel.static["store"].to_dict() == {"A": "north", "B": "south"}
    assert panel.exogenous == ["price"]
    with pytest.raises(ForecastInputError) as caught:
        prepare_history(df.assign(store=["north", "east", "south"]), "D")
    assert caught.value.code == "bad_exogenous"


def backtest_rows(cutoff, ids, y, good, bad):
    """One window of backtest rows: member ``good`` misses by ``good`` units, ``bad`` by ``bad``."""
    steps = 4
    out = pd.DataFrame({"unique_id": np.repeat(ids, steps), "t": np.tile(np.arange(cutoff + 1, cutoff + 1 + steps), len(ids))})
    out["y"] = np.repeat(y, steps).astype(float)
    out["a"] = out["y"] + np.repeat(good, steps)
    out["b"] = out["y"] + np.repeat(bad, steps)
    return out.assign(cutoff=cutoff)


def test_one_combination_is_chosen_for_every_series_by_the_volume_weighted_backtest():
    from distra.forecasting.engine.selection import choose

    # Member a is exact on the one big series and 5 units off on nine small ones; member b the
    # reverse. The plain mean of RMSSE prefers b (4.0 against 4.5); the sales-weighted score
    # prefers a, and a serves every series.
    ids = np.array(["BIG", *[f"S{i}" for i in range(9)]])
    y = np.array([1000, *[2] * 9])
    miss_a = np.array([0, *[5] * 9])
    miss_b = np.array([40, *[0] * 9])
    bt = pd.concat([backtest_rows(100, ids, y, miss_a, miss_b), backtest_rows(104, ids, y, miss_a, miss_b)])
    chosen, table = choose(bt, ["a", "b"], pd.Series(1.0, index=ids))
    assert set(chosen.index) == set(ids)
    assert set(chosen) == {("a",)}
    assert table["scores"][("a",)] < table["scores"][("a", "b")] < table["scores"][("b",)]


def test_daily_backtest_adds_the_same_horizon_a_year_before_when_the_history_reaches_it():
    from distra.forecasting.engine import models as m
    from distra.forecasting.engine.pipeline import backtest_cutoffs

    def cutoffs(days, freq="D", season=7, horizon=28):
        panel = prepare_history(history(pd.date_range("2022-01-01", periods=days, freq="D")), "D")
        return [panel.last_t - c for c in backtest_cutoffs(panel, m.Spec(freq=freq, season=season, horizon=horizon, grid=panel.grid), 1)]

    assert cutoffs(500) == [364, 28]
    assert cutoffs(364 + 7) == [28]  # no season of history before the year-before window
    assert cutoffs(500, freq="W") == [28]


def test_the_direct_member_forecasts_every_step_from_what_was_known_at_the_origin():
    from distra.forecasting.engine import models as m
    from distra.forecasting.engine.direct import NAME, predict_direct

    # 24 daily series: a level per series, a weekly profile shared by all, Poisson noise; a store
    # attribute. Each step of the horizon should land near level × that weekday's factor.
    rng = np.random.default_rng(0)
    days, horizon = 900, 14
    level = rng.uniform(2, 20, 24)
    weekday = np.array([0.8, 0.8, 0.9, 1.0, 1.2, 1.5, 0.8])
    t = np.arange(20000, 20000 + days)
    mean = level[:, None] * weekday[(t + 3) % 7][None, :]  # t = days since 1970-01-01, a Thursday
    train = pd.DataFrame({"unique_id": np.repeat([f"S{i:02d}" for i in range(24)], days), "t": np.tile(t, 24),
                          "y": rng.poisson(mean).ravel().astype(float)})
    panel = prepare_history(history(pd.date_range("2024-01-01", periods=3), ids=("S00",)), "D")
    static = pd.DataFrame({"store": [f"st{i % 3}" for i in range(24)]}, index=pd.Index(train["unique_id"].unique(), name="unique_id"))
    spec = m.Spec(freq="D", season=7, horizon=horizon, grid=panel.grid, static=static, series=static.index)
    pred = predict_direct(train, spec, None)
    assert len(pred) == 24 * horizon
    assert not pred[NAME].isna().any()
    future_t = np.arange(t[-1] + 1, t[-1] + 1 + horizon)
    expected = (level[:, None] * weekday[(future_t + 3) % 7][None, :]).ravel()
    assert np.abs(pred[NAME].to_numpy() - expected).sum() / expected.sum() < 0.1
    # a history too short for one origin: no forecast (NaN, for the pipeline to fill), no error
    short = predict_direct(train[train["t"] < 20000 + 60], spec, None)
    assert len(short) == 24 * horizon
    assert short[NAME].isna().all()
