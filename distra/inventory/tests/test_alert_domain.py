"""Thresholds, days of cover and alert conditions, without the database."""

from datetime import date
from decimal import Decimal

from distra.inventory.domain import (
    BatchFigures,
    Condition,
    SkuPosition,
    ThresholdRow,
    Thresholds,
    alert_conditions,
    days_of_cover,
    resolve_thresholds,
)

DEFAULTS = Thresholds(reorder_level=0, overstock_days=90, near_expiry_days=30)
TODAY = date(2026, 6, 1)
# SKU 1 is in category 12, a child of category 3.
CATS = [12, 3]


def resolve(rows, distributor_id=7):
    return resolve_thresholds(rows, sku_id=1, category_ids=CATS, distributor_id=distributor_id, defaults=DEFAULTS)


def test_without_rows_the_defaults_apply():
    assert resolve([]) == DEFAULTS


def test_the_most_specific_row_wins_in_the_documented_order():
    rows = [
        ThresholdRow(None, None, 7, reorder_level=1),
        ThresholdRow(None, 3, None, reorder_level=2),
        ThresholdRow(None, 12, None, reorder_level=3),
        ThresholdRow(None, 3, 7, reorder_level=4),
        ThresholdRow(None, 12, 7, reorder_level=5),
        ThresholdRow(1, None, None, reorder_level=6),
        ThresholdRow(1, None, 7, reorder_level=7),
    ]
    expected = [7, 6, 5, 4, 3, 2, 1]  # removing the winner each time reveals the next
    for level in expected:
        assert resolve(rows).reorder_level == level
        rows = [r for r in rows if r.reorder_level != level]
    assert resolve(rows).reorder_level == 0


def test_rows_of_other_distributors_skus_and_categories_do_not_match():
    rows = [ThresholdRow(1, None, 8, reorder_level=50), ThresholdRow(2, None, None, reorder_level=60),
            ThresholdRow(None, 99, None, reorder_level=70), ThresholdRow(None, None, 8, reorder_level=80)]
    assert resolve(rows) == DEFAULTS


def test_each_figure_falls_back_separately():
    rows = [ThresholdRow(1, None, 7, reorder_level=40), ThresholdRow(None, 3, None, overstock_days=45)]
    assert resolve(rows) == Thresholds(reorder_level=40, overstock_days=45, near_expiry_days=30)


def test_days_of_cover_is_available_over_average_daily_sales():
    assert days_of_cover(available=100, sold_in_window=56) == Decimal("50.0")
    assert days_of_cover(available=10, sold_in_window=3) == Decimal("93.3")
    assert days_of_cover(available=100, sold_in_window=0) is None


def kinds(position, thresholds=DEFAULTS):
    return [(c.kind, c.batch_id) for c in alert_conditions(position, thresholds, today=TODAY)]


def test_out_of_stock_needs_past_stock_or_sales():
    assert kinds(SkuPosition(available=0, sold_in_window=0, had_stock=True)) == [("out_of_stock", None)]
    assert kinds(SkuPosition(available=0, sold_in_window=5, had_stock=False)) == [("out_of_stock", None)]
    assert kinds(SkuPosition(available=0, sold_in_window=0, had_stock=False)) == []


def test_below_reorder_level_only_above_zero():
    thresholds = Thresholds(reorder_level=20, overstock_days=90, near_expiry_days=30)
    assert kinds(SkuPosition(19, 28, True), thresholds) == [("below_reorder_level", None)]
    assert kinds(SkuPosition(20, 28, True), thresholds) == []
    assert kinds(SkuPosition(0, 28, True), thresholds) == [("out_of_stock", None)]


def test_overstock_when_cover_exceeds_the_threshold_and_never_without_sales():
    assert kinds(SkuPosition(91, 28, True)) == [("overstock", None)]
    assert kinds(SkuPosition(90, 28, True)) == []
    assert kinds(SkuPosition(10**6, 0, True)) == []


def test_near_expiry_and_expired_batches_on_hand():
    batches = (BatchFigures(1, 5, date(2026, 6, 1)), BatchFigures(2, 5, date(2026, 7, 1)), BatchFigures(3, 5, date(2026, 7, 2)),
               BatchFigures(4, 0, date(2026, 5, 1)))
    found = alert_conditions(SkuPosition(15, 0, True, batches), DEFAULTS, today=TODAY)
    assert found == [Condition("expired", 1, "5 on hand, expired on 2026-06-01"),
                     Condition("near_expiry", 2, "5 on hand, expires on 2026-07-01 (30 days)")]
