"""Forecast bookkeeping without the database: storing the engine's numbers exactly, summing
bottom-level forecasts into aggregates, and measuring forecasts (and overrides) against actuals."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
Z_80 = Decimal("1.2816")  # the standard normal quantile of 0.90: an 80 % interval is yhat ± 1.2816 σ


def quantity(value: float | Decimal | None) -> Decimal:
    """A forecast number as stored: Decimal to the cent, half up; NaN/None/negative → 0 (the
    engine promises none for non-negative history; this is the last guard before the database)."""
    if value is None:
        return Decimal("0.00")
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if number.is_nan() or number < 0:
        return Decimal("0.00")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PointValues:
    """One forecast period: the point forecast and the 80 % and 95 % bounds."""

    yhat: Decimal
    lo_80: Decimal
    hi_80: Decimal
    lo_95: Decimal
    hi_95: Decimal

    @classmethod
    def ordered(cls, yhat, lo_80, hi_80, lo_95, hi_95) -> PointValues:
        """The values stored, forced into lo_95 <= lo_80 <= yhat <= hi_80 <= hi_95."""
        y = quantity(yhat)
        lo80, hi80 = min(quantity(lo_80), y), max(quantity(hi_80), y)
        return cls(y, lo80, hi80, min(quantity(lo_95), lo80), max(quantity(hi_95), hi80))


def error_sd_from_interval(point: PointValues) -> Decimal:
    """The forecast error's standard deviation implied by an 80 % interval (normal errors)."""
    return ((point.hi_80 - point.lo_80) / (2 * Z_80)).quantize(CENT, rounding=ROUND_HALF_UP)


def _spread(values: Iterable[Decimal]) -> Decimal:
    """sqrt of the sum of squares: the half-width of a sum of independent errors."""
    return Decimal(str(math.sqrt(float(sum((v * v for v in values), Decimal("0"))))))


def aggregate_points(parts: Sequence[tuple[Decimal, Sequence[PointValues]]]) -> list[PointValues]:
    """The forecast of a sum of series, each taken with a share (1 for a whole series; a
    territory's share of a distributor's demand): yhat is the sum of the shares of the members'
    yhat, so aggregates add up exactly to the bottom level; each bound is yhat ∓ the root of the
    sum of the members' squared half-widths (members' errors taken as independent; summing the
    bounds themselves would give far too wide an interval). All members have the same periods."""
    if not parts:
        return []
    length = min(len(points) for _, points in parts)
    result = []
    for i in range(length):
        members = [(share, points[i]) for share, points in parts]
        yhat = sum((share * p.yhat for share, p in members), Decimal("0"))
        down80 = _spread(share * (p.yhat - p.lo_80) for share, p in members)
        up80 = _spread(share * (p.hi_80 - p.yhat) for share, p in members)
        down95 = _spread(share * (p.yhat - p.lo_95) for share, p in members)
        up95 = _spread(share * (p.hi_95 - p.yhat) for share, p in members)
        result.append(PointValues.ordered(yhat, yhat - down80, yhat + up80, yhat - down95, yhat + up95))
    return result


def weighted_wape(parts: Sequence[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """An aggregate's accuracy from its members' backtest WAPE, weighted by their volume: an upper
    bound of the aggregate's own WAPE (errors of members partly cancel in a sum)."""
    known = [(volume, w) for volume, w in parts if w is not None and volume > 0]
    total = sum((volume for volume, _ in known), Decimal("0"))
    if not total:
        return None
    return (sum((volume * w for volume, w in known), Decimal("0")) / total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def wape(pairs: Iterable[tuple[Decimal, Decimal | int]]) -> Decimal | None:
    """Σ|forecast − actual| ÷ Σ actual over (forecast, actual) pairs; None when nothing sold."""
    errors = actual_total = Decimal("0")
    for forecast, actual in pairs:
        errors += abs(Decimal(forecast) - Decimal(actual))
        actual_total += Decimal(actual)
    if actual_total <= 0:
        return None
    return (errors / actual_total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def bias(pairs: Iterable[tuple[Decimal, Decimal | int]]) -> Decimal | None:
    """Σ(forecast − actual) ÷ Σ actual: positive when forecasts run high."""
    pairs = list(pairs)
    actual_total = sum((Decimal(a) for _, a in pairs), Decimal("0"))
    if actual_total <= 0:
        return None
    return (sum((Decimal(f) - Decimal(a) for f, a in pairs), Decimal("0")) / actual_total).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP)
