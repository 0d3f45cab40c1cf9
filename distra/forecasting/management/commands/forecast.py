"""`distra forecast fit-predict --input FILE [--future FILE] --horizon H --freq D|W|M [--level 80 95]
--output FILE.csv`: forecasts of any long-format sales file (csv or parquet: unique_id, ds, y,
optional exogenous columns); `distra forecast backtest --input FILE --horizon H --freq D|W|M
[--windows N]`: WAPE, MASE, RMSSE and bias per model and for the selection on the last N horizons of
the file (docs/forecasting.md). Bad input prints one line and exits 2."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from distra.forecasting.run_command import add_run_parser, run_command


def read_table(path: str):
    """A csv or parquet file as a DataFrame (ids read as text)."""
    import pandas as pd

    file = Path(path)
    if not file.is_file():
        raise CommandError(f"file_not_found: no file {path}", returncode=2)
    try:
        if file.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(file)
        return pd.read_csv(file, dtype={"unique_id": str}, low_memory=False)
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file, reported in one line
        raise CommandError(f"unreadable_file: {path} cannot be read as {'parquet' if file.suffix.lower() in ('.parquet', '.pq') else 'csv'} ({exc})", returncode=2) from exc


class ProgressBar:
    """tqdm on a terminal (the engine reports fractions 0..1), silent otherwise."""

    def __init__(self, stream, enabled: bool):
        self.bar = None
        if enabled and getattr(stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=100, file=stream, bar_format="{l_bar}{bar}| {elapsed}", leave=False)

    def __call__(self, fraction: float, message: str) -> None:
        if self.bar is not None:
            self.bar.set_description_str(message[:40])
            self.bar.update(max(0, round(fraction * 100) - self.bar.n))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Command(BaseCommand):
    # A forecast of a file needs no database, URLs or other apps: skip the system checks.
    requires_system_checks: list = []
    help = "Forecast a long-format sales file (fit-predict) or measure the engine on its last periods (backtest)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        fit = sub.add_parser("fit-predict", help="Forecast every series of a sales file and write them as CSV.")
        self.common_arguments(fit)
        fit.add_argument("--future", help="csv or parquet with the exogenous columns for the horizon (unique_id, ds, ...)")
        fit.add_argument("--level", type=float, nargs="+", default=[80, 95], help="Prediction-interval levels in %% (default 80 95)")
        fit.add_argument("--output", required=True, help="CSV file to write: unique_id, ds, yhat, yhat_lo_<level>, yhat_hi_<level>")
        fit.add_argument("--models-output", help="Optional CSV of the chosen model and backtest accuracy per series")
        back = sub.add_parser("backtest", help="Score each model and the selection on the last horizon(s) of a sales file.")
        self.common_arguments(back)
        back.add_argument("--windows", type=int, default=1, help="How many final horizons to hold out, one after another (default 1)")
        back.add_argument("--output", help="Optional CSV of the scores")
        add_run_parser(sub)
        self.subparsers = sub

    @staticmethod
    def common_arguments(parser) -> None:
        parser.add_argument("--input", required=True, help="csv or parquet: unique_id, ds, y (+ optional exogenous columns)")
        parser.add_argument("--horizon", type=int, required=True, help="Periods to forecast")
        parser.add_argument("--freq", choices=["D", "W", "M"], required=True, help="D daily, W weekly, M monthly")
        parser.add_argument("--season-length", type=int, help="Periods per season (default 7 for D, 52 for W, 12 for M)")
        parser.add_argument("--n-jobs", type=int, default=1, help="Processes for the local models (default 1)")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")

    def handle(self, *args, action: str, **options):
        from distra.forecasting.engine import ForecastInputError

        bar = ProgressBar(sys.stderr, not options["no_progress"])
        try:
            if action == "run":
                run_command(self.stdout, options, bar)
            elif action == "fit-predict":
                self.fit_predict(options, bar)
            else:
                self.backtest(options, bar)
        except ForecastInputError as exc:
            raise CommandError(f"{exc.code}: {exc.message}", returncode=2) from exc
        finally:
            bar.close()

    def fit_predict(self, options: dict, bar: ProgressBar) -> None:
        from distra.forecasting.engine import forecast

        history = read_table(options["input"])
        future = read_table(options["future"]) if options["future"] else None
        levels = tuple(int(level) if float(level).is_integer() else level for level in options["level"])
        result = forecast(history, options["horizon"], options["freq"], levels=levels, future=future,
                          season_length=options["season_length"], progress=bar, n_jobs=options["n_jobs"])
        out = result.forecasts.assign(ds=result.forecasts["ds"].dt.strftime("%Y-%m-%d"))
        out.to_csv(options["output"], index=False, float_format="%.4f")
        if options["models_output"]:
            result.models.to_csv(options["models_output"], index=False, float_format="%.4f")
        counts = result.models["model"].value_counts()
        self.stdout.write(
            f"{out['unique_id'].nunique()} series × {options['horizon']} periods ({result.anchor}) written to {options['output']}; "
            f"engine {result.version}; models: " + ", ".join(f"{name} {n}" for name, n in counts.items()))

    def backtest(self, options: dict, bar: ProgressBar) -> None:
        from distra.forecasting.engine import backtest

        history = read_table(options["input"])
        scores = backtest(history, options["horizon"], options["freq"], windows=options["windows"], progress=bar,
                          season_length=options["season_length"], n_jobs=options["n_jobs"])
        if options["output"]:
            scores.to_csv(options["output"], index=False, float_format="%.4f")
        self.stdout.write(f"{'window':>6} {'model':<20} {'WAPE':>7} {'MASE':>7} {'RMSSE':>7} {'bias':>7}")
        for row in scores.itertuples():
            self.stdout.write(f"{row.window:>6} {row.model:<20} {row.wape:7.3f} {row.mase:7.3f} {row.rmsse:7.3f} {row.bias:+7.3f}")
