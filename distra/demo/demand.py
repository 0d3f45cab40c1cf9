"""The demo's demand model, without the database: what an outlet orders of a SKU on a given day.

Demand = base rate × weekday × season (per category, interpolated between mid-months) × festival
uplift (a dated calendar per year) × promotion uplift × trend, drawn per outlet visit, so that an
outlet × SKU series is intermittent (most weeks zero for small outlets and slow SKUs) while a
distributor × SKU series shows the weekly and yearly cycles, the festival peaks and the promotions
the forecasting issue is to find.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

# Monday .. Sunday. Reps visit Monday to Saturday; Saturday's orders are the largest (stocking
# up for the weekend), Sunday sees the few modern-trade and wholesale orders.
WEEKDAY_WEIGHTS = (1.15, 1.0, 0.95, 1.0, 1.1, 1.3, 0.12)

# Per category: demand in each month (January .. December) relative to the year's average.
SEASON = {
    "BISC": (1.05, 0.95, 0.95, 0.9, 0.9, 0.95, 1.0, 1.0, 1.0, 1.05, 1.15, 1.1),
    "NAMK": (1.0, 0.95, 1.0, 0.95, 0.9, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.05),
    "NOOD": (1.15, 1.1, 1.0, 0.9, 0.85, 0.95, 1.1, 1.1, 1.0, 0.95, 0.95, 1.05),
    "TEA": (1.3, 1.2, 1.0, 0.85, 0.75, 0.8, 0.95, 0.95, 0.95, 1.0, 1.1, 1.25),
    "CSD": (0.65, 0.75, 1.05, 1.45, 1.6, 1.3, 0.95, 0.9, 0.95, 0.95, 0.75, 0.7),
    "SOAP": (0.9, 0.9, 1.0, 1.1, 1.15, 1.1, 1.0, 1.0, 1.0, 1.0, 0.95, 0.9),
    "SHMP": (0.9, 0.9, 1.0, 1.1, 1.1, 1.05, 1.05, 1.0, 1.0, 1.0, 0.95, 0.95),
    "DET": (0.95, 0.9, 0.95, 0.95, 1.0, 1.05, 1.1, 1.1, 1.05, 1.1, 1.0, 0.85),
}


@dataclass(frozen=True)
class Festival:
    """A festival: the days before (and after) it that trade buys more, and the uplift per
    category (categories not named: ``other``)."""

    name: str
    days_before: int
    days_after: int
    uplift: dict[str, float]
    other: float = 1.0


FESTIVALS = {
    "diwali": Festival("Diwali", 16, 1, {"BISC": 1.9, "NAMK": 2.1, "DET": 1.7, "SOAP": 1.4, "SHMP": 1.3, "TEA": 1.3}, 1.2),
    "holi": Festival("Holi", 8, 0, {"CSD": 1.8, "NAMK": 1.6, "BISC": 1.3}, 1.05),
    "eid": Festival("Eid al-Fitr", 8, 1, {"NOOD": 1.6, "CSD": 1.4, "BISC": 1.3, "NAMK": 1.3}),
    "christmas": Festival("Christmas", 9, 1, {"BISC": 1.6, "CSD": 1.4, "NAMK": 1.2}),
    "rakhi": Festival("Raksha Bandhan", 6, 0, {"BISC": 1.35, "NAMK": 1.3}),
    "ganesh": Festival("Ganesh Chaturthi", 6, 1, {"NAMK": 1.3, "BISC": 1.2, "CSD": 1.2}),
    "pongal": Festival("Makar Sankranti / Pongal", 5, 1, {"TEA": 1.2, "NAMK": 1.2}),
}

# The festivals' dates, per year (the lunar ones move).
FESTIVAL_DATES: dict[str, tuple[date, ...]] = {
    "diwali": (date(2023, 11, 12), date(2024, 11, 1), date(2025, 10, 20), date(2026, 11, 8), date(2027, 10, 29), date(2028, 10, 17)),
    "holi": (date(2023, 3, 8), date(2024, 3, 25), date(2025, 3, 14), date(2026, 3, 4), date(2027, 3, 22), date(2028, 3, 11)),
    "eid": (date(2023, 4, 22), date(2024, 4, 11), date(2025, 3, 31), date(2026, 3, 20), date(2027, 3, 10), date(2028, 2, 27)),
    "christmas": tuple(date(y, 12, 25) for y in range(2023, 2029)),
    "rakhi": (date(2023, 8, 30), date(2024, 8, 19), date(2025, 8, 9), date(2026, 8, 28), date(2027, 8, 17), date(2028, 8, 5)),
    "ganesh": (date(2023, 9, 19), date(2024, 9, 7), date(2025, 8, 27), date(2026, 9, 14), date(2027, 9, 4), date(2028, 8, 23)),
    "pongal": tuple(date(y, 1, 14) for y in range(2023, 2029)),
}

TREND_PER_YEAR = 0.08  # the brand grows about 8 % a year


@dataclass(frozen=True, slots=True)
class Promotion:
    """A trade promotion: the SKUs on offer get ``discount_pct`` off and sell ``uplift`` times
    more from ``start`` to ``end`` (inclusive)."""

    code: str
    name: str
    sku_codes: frozenset[str]
    start: date
    end: date
    uplift: float
    discount_pct: int


@dataclass(frozen=True, slots=True)
class FestivalDay:
    festival: str
    day: date


def festival_days(start: date, end: date) -> list[FestivalDay]:
    """The festivals falling between ``start`` and ``end`` (inclusive), in date order."""
    return sorted((FestivalDay(key, d) for key, dates in FESTIVAL_DATES.items() for d in dates if start <= d <= end),
                  key=lambda f: f.day)


def festival_factors(start: date, end: date) -> dict[date, dict[str, float]]:
    """For each day with a festival uplift in [start, end]: the uplift per category (key ``*``
    for the others). Overlapping windows multiply."""
    factors: dict[date, dict[str, float]] = {}
    for f in festival_days(start - timedelta(days=30), end + timedelta(days=30)):
        spec = FESTIVALS[f.festival]
        for offset in range(-spec.days_before, spec.days_after + 1):
            day = f.day + timedelta(days=offset)
            if not start <= day <= end:
                continue
            # Buying builds up towards the festival: the full uplift in its last week.
            ramp = 1.0 if offset >= -7 else 0.5
            current = factors.setdefault(day, {})
            for category in (*spec.uplift, "*"):
                uplift = spec.uplift.get(category, spec.other)
                base = current.get(category, current.get("*", 1.0))
                current[category] = base * (1 + (uplift - 1) * ramp)
    return factors


def season(category: str, day: date) -> float:
    """The category's seasonal factor on ``day``: its monthly values placed mid-month and
    interpolated linearly in between."""
    months = SEASON.get(category)
    if months is None:
        return 1.0
    position = (day.timetuple().tm_yday - 15.2) / 30.44  # 0.0 = mid-January
    low = math.floor(position)
    weight = position - low
    return months[low % 12] * (1 - weight) + months[(low + 1) % 12] * weight


def trend(day: date, start: date) -> float:
    return (1 + TREND_PER_YEAR) ** ((day - start).days / 365.25)


def promotion_on(promotions: list[Promotion], sku_code: str, day: date) -> Promotion | None:
    for promo in promotions:
        if promo.start <= day <= promo.end and sku_code in promo.sku_codes:
            return promo
    return None
