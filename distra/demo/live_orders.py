"""Today's open and recent orders, made through the real order services (as people would make
them), so that every state of the order lifecycle has examples that behave like real ones.

One distributor asks for approval above an order value (its big orders wait, one is approved, one
rejected); the warehouse that is out of a SKU today (the history's ongoing stockout) holds
back-orders waiting for stock; every distributor has orders in draft, allocated, invoiced,
dispatched, delivered and cancelled, and some partially delivered. ``submitted`` is transient
through the services (submitting moves an order on to approval or approved in the same
transaction), so the one order resting there is a draft moved to submitted by the order services'
own transition (``move_to``, with its event), as an order just synced from a rep's phone whose
checks have not run yet. Invoicing and delivery are used only when their services are installed.
"""

from __future__ import annotations

import importlib
import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from distra.accounts.models import User
from distra.catalog.models import SKU
from distra.inventory.models import StockBalance
from distra.orders import services as orders
from distra.orders.models import Order, OrderPolicy
from distra.orders.services.ordering import move_to
from distra.partners.models import Distributor, Outlet, Warehouse

APPROVAL_ABOVE = Decimal("25000.00")
DISCOUNT_ABOVE = Decimal("10.00")
FESTIVAL_DISCOUNT = Decimal("12.00")
VEHICLES = ("MH 12 KT 4471", "DL 1L AB 2290", "KA 05 MN 8812", "UP 32 HC 1205")
DRIVERS = ("Ramesh Yadav", "Suresh Patil", "Imran Khan", "Gopal Nair")


def _service(module: str, name: str):
    """A service of another engineer's module, or None while it does not exist."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


class _Maker:
    def __init__(self, rng: random.Random, distributor: Distributor):
        self.rng = rng
        self.distributor = distributor
        self.user = User.objects.filter(distributor=distributor, role="distributor").order_by("id").first()
        self.warehouse = Warehouse.objects.filter(distributor=distributor, is_active=True).order_by("pk").first()
        self.outlets = list(Outlet.objects.filter(distributor=distributor, status="active").order_by("code")[:40])
        self.invoice = _service("distra.orders.services.invoicing", "order_invoice")
        self.dispatch = _service("distra.orders.services.delivery", "order_dispatch")
        self.deliver = _service("distra.orders.services.delivery", "order_deliver")
        self.delivered_line = _service("distra.orders.services.delivery", "DeliveredLine")

    def available(self, warehouse=None) -> dict:
        """SKUs with at least a case free at the warehouse in batches good for a week, and how much."""
        soon = timezone.localdate() + timedelta(days=7)
        rows = (StockBalance.objects.filter(warehouse=warehouse or self.warehouse, batch__expires_on__gt=soon)
                .values_list("sku", "on_hand", "reserved"))
        free: dict = {}
        for sku_id, on_hand, reserved in rows:
            free[sku_id] = free.get(sku_id, 0) + on_hand - reserved
        skus = SKU.objects.in_bulk([s for s, q in free.items() if q > 0])
        return {skus[s]: q for s, q in free.items() if s in skus and q >= 6}

    def lines(self, count: int, *, big: bool = False, extra=()) -> list[orders.LineIn]:
        stock = self.available()
        chosen = self.rng.sample(sorted(stock, key=lambda s: s.code), min(count, len(stock)))
        result = []
        for sku in chosen:
            quantity = max(1, min(stock[sku] // 6, sku.units_per_case * self.rng.randint(1, 3)))
            if big:
                quantity = max(quantity, min(stock[sku] // 3, sku.units_per_case * 40))
            result.append(orders.LineIn(sku=sku, quantity=quantity, discount_pct=FESTIVAL_DISCOUNT if big else Decimal("0")))
        return result + list(extra)

    def create(self, lines, *, submit=True, outlet=None, warehouse=None) -> Order | None:
        if not lines:
            return None
        outlet = outlet or self.rng.choice(self.outlets)
        return orders.order_create(by=self.user, outlet=outlet, lines=lines, submit=submit, channel="mobile",
                                   warehouse=warehouse, note="Taken on the beat")

    def allocated(self) -> Order | None:
        order = self.create(self.lines(self.rng.randint(2, 5)))
        return order if order is not None and order.status == "allocated" else None

    def invoiced(self) -> Order | None:
        order = self.allocated()
        if order is None or self.invoice is None:
            return None
        self.invoice(by=self.user, order=order)
        return Order.objects.get(pk=order.pk)

    def dispatched(self) -> Order | None:
        order = self.invoiced()
        if order is None or self.dispatch is None:
            return None
        return self.dispatch(by=self.user, order=order, vehicle=self.rng.choice(VEHICLES), driver=self.rng.choice(DRIVERS))

    def delivered(self, *, partly: bool = False) -> Order | None:
        order = self.dispatched()
        if order is None or self.deliver is None:
            return None
        entered = []
        for i, line in enumerate(order.lines.order_by("line_no")):
            short = partly and i == 0 and line.allocated > 0
            delivered = line.allocated - max(1, line.allocated // 4) if short else line.allocated
            entered.append(self.delivered_line(line_id=line.pk, delivered=delivered, reason="damaged" if short else ""))
        return self.deliver(by=self.user, order=order, lines=entered, received_by=order.outlet.owner_name)

    def submitted(self) -> Order | None:
        order = self.create(self.lines(2), submit=False)
        if order is not None:
            order = Order.objects.get(pk=order.pk)
            move_to(order, "submitted", by=self.user, channel="mobile", stamp="submitted_at", note="Synced from the rep's phone")
        return order

    def cancelled(self) -> Order | None:
        order = self.allocated()
        if order is None:
            return None
        return orders.order_cancel(by=self.user, order=order, reason="Outlet asked to cancel: shop closed for renovation")


def build_live_orders(*, seed: int, stockout: tuple[str, str] | None) -> Counter:
    """Make the live orders; returns how many orders rest in each status."""
    rng = random.Random(f"live-{seed}")
    distributors = list(Distributor.objects.order_by("code"))
    OrderPolicy.objects.update_or_create(distributor=distributors[0], defaults={
        "approval_value_above": APPROVAL_ABOVE, "approval_discount_above": DISCOUNT_ABOVE})
    for index, distributor in enumerate(distributors):
        maker = _Maker(rng, distributor)
        if maker.user is None or maker.warehouse is None or not maker.outlets:
            continue
        with transaction.atomic():
            _everyday(maker, partly=index % 2 == 0, cancel=index % 2 == 1 or index == 0)
            if index == 0:
                _approvals(maker)
                maker.submitted()
    if stockout is not None:
        _backorders(rng, *stockout)
    return Counter(Order.objects.filter(created_at__gte=timezone.now() - timedelta(hours=1))
                   .values_list("status", flat=True))


def _everyday(maker: _Maker, *, partly: bool, cancel: bool) -> None:
    maker.create(maker.lines(3), submit=False)
    maker.allocated()
    maker.allocated()
    maker.invoiced()
    maker.dispatched()
    maker.delivered()
    if partly:
        maker.delivered(partly=True)
    if cancel:
        maker.cancelled()


def _approvals(maker: _Maker) -> None:
    """Big orders at a festival discount above the approval threshold: two wait, one is
    approved, one rejected."""
    waiting = []
    for _ in range(4):
        order = maker.create(maker.lines(4, big=True))
        if order is not None and order.status == "pending_approval":
            waiting.append(order)
    if len(waiting) >= 3:
        orders.order_approve(by=maker.user, order=waiting[0], note="Festival stocking: approved")
        orders.order_reject(by=maker.user, order=waiting[1], reason="Over the outlet's usual volume; please split the order")


def _backorders(rng: random.Random, warehouse_code: str, sku_code: str) -> None:
    """At the warehouse out of ``sku_code`` today: an order for it alone (it waits for stock) and
    one with other SKUs too (allocated, its shortfall back-ordered)."""
    warehouse = Warehouse.objects.select_related("distributor").get(code=warehouse_code)
    maker = _Maker(rng, warehouse.distributor)
    outlets = maker.outlets
    if maker.user is None or not outlets or OrderPolicy.objects.filter(distributor=warehouse.distributor,
                                                                        shortfall_policy="cancel").exists():
        return
    missing = orders.LineIn(sku=SKU.objects.get(code=sku_code), quantity=SKU.objects.get(code=sku_code).units_per_case * 2)
    with transaction.atomic():
        maker.create([missing], outlet=outlets[0], warehouse=warehouse)
        others = [line for line in maker.lines(2) if line.sku.code != sku_code] if warehouse == maker.warehouse else []
        maker.create(others + [missing], outlet=outlets[-1], warehouse=warehouse)
