"""`distra forecast fit-predict` and `backtest` end to end on tiny files (no database)."""

import io

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args):
    out = io.StringIO()
    try:
        call_command("forecast", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def sales(months=30):
    rng = np.random.default_rng(7)
    dates = pd.date_range("2021-01-01", periods=months, freq="MS")
    return pd.concat([pd.DataFrame({"unique_id": uid, "ds": dates.strftime("%Y-%m-%d"), "y": rng.poisson(level, months)})
                      for uid, level in (("A-1", 20), ("B-2", 5))], ignore_index=True)


def test_fit_predict_writes_h_rows_per_series_dated_on_the_1st(tmp_path):
    source = tmp_path / "sales.csv"
    sales().to_csv(source, index=False)
    target = tmp_path / "forecast.csv"
    code, out = run("fit-predict", "--input", str(source), "--horizon", "3", "--freq", "M", "--level", "90", "--output", str(target))
    assert code == 0, out
    written = pd.read_csv(target)
    assert list(written.columns) == ["unique_id", "ds", "yhat", "yhat_lo_90", "yhat_hi_90"]
    assert written.groupby("unique_id")["ds"].apply(list).to_dict() == {
        "A-1": ["2023-07-01", "2023-08-01", "2023-09-01"], "B-2": ["2023-07-01", "2023-08-01", "2023-09-01"]}
    assert not written.isna().any().any()
    assert "2 series × 3 periods (MS)" in out


def test_fit_predict_reads_parquet_with_exogenous_columns_and_a_future_file(tmp_path):
    history = sales().assign(promo=0.0)
    history.to_parquet(tmp_path / "sales.parquet")
    future = pd.DataFrame({"unique_id": ["A-1", "A-1", "B-2", "B-2"], "ds": ["2023-07-01", "2023-08-01"] * 2, "promo": [1.0, 0, 0, 0]})
    future.to_parquet(tmp_path / "future.parquet")
    target = tmp_path / "out.csv"
    code, out = run("fit-predict", "--input", str(tmp_path / "sales.parquet"), "--future", str(tmp_path / "future.parquet"),
                    "--horizon", "2", "--freq", "M", "--output", str(target))
    assert code == 0, out
    assert len(pd.read_csv(target)) == 4


@pytest.mark.parametrize(("rows", "message"), [
    ("unique_id,ds\nA,2024-01-01\n", "missing_columns"),
    ("unique_id,ds,y\nA,2024-01-01,1\nA,2024-01-01,2\n", "duplicate_rows"),
    ("unique_id,ds,y\nA,2024-01-01,-1\n", "negative_sales"),
    ("unique_id,ds,y\nA,yesterday,1\n", "bad_dates"),
])
def test_bad_files_print_one_line_with_the_code_and_exit_2(tmp_path, rows, message):
    source = tmp_path / "bad.csv"
    source.write_text(rows)
    code, text = run("fit-predict", "--input", str(source), "--horizon", "2", "--freq", "D", "--output", str(tmp_path / "o.csv"))
    assert code == 2
    assert text.startswith(message)
    assert "\n" not in text
    assert not (tmp_path / "o.csv").exists()


def test_a_missing_file_and_a_zero_horizon_exit_2(tmp_path):
    assert run("fit-predict", "--input", str(tmp_path / "none.csv"), "--horizon", "2", "--freq", "D", "--output", "x.csv")[0] == 2
    source = tmp_path / "sales.csv"
    sales().to_csv(source, index=False)
    code, text = run("fit-predict", "--input", str(source), "--horizon", "0", "--freq", "M", "--output", str(tmp_path / "o.csv"))
    assert (code, text.split(":")[0]) == (2, "bad_horizon")


def test_backtest_scores_each_model_and_the_selection(tmp_path):
    source = tmp_path / "sales.csv"
    sales(40).to_csv(source, index=False)
    report = tmp_path / "scores.csv"
    code, out = run("backtest", "--input", str(source), "--horizon", "3", "--freq", "M", "--output", str(report))
    assert code == 0, out
    scores = pd.read_csv(report).set_index("model")
    assert {"distra", "seasonal_naive", "naive", "auto_ets"} <= set(scores.index)
    assert list(scores.columns[:4]) == ["wape", "bias", "rmsse", "mase"]
    assert " distra " in out
    assert "WAPE" in out.splitlines()[0]
