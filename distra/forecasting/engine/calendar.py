"""Calendar features of each period, from its real date: weekday, day of month, month, week of year,
and festivals/holidays from a configurable calendar (a table of ``ds`` dates, optionally ``name``).

A festival counts in the period that contains it (the day, the week, the month), and the periods
just before it get a countdown feature, since buying happens ahead of a festival.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def calendar_features(t: np.ndarray, grid, holidays: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per distinct ``t`` (sorted): the period's calendar features."""
    t = np.unique(np.asarray(t, dtype=np.int64))
    dates = grid.to_dates(t)
    out = pd.DataFrame({"t": t})
    if grid.freq == "D":
        out["cal_weekday"] = dates.weekday
        out["cal_monthday"] = dates.day
    if grid.freq in ("D", "W"):
        out["cal_week"] = dates.isocalendar().week.to_numpy().astype(np.int64)
    out["cal_month"] = dates.month
    if holidays is not None and len(holidays):
        hol_t = np.unique(grid.to_index(pd.Series(pd.to_datetime(holidays["ds"])).dt.normalize())) if grid.freq != "W" else _week_index(holidays, grid)
        out["cal_festival"] = np.isin(t, hol_t).astype(np.int8)
        nxt = np.searchsorted(hol_t, t)
        ahead = np.where(nxt < len(hol_t), hol_t[np.minimum(nxt, len(hol_t) - 1)] - t, 99)
        out["cal_festival_in"] = np.minimum(ahead, 99)
    return out


def _week_index(holidays: pd.DataFrame, grid) -> np.ndarray:
    """Weeks containing each holiday: a week dated on its anchor day covers the 7 days ending there
    (pandas W-SUN semantics)."""
    days = (pd.to_datetime(holidays["ds"]).dt.normalize() - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    shift = (grid.anchor - 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    return np.unique(-((shift - days) // 7))
