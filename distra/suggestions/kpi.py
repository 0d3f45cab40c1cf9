"""The acceptance KPI: the share of suggested lines the outlet's next order took
(``domain.acceptance`` states the rule), overall, per rep (whom it was given to), per distributor
and per week, over the suggestions given in a date range that ``user`` may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from distra.orders.models import Order, OrderLine
from distra.suggestions import domain
from distra.suggestions.models import Suggestion, SuggestionLine
from distra.suggestions.selectors import NOT_PLACED, valid_days


@dataclass
class Tally:
    key: object
    label: str
    suggestions: int = 0
    lines: int = 0
    accepted: int = 0
    pending_lines: int = 0

    @property
    def share(self):
        return domain.share(self.accepted, self.lines)

    def add(self, outcome: domain.Outcome) -> None:
        self.suggestions += 1
        if outcome.status == "pending":
            self.pending_lines += outcome.lines
        else:
            self.lines += outcome.lines
            self.accepted += outcome.accepted

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "suggestions": self.suggestions, "lines": self.lines,
                "accepted": self.accepted, "pending_lines": self.pending_lines, "share": self.share}


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _given(user, date_from: date, date_to: date, distributor_id, given_by_id) -> tuple[list, dict[int, Suggestion]]:
    qs = (Suggestion.objects.for_user(user).filter(superseded_at__isnull=True, given_at__gte=_aware(date_from),
                                                   given_at__lt=_aware(date_to + timedelta(days=1)))
          .select_related("given_by", "distributor"))
    if distributor_id is not None:
        qs = qs.filter(distributor_id=distributor_id)
    if given_by_id is not None:
        qs = qs.filter(given_by_id=given_by_id)
    rows = {s.pk: s for s in qs}
    skus: dict[int, set[int]] = defaultdict(set)
    for suggestion_id, sku_id in SuggestionLine.objects.filter(suggestion_id__in=list(rows), quantity__gt=0).values_list("suggestion_id", "sku_id"):
        skus[suggestion_id].add(sku_id)
    given = [domain.Given(s.pk, s.outlet_id, s.given_at, s.valid_until, frozenset(skus[s.pk])) for s in rows.values()]
    return given, rows


def _orders(user, given: list[domain.Given]) -> list[domain.PlacedOrder]:
    if not given:
        return []
    start, end = min(g.given_at for g in given), max(g.valid_until for g in given)
    orders = (Order.objects.for_user(user).filter(outlet_id__in={g.outlet_id for g in given}, backorder_of__isnull=True)
              .exclude(status__in=NOT_PLACED).annotate(placed=Coalesce(F("submitted_at"), F("created_at")))
              .filter(placed__gte=start, placed__lte=end))
    found = {pk: (outlet_id, placed) for pk, outlet_id, placed in orders.values_list("pk", "outlet_id", "placed")}
    skus: dict[int, set[int]] = defaultdict(set)
    for order_id, sku_id in OrderLine.objects.filter(order_id__in=list(found)).values_list("order_id", "sku_id"):
        skus[order_id].add(sku_id)
    return [domain.PlacedOrder(outlet_id, placed, frozenset(skus[pk])) for pk, (outlet_id, placed) in found.items()]


def acceptance_kpi(*, user, date_from: date, date_to: date, distributor_id: int | None = None, given_by_id: int | None = None,
                   now: datetime | None = None) -> dict:
    """Acceptance of the suggestions given from ``date_from`` to ``date_to`` (inclusive): overall,
    per rep, per distributor and per week (Monday). Four queries."""
    now = now or timezone.now()
    given, rows = _given(user, date_from, date_to, distributor_id, given_by_id)
    by_outlet: dict[int, list[domain.PlacedOrder]] = defaultdict(list)
    for order in _orders(user, given):
        by_outlet[order.outlet_id].append(order)
    overall = Tally("all", "all")
    reps: dict = {}
    distributors: dict = {}
    weeks: dict = {}
    for g in given:
        outcome = domain.acceptance(g, by_outlet[g.outlet_id], now=now)
        s = rows[g.suggestion_id]
        overall.add(outcome)
        rep_label = s.given_by.get_username() if s.given_by else "—"
        reps.setdefault(s.given_by_id, Tally(s.given_by_id, rep_label)).add(outcome)
        distributors.setdefault(s.distributor_id, Tally(s.distributor_id, s.distributor.code)).add(outcome)
        day = timezone.localdate(s.given_at)
        monday = day - timedelta(days=day.weekday())
        weeks.setdefault(monday, Tally(monday.isoformat(), monday.isoformat())).add(outcome)
    return {
        "date_from": date_from, "date_to": date_to, "valid_days": valid_days(), "overall": overall.as_dict(),
        "by_rep": [t.as_dict() for t in sorted(reps.values(), key=lambda t: t.label)],
        "by_distributor": [t.as_dict() for t in sorted(distributors.values(), key=lambda t: t.label)],
        "by_week": [weeks[k].as_dict() for k in sorted(weeks)],
    }


def outcome_of(*, user, suggestion: Suggestion, now: datetime | None = None) -> domain.Outcome:
    """How one suggestion fared: decided or pending, lines, accepted lines and their SKUs."""
    given = domain.Given(suggestion.pk, suggestion.outlet_id, suggestion.given_at, suggestion.valid_until,
                         frozenset(line.sku_id for line in suggestion.lines.all() if line.quantity > 0))
    return domain.acceptance(given, _orders(user, [given]), now=now or timezone.now())
