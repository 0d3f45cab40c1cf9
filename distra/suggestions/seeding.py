"""Outlet suggestions for the demo: ``distra seed demo`` calls ``demo_suggestions`` once its order
history and forecasts are written. It writes two must-sell lists (from what the demo's outlets
buy most) and gives suggestions to a few reps at their outlets' visits of the last five weeks
(half an hour before each order the history holds), computed from the history as it stood then,
so that the acceptance page has figures measured against the orders that really followed. Every outlet page shows today's suggestion on its own (it is computed there)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from distra.accounts.choices import Role
from distra.accounts.models import User
from distra.orders.models import Order, OrderLine
from distra.partners.choices import Channel, OutletClass, OutletStatus
from distra.suggestions import services
from distra.suggestions.choices import GivenThrough
from distra.suggestions.models import MustSellItem, MustSellList

REPS = 6
OUTLETS_PER_REP = 6
VISITS_PER_OUTLET = 3
WEEKS_BACK = 5


def _top_skus(channel: str, since: date, count: int) -> list[int]:
    rows = (OrderLine.objects.filter(order__outlet__channel=channel, order__created_at__date__gte=since, sku__is_active=True)
            .order_by().values("sku_id").annotate(units=Sum("quantity")).order_by("-units", "sku_id"))
    return [row["sku_id"] for row in rows[:count]]


def _must_sell_lists(today: date) -> int:
    since = today - timedelta(days=91)
    plans = [("MS-GT", "General trade core range", Channel.GENERAL_TRADE, "", 4),
             ("MS-MT-A", "Modern trade A: full range", Channel.MODERN_TRADE, OutletClass.A, 8)]
    made = 0
    for code, name, channel, outlet_class, count in plans:
        listing, _created = MustSellList.objects.get_or_create(code=code, defaults={"name": name, "channel": channel,
                                                                                  "outlet_class": outlet_class})
        MustSellItem.objects.bulk_create([MustSellItem(must_sell_list=listing, sku_id=sku_id) for sku_id in _top_skus(channel, since, count)],
                                         ignore_conflicts=True)
        made += 1
    return made


def _visits(rep, today: date) -> list[tuple[int, datetime]]:
    """(outlet, time) of the rep's last visits with an order: half an hour before each order."""
    since = timezone.make_aware(datetime.combine(today - timedelta(weeks=WEEKS_BACK), time.min))
    found: dict[int, list[datetime]] = {}
    orders = (Order.objects.for_user(rep).filter(outlet__status=OutletStatus.ACTIVE, submitted_at__gte=since, backorder_of__isnull=True)
              .order_by("outlet__code", "-submitted_at").values_list("outlet_id", "submitted_at"))
    for outlet_id, placed in orders:
        times = found.setdefault(outlet_id, []) if len(found) < OUTLETS_PER_REP or outlet_id in found else None
        if times is not None and len(times) < VISITS_PER_OUTLET:
            times.append(placed - timedelta(minutes=30))
    return sorted((outlet_id, when) for outlet_id, times in found.items() for when in times)


def demo_suggestions(*, today: date) -> dict:
    """Must-sell lists, then suggestions given to the first reps at their visits (``_visits``).
    Returns what was made."""
    if not getattr(settings, "DISTRA_DEMO_SUGGESTIONS", True):
        return {"status": "skipped"}
    lists = _must_sell_lists(today)
    given = 0
    for rep in User.objects.filter(role=Role.FIELD_REP, is_active=True).order_by("username")[:REPS]:
        for outlet_id, when in _visits(rep, today):
            services.suggestion_give(by=rep, outlet_id=outlet_id, through=GivenThrough.API, now=when, use_forecast=False)
            given += 1
    return {"must_sell_lists": lists, "suggestions": given}
