"""Forecasting fixtures: a small order history over the test organisation, and a stand-in engine
for the tests that are about storage, jobs and pages rather than about the models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from distra.catalog.models import SKU
from distra.forecasting.selectors import current_week
from distra.orders.choices import OrderStatus
from distra.orders.models import Order, OrderLine

WEEKS = 60


def add_sku(org, code: str = "SKU-2", units_per_case: int = 24) -> SKU:
    sku = SKU.objects.create(
        code=code, gtin={"SKU-2": "8901234567883", "SKU-3": "8901234567876"}[code], name=f"{code} cream biscuits", brand=org.brand,
        category=org.categories["BISC"], hsn_code="1905", units_per_case=units_per_case, case_weight_kg=Decimal("4"),
        case_volume_l=Decimal("10"), mrp=Decimal("20.00"), base_price=Decimal("15.00"), tax_rate=Decimal("18"), shelf_life_days=120,
    )
    org.skus[code] = sku
    return sku


def write_history(org, *, weeks: int = WEEKS, plan=None) -> int:
    """Delivered orders, one per outlet and week: (outlet code, SKU code) → units per week (a
    callable of the week index or a number). Returns the number of lines written."""
    plan = plan or {("O-DEL1-A", "SKU-1"): 10, ("O-DEL2-B", "SKU-1"): 6, ("O-DEL1-A", "SKU-2"): lambda w: 4 + (w % 4),
                    ("O-MUM-A", "SKU-1"): lambda w: 20 if w % 2 else 0}
    start = current_week() - timedelta(weeks=weeks)
    user = org.users["admin"]
    orders, items_of = [], []
    for w in range(weeks):
        day = timezone.make_aware(datetime.combine(start + timedelta(weeks=w, days=2), time(11)))
        by_outlet: dict[str, list] = {}
        for (outlet_code, sku_code), qty in plan.items():
            units = qty(w) if callable(qty) else qty
            if units:
                by_outlet.setdefault(outlet_code, []).append((org.skus[sku_code], units))
        for outlet_code, items in by_outlet.items():
            outlet = org.outlets[outlet_code]
            orders.append(Order(outlet=outlet, distributor=outlet.distributor, warehouse=org.warehouses[outlet.distributor.code],
                                status=OrderStatus.DELIVERED, created_by=user, submitted_at=day, delivered_at=day))
            items_of.append(items)
    Order.objects.bulk_create(orders)
    lines = [OrderLine(order=order, line_no=i, sku=sku, quantity=units, unit_price=sku.base_price, tax_rate=Decimal("0"),
                       allocated=units, delivered=units)
             for order, items in zip(orders, items_of, strict=True) for i, (sku, units) in enumerate(items, start=1)]
    OrderLine.objects.bulk_create(lines)
    return len(lines)


@pytest.fixture
def history(org):
    add_sku(org)
    return write_history(org)


@dataclass
class FakeResult:
    forecasts: object
    models: object
    version: str = "fake-1"
    fallbacks: dict = field(default_factory=dict)


def fake_forecast(history, horizon, freq="W", levels=(80, 95), progress=None, **kwargs):
    """The mean of the last 8 weeks, flat, with a ±20 % / ±40 % band: enough to test storage."""
    import pandas as pd

    rows, models = [], []
    for uid, group in history.groupby("unique_id"):
        group = group.sort_values("ds")
        mean = float(group["y"].tail(8).mean())
        last = group["ds"].max()
        for h in range(1, horizon + 1):
            rows.append({"unique_id": uid, "ds": last + pd.Timedelta(weeks=h), "yhat": mean, "yhat_lo_80": mean * 0.8,
                         "yhat_hi_80": mean * 1.2, "yhat_lo_95": mean * 0.6, "yhat_hi_95": mean * 1.4})
        models.append({"unique_id": uid, "model": "Fake", "wape": 0.25, "rmsse": 0.9})
        if progress:
            progress(len(models) / history["unique_id"].nunique(), "fake")
    return FakeResult(pd.DataFrame(rows), pd.DataFrame(models))


@pytest.fixture
def fake_engine(monkeypatch):
    from distra.forecasting import services

    monkeypatch.setattr(services, "_forecast", lambda history, run, progress: fake_forecast(
        history.frame, run.horizon, progress=progress))
    return fake_forecast
