"""The Django side of the order benchmark and the kill-the-server test: realistic data built through
the services, stock rounds, the check that the server kept its promises, and the in-process
(no HTTP) measurement with its profile. Needs Django set up on the target database.
"""

from __future__ import annotations

import cProfile
import io
import logging
import pstats
import random
import re
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import timedelta

from django.db import connection, connections, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench._orders_load import make_order, outcome
from bench._server import percentile

PASSWORD = "bench-password-not-secret"
UNITS_PER_CASE = [6, 12, 12, 24, 24, 24, 36, 48]
BATCH_EXPIRIES = [(45, 0.2), (120, 0.4), (300, 0.4)]  # days to expiry, share of the round
MEAN_LINE_UNITS = 1.6  # in cases: 60% of lines are 1-3 cases, 40% are 1..2 cases of loose units


def build(**options) -> dict:
    """``_build`` in one transaction (one commit, the stock alerts enqueued once), with a fast
    password hasher: the benchmark's users sign in with API tokens only."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        return _build(**options)


def _build(*, clients: int, distributors: int = 4, outlets: int = 300, skus: int = 50, scarce: int = 8,
          expected_orders: int = 6000, seed: int = 7) -> dict:
    """Build, through the services, a brand with ``distributors`` (one warehouse each, two
    territories each, policy: cancel the shortfall), ``outlets`` spread over the territories,
    ``skus`` SKUs of which ``scarce`` have stock for about half the demand expected from
    ``expected_orders``, and one user with an API token per client (every fourth a distributor
    user, the others field reps of one territory, so that scope checks are real). Returns the
    plan the load clients use (plain JSON)."""
    from distra.accounts.choices import Role
    from distra.accounts.services import user_create
    from distra.catalog.services import brand_save, category_create, sku_create
    from distra.core.testing import api_token
    from distra.demo.identifiers import gstin_for, gtin13
    from distra.geography.choices import GeoKind
    from distra.geography.services import geonode_create
    from distra.orders.models import OrderPolicy
    from distra.partners.services import distributor_create, outlet_create, warehouse_create

    rng = random.Random(seed)
    admin = user_create(username="bench_admin", password=PASSWORD, role=Role.ADMINISTRATOR, check_password=False)
    country = geonode_create(by=admin, code="IN", name="India", kind=GeoKind.COUNTRY, parent=None)
    region = geonode_create(by=admin, code="R-1", name="North", kind=GeoKind.REGION, parent=country)
    area = geonode_create(by=admin, code="A-1", name="Delhi NCR", kind=GeoKind.AREA, parent=region)
    territories = [geonode_create(by=admin, code=f"T-{i + 1}", name=f"Territory {i + 1}", kind=GeoKind.TERRITORY, parent=area)
                   for i in range(2 * distributors)]
    served = []
    for d in range(distributors):
        mine = territories[2 * d: 2 * d + 2]
        distributor = distributor_create(by=admin, territories=mine, code=f"D-{d + 1}", legal_name=f"Bench Traders {d + 1} Pvt Ltd",
                                         tax_id=gstin_for("07", f"AAAC{chr(65 + d)}{1000 + d}A"), status="active")
        warehouse_create(by=admin, distributor=distributor, code=f"W-{d + 1}", name=f"Warehouse {d + 1}")
        OrderPolicy.objects.create(distributor=distributor, shortfall_policy="cancel")
        served += [(territory, distributor) for territory in mine]
    outlet_ids: dict[int, list[int]] = defaultdict(list)  # territory id -> outlets
    for i in range(outlets):
        territory, distributor = served[i % len(served)]
        outlet = outlet_create(by=admin, code=f"O-{i + 1:05d}", name=f"Outlet {i + 1} General Store", territory=territory,
                               distributor=distributor, outlet_class=rng.choice("ABBCCC"))
        outlet_ids[territory.pk].append(outlet.pk)

    brand = brand_save(by=admin, code="BENCH", name="Bench Foods")
    food = category_create(by=admin, code="FOOD", name="Food")
    kinds = [category_create(by=admin, code=code, name=name, parent=food) for code, name in (("BISC", "Biscuits"), ("BEV", "Beverages"))]
    scarce_ranks = set(range(2, skus, max(1, skus // scarce))[:scarce])  # popular and rare SKUs alike
    plan_skus = []
    for rank in range(skus):
        upc = rng.choice(UNITS_PER_CASE)
        price = rng.choice([5, 10, 12, 20, 35, 50, 99])
        sku = sku_create(by=admin, code=f"SKU-{rank + 1:03d}", gtin=gtin13("12345", rank + 1), name=f"Bench product {rank + 1}",
                         brand=brand, category=kinds[rank % 2], hsn_code="1905", units_per_case=upc, case_weight_kg=5, case_volume_l=10,
                         mrp=price, base_price=round(price * 0.75, 2), tax_rate=rng.choice([5, 12, 18]), shelf_life_days=365)
        plan_skus.append({"id": sku.pk, "units_per_case": upc, "weight": round(1 / (rank + 1) ** 0.9, 4), "scarce": rank in scarce_ranks})

    plan_clients = []
    for i in range(clients):
        territory, distributor = served[i % len(served)]
        if i % 4 == 0:
            user = user_create(username=f"bench_dist_{i}", password=PASSWORD, role=Role.DISTRIBUTOR, distributor=distributor,
                               check_password=False)
            mine = [pk for t, d in served if d == distributor for pk in outlet_ids[t.pk]]
        else:
            user = user_create(username=f"bench_rep_{i}", password=PASSWORD, role=Role.FIELD_REP, geo_nodes=[territory],
                               check_password=False)
            mine = outlet_ids[territory.pk]
        plan_clients.append({"username": user.username, "token": api_token(user), "outlets": mine})
    plan = {"clients": plan_clients, "skus": plan_skus}
    restock(plan, tag="R1", expected_orders=expected_orders)
    plan["pricing"] = _pricing(seed)
    return plan


def _pricing(seed: int) -> dict:
    """The demo's price lists and schemes (distra.demo.pricing: brand-wide, modern-trade and one
    distributor's list; a dozen live schemes of every kind, three with budgets), valid since a
    month ago, so every order is priced with them as in production."""
    from datetime import timedelta

    from django.utils import timezone

    from distra.demo.pricing import build_pricing
    from distra.pricing.models import Scheme

    today = timezone.localdate()
    written = build_pricing(seed=seed, start=today - timedelta(days=30), today=today)
    live = Scheme.objects.filter(status="active")
    return {**written, "live_schemes": live.count(), "budgeted": live.exclude(budget_basis="").count()}


def pricing_summary(plan: dict) -> str:
    """What pricing did to the benchmark's orders: how many got a scheme, free lines, what the
    budgets gave and what is left."""
    from django.db.models import Count, Sum

    from distra.orders.models import Order, OrderLine
    from distra.pricing.models import SchemeBenefit, SchemeBudget

    orders = Order.objects.count()
    touched = SchemeBenefit.objects.values("order_id").distinct().count()
    free = OrderLine.objects.filter(free_of__isnull=False).count()
    left_out = Order.objects.filter(pricing__excluded__0__isnull=False).count()
    budgets = ", ".join(f"{b.scheme.code}{'/' + str(b.distributor_id) if b.distributor_id else ''} {b.left or 0:.0f} of {b.limit:.0f} left"
                        for b in SchemeBudget.objects.select_related("scheme").annotate(left=Sum("slots__remaining")).order_by("pk"))
    kinds = dict(SchemeBenefit.objects.values("scheme__kind").annotate(n=Count("id")).values_list("scheme__kind", "n"))
    p = plan.get("pricing", {})
    return (f"pricing: {p.get('price_lists')} price lists, {p.get('live_schemes')} live schemes ({p.get('budgeted')} with budgets); "
            f"{touched} of {orders} orders got a scheme, {free} free lines, {left_out} re-priced because a budget ran out; "
            f"benefits by kind {kinds}; budgets: {budgets}")


def restock(plan: dict, *, tag: str, expected_orders: int) -> None:
    """Receive one round of stock at every warehouse: each SKU in three batches (45, 120 and 300
    days to expiry) sized from the demand ``expected_orders`` would make: three times the demand,
    or half of it for the scarce SKUs (those run out during the run and are fought over). One
    transaction: one commit, the stock alerts enqueued once per warehouse."""
    with transaction.atomic():
        _receive_round(plan, tag, expected_orders)


def _receive_round(plan: dict, tag: str, expected_orders: int) -> None:
    from distra.accounts.models import User
    from distra.catalog.models import SKU
    from distra.inventory import services as stock
    from distra.partners.models import Warehouse

    admin = User.objects.get(username="bench_admin")
    warehouses = list(Warehouse.objects.order_by("pk"))
    total_weight = sum(s["weight"] for s in plan["skus"])
    today = timezone.localdate()
    skus = SKU.objects.in_bulk([s["id"] for s in plan["skus"]])
    for spec in plan["skus"]:
        sku = skus[spec["id"]]
        lines = expected_orders / len(warehouses) * 5 * spec["weight"] / total_weight
        demand = lines * MEAN_LINE_UNITS * spec["units_per_case"]
        quantity = max(spec["units_per_case"], int(demand * (0.5 if spec["scarce"] else 3)))
        for days, share in BATCH_EXPIRIES:
            batch = stock.batch_ensure(by=admin, sku=sku, batch_number=f"{tag}-{days}", manufactured_on=today - timedelta(days=10),
                                       expires_on=today + timedelta(days=days))
            for warehouse in warehouses:
                stock.stock_receive(by=admin, warehouse=warehouse, sku=sku, batch=batch, quantity=max(1, int(quantity * share)))


# Checking what the server answered -------------------------------------------------------------

def verify(records: list[dict]) -> dict:
    """Compare every answer with the database. Acknowledged (200/201): the order exists once for
    (user, key), with the answered id, status and allocated/cancelled quantities, and open
    allocations adding up to each line's allocated quantity. Refused (4xx) and never acknowledged:
    no order. Unanswered (transport failure, 5xx) and never acknowledged: at most one order. No
    order of the benchmark's users exists beyond those. Returns counts and the problems found."""
    from distra.orders.models import Order, OrderAllocation, OrderLine

    by_key: dict[tuple[str, str], list] = defaultdict(list)
    for record in records:
        result = outcome(record)
        by_key[(result.username, result.key)].append(result)
    usernames = {username for username, _ in by_key}
    orders = {(o["created_by__username"], o["idempotency_key"]): o for o in
              Order.objects.filter(created_by__username__in=usernames).values("pk", "created_by__username", "idempotency_key", "status")}
    counts = Counter((o["created_by__username"], o["idempotency_key"]) for o in
                     Order.objects.filter(created_by__username__in=usernames).values("created_by__username", "idempotency_key"))
    lines = defaultdict(list)
    for line in OrderLine.objects.filter(order_id__in=[o["pk"] for o in orders.values()]).order_by("line_no").values(
            "pk", "order_id", "sku_id", "quantity", "allocated", "cancelled"):
        lines[line["order_id"]].append(line)
    reserved = dict(OrderAllocation.objects.filter(line__order_id__in=[o["pk"] for o in orders.values()], reservation__is_open=True)
                    .values("line_id").annotate(total=Sum("quantity")).values_list("line_id", "total"))
    problems, expected = [], set()
    for key, answers in by_key.items():
        acked = [a for a in answers if a.acknowledged]
        if acked:
            expected.add(key)
            problems += _check_acknowledged(key, acked, orders.get(key), counts[key], lines, reserved)
        elif answers[-1].rejected and counts[key]:  # a retry of a committed order would have been replayed
            problems.append(f"{key}: refused ({answers[-1].status} {answers[-1].code}) but an order exists")
        elif counts[key] > 1:
            problems.append(f"{key}: never acknowledged, yet {counts[key]} orders")
    extra = [k for k in counts if k not in by_key]
    if extra:
        problems.append(f"{len(extra)} orders of the benchmark's users match no request, e.g. {extra[:3]}")
    return {"acknowledged_keys": len(expected), "orders_in_database": sum(counts.values()), "problems": problems}


def _check_acknowledged(key, acked, order, count, lines, reserved) -> list[str]:
    if order is None or count != 1:
        return [f"{key}: acknowledged as order {acked[0].order_id}, but {count} orders have this key"]
    problems = []
    for answer in acked:
        if answer.order_id != order["pk"]:
            problems.append(f"{key}: answered order {answer.order_id}, the key's order is {order['pk']}")
    first = acked[0]
    if first.order_status != order["status"]:
        problems.append(f"{key}: answered {first.order_status}, order {order['pk']} is {order['status']}")
    stored = [(li["sku_id"], li["quantity"], li["allocated"], li["cancelled"]) for li in lines[order["pk"]]]
    if sorted(map(tuple, first.lines)) != sorted(stored):
        problems.append(f"{key}: answered lines {first.lines}, stored {stored}")
    for line in lines[order["pk"]]:
        if reserved.get(line["pk"], 0) != line["allocated"]:
            problems.append(f"{key}: line {line['pk']} allocated {line['allocated']} but reserves {reserved.get(line['pk'], 0)}")
    return problems


# In process: the services without HTTP -----------------------------------------------------------

class ServiceClient:
    """What an HTTP client does, done by calling order_create directly as the same user."""

    def __init__(self, plan: dict, index: int, seed: int):
        from distra.accounts.models import User
        from distra.catalog.models import SKU
        from distra.partners.models import Outlet

        spec = plan["clients"][index % len(plan["clients"])]
        self.rng = random.Random(seed)
        self.user = User.objects.get(username=spec["username"])
        self.outlet_ids = spec["outlets"]
        self.outlets = Outlet.objects.select_related("distributor").in_bulk(spec["outlets"])
        self.skus = SKU.objects.in_bulk([s["id"] for s in plan["skus"]])
        self.plan = plan

    def order(self) -> tuple[bool, float]:
        """Create one order; (acknowledged, milliseconds)."""
        from distra.core.errors import DomainError
        from distra.orders.choices import OrderChannel
        from distra.orders.services import LineIn, order_create

        body = make_order(self.rng, self.outlet_ids, self.plan["skus"])
        lines = [LineIn(sku=self.skus[line["sku_id"]], quantity=line.get("quantity"), cases=line.get("cases", 0),
                        units=line.get("units", 0)) for line in body["lines"]]
        started = time.perf_counter()
        try:
            order_create(by=self.user, outlet=self.outlets[body["outlet_id"]], lines=lines, channel=OrderChannel.API,
                         idempotency_key=str(uuid.uuid4()), submit=True)
            ok = True
        except DomainError:
            ok = False
        return ok, (time.perf_counter() - started) * 1000


def in_process(plan: dict, *, threads: int, seconds: float) -> dict:
    """Orders/s through order_create from ``threads`` threads (one connection each) for
    ``seconds``."""
    results: list[list[tuple[bool, float]]] = [[] for _ in range(threads)]
    clients = [ServiceClient(plan, i, seed=1000 + i) for i in range(threads)]
    start = threading.Barrier(threads + 1)

    def work(i: int) -> None:
        try:
            start.wait()
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                results[i].append(clients[i].order())
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    done = [r for per_thread in results for r in per_thread]
    acked = [ms for ok, ms in done if ok]
    return {"threads": threads, "orders": len(acked), "rejected": len(done) - len(acked),
            "orders_per_s": round(len(acked) / elapsed, 1),
            "p50_ms": round(percentile(acked, 50), 1) if acked else None, "p99_ms": round(percentile(acked, 99), 1) if acked else None}


class HttpInProcess:
    """POST /api/v1/orders through Django's test client: the whole request path (middleware,
    token, ninja, the answer's serialisation) without a socket or gunicorn."""

    def __init__(self, plan: dict, index: int, seed: int):
        from django.test import Client as DjangoClient

        spec = plan["clients"][index % len(plan["clients"])]
        self.client = DjangoClient(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {spec['token']}")
        self.rng, self.outlets, self.plan = random.Random(seed), spec["outlets"], plan

    def order(self) -> tuple[bool, float]:
        body = make_order(self.rng, self.outlets, self.plan["skus"])
        started = time.perf_counter()
        response = self.client.post("/api/v1/orders", body, content_type="application/json",
                                    headers={"Idempotency-Key": str(uuid.uuid4())})
        return response.status_code in (200, 201), (time.perf_counter() - started) * 1000


def profile(plan: dict, *, orders: int = 200, top: int = 16) -> str:
    """Where the time of one order goes, in process: for order_create alone and for the whole
    HTTP request (Django's test client), the SQL statements per order by shape with their time
    and the time besides; then cProfile (CPU time) of both: the functions with the most own time
    and the slowest cumulative Distra functions."""
    out = io.StringIO()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the refused orders' 409s are expected
    service = ServiceClient(plan, 1, seed=99)
    http = HttpInProcess(plan, 2, seed=98)
    for name, client in (("order_create", service), ("POST /api/v1/orders in process", http)):
        client.order()  # warm caches (permissions, content types, url resolver) outside the measurement
        _sql_profile(out, name, client, orders, top)
    for name, client in (("order_create", service), ("POST /api/v1/orders in process", http)):
        # CPU time, not wall time: the figures hold however busy the machine is.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(orders):
            client.order()
        profiler.disable()
        stats = pstats.Stats(profiler, stream=out)
        out.write(f"cProfile (CPU time; the profiler inflates it, the shares hold) of {name}, {orders} orders: "
                  "top own time\n")
        stats.sort_stats("tottime").print_stats(top)
        out.write(f"cProfile (CPU time) of {name}: cumulative, distra code only\n")
        stats.sort_stats("cumulative").print_stats(r"distra/", top)
    return _trim(out.getvalue())


def _sql_profile(out, name: str, client, orders: int, top: int) -> None:
    with CaptureQueriesContext(connection) as captured:
        began, cpu = time.perf_counter(), time.process_time()
        acked = sum(client.order()[0] for _ in range(orders))
        wall = (time.perf_counter() - began) * 1000 / orders
        cpu = (time.process_time() - cpu) * 1000 / orders
    shapes: dict[str, list[float]] = defaultdict(list)
    for query in captured.captured_queries:
        shapes[_shape(query["sql"])].append(float(query["time"]) * 1000)
    sql_ms = sum(sum(times) for times in shapes.values()) / orders
    out.write(f"{name} (one thread, {orders} orders, {acked} acknowledged, statement capture on): {wall:.1f} ms wall, "
              f"{len(captured.captured_queries) / orders:.1f} SQL statements taking {sql_ms:.1f} ms, "
              f"{wall - sql_ms:.1f} ms besides; {cpu:.1f} ms CPU in this process\n")
    out.write("  statements per order by shape (count/order, ms/order):\n")
    for shape, times in sorted(shapes.items(), key=lambda item: -sum(item[1]))[:top]:
        out.write(f"    {len(times) / orders:5.2f} {sum(times) / orders:6.2f}  {shape[:150]}\n")


def _shape(sql: str) -> str:
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((\?, )+\?\)", "(?…)", sql)
    sql = re.sub(r"(\(\?…\), )+\(\?…\)", "(?…)…", sql)
    return re.sub(r"\s+", " ", sql)


def _trim(text: str) -> str:
    """pstats output without its blank and header noise, paths relative to the repository."""
    root = str(__import__("pathlib").Path(__file__).resolve().parent.parent) + "/"
    keep = [line.replace(root, "") for line in text.splitlines() if line.strip() and "Ordered by" not in line
            and "function calls" not in line and "due to restriction" not in line]
    return "\n".join(keep)
