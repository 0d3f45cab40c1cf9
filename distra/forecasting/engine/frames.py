"""Long-format sales history in, a clean regular panel out.

The models work on an integer period index ``t`` (days, weeks or months since 1970); ``Grid`` maps
dates to ``t`` and back, so forecasts continue each file's own spacing and anchor (weekly on Sundays
stays on Sundays, monthly on the 1st stays on the 1st, month-end stays month-end).

Cleaning, in order (docs/forecasting.md, "Input"): every problem that makes a number unknowable is
an error (ForecastInputError with a stable code); a period missing inside a series is a period
without sales (y = 0, exogenous values carried forward); every series runs to the last period of
the file; periods before a series' first sale are dropped (the product was not on sale yet).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ForecastInputError

FREQS = ("D", "W", "M")
DEFAULT_SEASON = {"D": 7, "W": 52, "M": 12}
REQUIRED = ("unique_id", "ds", "y")
EPOCH = pd.Timestamp("1970-01-01")
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


@dataclass(frozen=True)
class Grid:
    """The calendar of one file: ``freq`` D/W/M and where its periods fall.

    ``anchor`` is the weekday (0 = Monday) for weekly data, the day of the month for monthly data
    (31 = the last day of the month), unused for daily data."""

    freq: str
    anchor: int = 0

    @property
    def alias(self) -> str:
        """The pandas offset alias of this grid, e.g. D, W-SUN, MS, ME (or M-15 for the 15th)."""
        if self.freq == "D":
            return "D"
        if self.freq == "W":
            return f"W-{WEEKDAYS[self.anchor]}"
        return {1: "MS", 31: "ME"}.get(self.anchor, f"M-{self.anchor}")

    def to_index(self, ds: pd.Series) -> np.ndarray:
        days = (ds - EPOCH).dt.days.to_numpy()
        if self.freq == "D":
            return days
        if self.freq == "W":
            return (days - self._week_shift()) // 7
        return (ds.dt.year.to_numpy() - 1970) * 12 + ds.dt.month.to_numpy() - 1

    def to_dates(self, t: np.ndarray) -> pd.DatetimeIndex:
        t = np.asarray(t, dtype=np.int64)
        if self.freq == "D":
            return pd.DatetimeIndex(EPOCH + pd.to_timedelta(t, unit="D"))
        if self.freq == "W":
            return pd.DatetimeIndex(EPOCH + pd.to_timedelta(t * 7 + self._week_shift(), unit="D"))
        starts = pd.to_datetime({"year": 1970 + t // 12, "month": t % 12 + 1, "day": 1})
        if self.anchor == 1:
            return pd.DatetimeIndex(starts)
        last_day = starts.dt.days_in_month.to_numpy()
        day = np.minimum(self.anchor, last_day)
        return pd.DatetimeIndex(starts + pd.to_timedelta(day - 1, unit="D"))

    def _week_shift(self) -> int:
        return (self.anchor - EPOCH.weekday()) % 7


@dataclass
class Panel:
    """A validated history: ``df`` has unique_id, t, y (+ exogenous columns) on a regular grid,
    sorted by series then period, every series ending at ``last_t``."""

    df: pd.DataFrame
    grid: Grid
    exogenous: list[str]
    last_t: int
    static: pd.DataFrame | None = None  # per unique_id: text columns constant per series (store, brand...)

    @property
    def ids(self) -> np.ndarray:
        return self.df["unique_id"].unique()

    def future_t(self, horizon: int) -> np.ndarray:
        return np.arange(self.last_t + 1, self.last_t + 1 + horizon)


def check_arguments(horizon, freq: str, levels) -> None:
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon <= 0:
        raise ForecastInputError("bad_horizon", f"The horizon must be a whole number of periods above 0, not {horizon!r}.", "horizon")
    if freq not in FREQS:
        raise ForecastInputError("bad_frequency", f"The frequency must be one of D, W, M, not {freq!r}.", "freq")
    for level in levels:
        if not (isinstance(level, int | float | np.integer | np.floating) and 0 < level < 100):
            raise ForecastInputError("bad_level", f"A prediction-interval level must lie between 0 and 100, not {level!r}.", "level")


def prepare_history(history, freq: str) -> Panel:
    """Validate and clean a long-format history (see the module docstring)."""
    df = _checked_columns(history, "history")
    if df.empty:
        raise ForecastInputError("empty_history", "The sales history has no rows.", "history")
    df["ds"] = _parse_dates(df["ds"], "ds")
    df["y"] = _parse_numbers(df["y"], "y")
    if (df["y"] < 0).any():
        bad = df.loc[df["y"] < 0].iloc[0]
        raise ForecastInputError(
            "negative_sales",
            f"{int((df['y'] < 0).sum())} row(s) have negative sales, e.g. series {bad['unique_id']} on {bad['ds']:%Y-%m-%d}: "
            "net returns out of sales before forecasting.", "y")
    static = _static_columns(df)
    exogenous = [c for c in df.columns if c not in REQUIRED and c not in static.columns]
    for column in exogenous:
        df[column] = _parse_exogenous(df[column], column)
    grid = infer_grid(df["ds"], freq)
    df["t"] = grid.to_index(df["ds"])
    _refuse_duplicates(df, ("unique_id", "t"))
    df = _regular(df.drop(columns=["ds", *static.columns]), exogenous)
    return Panel(df=df, grid=grid, exogenous=exogenous, last_t=int(df["t"].max()),
                 static=static if len(static.columns) else None)


def _static_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns that hold one value per series (e.g. store, category, brand): attributes the
    global model learns from. A text column that varies within a series is an error."""
    text = [c for c in df.columns if c not in REQUIRED and not pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_bool_dtype(df[c]) and pd.to_numeric(df[c], errors="coerce").isna().sum() > df[c].isna().sum()]
    if not text:
        return pd.DataFrame(index=pd.Index(df["unique_id"].unique(), name="unique_id"))
    values = df[["unique_id", *text]].astype({c: "string" for c in text})
    varying = [c for c in text if (values.groupby("unique_id")[c].nunique(dropna=False) > 1).any()]
    if varying:
        raise ForecastInputError(
            "bad_exogenous", f"The column {varying[0]} holds text that changes within a series: exogenous columns must be "
            "numbers, or text with one value per series (a store, a brand).", varying[0])
    return values.groupby("unique_id").first()


def prepare_future(future, panel: Panel, horizon: int) -> pd.DataFrame | None:
    """Exogenous values for the horizon: unique_id, t and every exogenous column of the history,
    one row per series and future period (extra rows and columns are ignored)."""
    if not panel.exogenous:
        return None
    if future is None:
        return None
    df = _checked_columns(future, "future", required=("unique_id", "ds"))
    missing = [c for c in panel.exogenous if c not in df.columns]
    if missing:
        raise ForecastInputError("missing_columns", f"The future file lacks the exogenous column(s) {', '.join(missing)} of the history.", "future")
    df = df[["unique_id", "ds", *panel.exogenous]].copy()
    df["ds"] = _parse_dates(df["ds"], "future.ds")
    for column in panel.exogenous:
        df[column] = _parse_exogenous(df[column], column)
    df["t"] = panel.grid.to_index(df["ds"])
    _refuse_duplicates(df, ("unique_id", "t"))
    wanted = pd.MultiIndex.from_product([panel.ids, panel.future_t(horizon)], names=["unique_id", "t"])
    df = df.set_index(["unique_id", "t"]).reindex(wanted)
    if df["ds"].isna().any():
        uid, t = df.index[df["ds"].isna()][0]
        raise ForecastInputError(
            "future_incomplete",
            f"The future file lacks {int(df['ds'].isna().sum())} of the {len(df)} series × period rows needed, "
            f"e.g. series {uid} on {panel.grid.to_dates([t])[0]:%Y-%m-%d}.", "future")
    return df.drop(columns="ds").reset_index()


def infer_grid(ds: pd.Series, freq: str) -> Grid:
    """The grid the dates lie on; dates off any single D/W/M grid are an error, not a guess."""
    if freq == "D":
        return Grid("D")
    if freq == "W":
        weekdays = ds.dt.weekday.unique()
        if len(weekdays) > 1:
            raise ForecastInputError(
                "irregular_dates", "Weekly dates must all fall on the same weekday; found "
                + ", ".join(WEEKDAYS[d] for d in sorted(weekdays)) + ".", "ds")
        return Grid("W", int(weekdays[0]))
    if ds.dt.is_month_end.all() and not (ds.dt.day == 1).all():
        return Grid("M", 31)
    days = ds.dt.day.unique()
    if len(days) > 1:
        raise ForecastInputError(
            "irregular_dates", "Monthly dates must all fall on the same day of the month (or all on its last day); "
            f"found days {', '.join(str(d) for d in sorted(days)[:5])}.", "ds")
    return Grid("M", int(days[0]))


def _checked_columns(table, name: str, required=REQUIRED) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise ForecastInputError("not_a_table", f"The {name} must be a table (a pandas DataFrame).", name)
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ForecastInputError(
            "missing_columns", f"The {name} lacks the column(s) {', '.join(missing)}; it needs {', '.join(required)}.", name)
    df = table.reset_index(drop=True).copy()
    if df["unique_id"].isna().any():
        raise ForecastInputError("missing_values", f"{int(df['unique_id'].isna().sum())} row(s) of the {name} have no unique_id.", "unique_id")
    df["unique_id"] = df["unique_id"].astype(str)
    return df


def _parse_dates(values: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        parsed = pd.to_datetime(values.astype("string"), errors="coerce", format="mixed")
    if parsed.isna().any():
        bad = values[parsed.isna()].iloc[0]
        raise ForecastInputError(
            "bad_dates", f"{int(parsed.isna().sum())} date(s) in {name} cannot be read, e.g. {bad!r}; write dates as YYYY-MM-DD.", name)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.dt.normalize().astype("datetime64[ns]")


def _parse_numbers(values: pd.Series, name: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    unreadable = numbers.isna() & values.notna()
    if unreadable.any():
        raise ForecastInputError(
            "bad_values", f"{int(unreadable.sum())} value(s) in {name} are not numbers, e.g. {values[unreadable].iloc[0]!r}.", name)
    if numbers.isna().any():
        raise ForecastInputError("missing_values", f"{int(numbers.isna().sum())} row(s) have no value in {name}.", name)
    if not np.isfinite(numbers).all():
        raise ForecastInputError("bad_values", f"{name} holds infinite values.", name)
    return numbers


def _parse_exogenous(values: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    if (numbers.isna() & values.notna()).any():
        raise ForecastInputError(
            "bad_exogenous", f"The exogenous column {name} must hold numbers (blank = unknown), e.g. not {values[numbers.isna() & values.notna()].iloc[0]!r}.", name)
    return numbers.where(np.isfinite(numbers))


def _refuse_duplicates(df: pd.DataFrame, key: tuple[str, str]) -> None:
    dup = df.duplicated(list(key), keep=False)
    if dup.any():
        first = df.loc[dup].iloc[0]
        when = f"{first['ds']:%Y-%m-%d}" if "ds" in df.columns else str(first[key[1]])
        raise ForecastInputError(
            "duplicate_rows", f"{int(dup.sum())} rows share a series and period with another row, e.g. series {first['unique_id']} "
            f"on {when}: add them up first (one row per series and period).", "ds")


def _regular(df: pd.DataFrame, exogenous: list[str]) -> pd.DataFrame:
    """Every series from its first sale to the file's last period, gaps as zero sales."""
    last_t = int(df["t"].max())
    df = df.sort_values(["unique_id", "t"], kind="stable")
    sold = df[df["y"] > 0].groupby("unique_id", sort=False)["t"].min()
    first_t = df.groupby("unique_id", sort=False)["t"].min()
    # A series that never sold keeps its last period only: it is forecast as zero.
    start = sold.reindex(first_t.index).fillna(last_t).astype(np.int64)
    lengths = (last_t - start + 1).to_numpy()
    ids = np.repeat(start.index.to_numpy(), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    full = pd.DataFrame({"unique_id": ids, "t": np.repeat(start.to_numpy(), lengths) + offsets})
    out = full.merge(df, on=["unique_id", "t"], how="left", sort=False)
    out["y"] = out["y"].fillna(0.0)
    if exogenous:
        out[exogenous] = out.groupby("unique_id", sort=False)[exogenous].ffill()
    return out.reset_index(drop=True)
