"""How fast does Distra price a basket against many live price lists and schemes?

    .venv/bin/python bench/pricing.py [--database postgresql|sqlite] [--quotes 400]

Creates a throw-away database (PostgreSQL: a fresh ``distra_bench_<random>`` on 127.0.0.1:5432;
SQLite: a file in a temporary directory), migrates it and builds, through the services: 40
territories under 4 regions, 10 distributors, 400 outlets, 300 SKUs in 10 leaf categories under 5
parents, 50 active price lists (brand-wide, per region, channel, class, distributor and outlet) and
500 active schemes of every kind (about 1 in 3 budgeted), each for one channel or one region and
for a leaf category, ten SKUs, a brand or every SKU, so that every basket is eligible for at least
50 of them (the run reports the fewest a basket met). Then it quotes different 30-line baskets for outlets across the
network through ``pricing.services.quote`` (what ``POST /api/v1/pricing/quote`` calls: scope
checks, input checks, the per-process cache, the database reads and the engine), after a warm-up.
It also times the order hot path: ``price_order_lines`` for 5-line baskets with 5 live schemes,
and counts its queries. Beside the wall times it reports the quotes' median CPU time and the load
average during the timed run (on a shared machine, wall time includes waiting for a core). The
last line is one JSON object. The database is dropped however the run ends.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import DISTRA, bench_env, create_database, drop_database, percentile, run  # noqa: E402

LINES, SCHEMES, PRICE_LISTS = 30, 500, 50


def build(rng: random.Random):
    from django.utils import timezone

    from distra.catalog.models import SKU, Brand, Category
    from distra.core.testing import make_node, make_user
    from distra.geography.choices import GeoKind
    from distra.partners.choices import Channel, DistributorStatus, OutletClass
    from distra.partners.models import Distributor, DistributorTerritory, Outlet, Warehouse
    from distra.pricing import services

    admin = make_user("bench-admin", "administrator")
    country = make_node("IN", "India", GeoKind.COUNTRY, None)
    regions = [make_node(f"R{i}", f"Region {i}", GeoKind.REGION, country) for i in range(4)]
    areas = [make_node(f"A{i}", f"Area {i}", GeoKind.AREA, regions[i % 4]) for i in range(8)]
    territories = [make_node(f"T{i}", f"Territory {i}", GeoKind.TERRITORY, areas[i % 8]) for i in range(40)]
    distributors = []
    for i in range(10):
        d = Distributor.objects.create(code=f"D{i:02d}", legal_name=f"Distributor {i}", status=DistributorStatus.ACTIVE)
        DistributorTerritory.objects.bulk_create([DistributorTerritory(distributor=d, territory=t) for t in territories[i * 4:i * 4 + 4]])
        Warehouse.objects.create(distributor=d, code=f"W{i:02d}", name=f"Warehouse {i}")
        distributors.append(d)
    outlets = Outlet.objects.bulk_create([
        Outlet(code=f"O{i:04d}", name=f"Outlet {i}", territory=territories[i % 40], distributor=distributors[(i % 40) // 4],
               channel=rng.choice(Channel.values), outlet_class=rng.choice(OutletClass.values)) for i in range(400)])
    brands = [Brand.objects.create(code=f"B{i}", name=f"Brand {i}") for i in range(3)]
    parents, leaves = [], []
    for i in range(5):
        parent = Category.objects.create(code=f"C{i}", name=f"Category {i}")
        Category.objects.filter(pk=parent.pk).update(path=f"/{parent.pk}/")
        parent.path = f"/{parent.pk}/"
        parents.append(parent)
        for j in range(2):
            leaf = Category.objects.create(code=f"C{i}{j}", name=f"Category {i}.{j}", parent=parent)
            Category.objects.filter(pk=leaf.pk).update(path=f"{parent.path}{leaf.pk}/")
            leaves.append(leaf)
    skus = SKU.objects.bulk_create([
        SKU(code=f"S{i:03d}", gtin=f"{i:013d}", name=f"SKU {i}", brand=brands[i % 3], category=leaves[i % 10], hsn_code="1905",
            units_per_case=rng.choice([6, 12, 24, 48]), case_weight_kg=Decimal(5), case_volume_l=Decimal(10), mrp=Decimal(100),
            base_price=Decimal(rng.randrange(3000, 8000)) / 100, tax_rate=Decimal(rng.choice([5, 12, 18])), shelf_life_days=180)
        for i in range(300)])
    start = timezone.localdate().replace(day=1)

    def items(sample, factor):
        return [{"sku": s, "selling_price": (s.base_price * Decimal(factor)).quantize(Decimal("0.01")),
                 "landing_price": (s.base_price * Decimal("0.85")).quantize(Decimal("0.01"))} for s in sample]

    for i in range(PRICE_LISTS):
        scope = [{}, {"geography": regions[i % 4]}, {"channel": Channel.values[i % 5]}, {"outlet_class": OutletClass.values[i % 3]},
                 {"distributor": distributors[i % 10]}, {"outlet": outlets[i * 7]}][i % 6]
        pl = services.price_list_create(by=admin, code=f"PL{i:02d}", name=f"List {i}", valid_from=start, priority=i % 3,
                                        items=items(rng.sample(skus, 300 if not scope else 60), rng.choice(["0.95", "0.97", "0.99"])), **scope)
        services.price_list_transition(by=admin, price_list=pl, to="active")
    kinds = ["percent_off", "amount_off", "quantity_slab", "free_goods", "value_slab", "combo", "first_order", "percent_off"]
    for i in range(SCHEMES):
        kind = kinds[i % len(kinds)]
        fields = {"percent": Decimal(rng.choice([1, 2, 3])) / 2} if kind in ("percent_off", "combo", "first_order") else {}
        if kind == "amount_off":
            fields = {"amount": Decimal("0.50"), "per": "unit"}
        elif kind == "quantity_slab":
            fields = {"per": "case", "slabs": [{"min": "2", "max": "4", "percent": "0.5"}, {"min": "5", "percent": "1"}]}
        elif kind == "value_slab":
            fields = {"slabs": [{"min": "5000", "max": "20000", "percent": "0.5"}, {"min": "20000", "percent": "1"}]}
        elif kind == "free_goods":
            fields = {"buy_quantity": rng.choice([12, 24]), "free_quantity": 1, "max_free_per_order": 10}
        elif kind == "combo":
            a, b = rng.sample(skus, 2)
            fields["combo_items"] = [{"sku_id": a.pk, "quantity": 6}, {"sku_id": b.pk, "quantity": 6}]
        # Each scheme is for one channel or one region (so a basket meets roughly 110 of the 500),
        # and for a leaf category, ten SKUs, a brand, or every SKU.
        targets = {"channels": [Channel.values[i % 5]]} if i % 2 else {"geography_ids": [regions[(i // 2) % 4].pk]}
        if kind != "combo":
            pick = rng.random()
            if pick < 0.4:
                targets["category_ids"] = [rng.choice(leaves).pk]
            elif pick < 0.7:
                targets["sku_ids"] = [s.pk for s in rng.sample(skus, 10)]
            elif pick < 0.9:
                targets["brand_ids"] = [rng.choice(brands).pk]
        if i % 3 == 0:
            fields.update(budget_basis="value", budgets=[{"limit": "10000000"}])
        scheme = services.scheme_create(by=admin, code=f"SC{i:03d}", name=f"Scheme {i}", kind=kind, valid_from=start, targets=targets,
                                        priority=i % 5, **fields)
        services.scheme_transition(by=admin, scheme=scheme, to="active")
    return admin, outlets, skus


def timed(fn, count: int, cpu: list[float] | None = None) -> list[float]:
    """Wall milliseconds of ``count`` calls (and, into ``cpu``, this thread's CPU milliseconds:
    on a shared machine the wall time also counts the waits for a core)."""
    times = []
    for i in range(count):
        started_cpu = time.thread_time()  # outside the wall time: a system call, where a loaded machine may switch
        started = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.thread_time() - started_cpu) * 1000)
    return times


def bench(args) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from distra.pricing import services
    from distra.pricing.models import Scheme

    rng = random.Random(args.seed)
    started = time.perf_counter()
    admin, outlets, skus = build(rng)
    print(f"built {SCHEMES} schemes and {PRICE_LISTS} price lists in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    baskets = [(rng.choice(outlets).pk, [{"sku_id": s.pk, "quantity": rng.choice([6, 12, 24, 48, 60, 120])} for s in rng.sample(skus, LINES)])
               for _ in range(200)]
    eligible = []

    def quote(i):
        outlet_id, lines = baskets[i % len(baskets)]
        _, basket = services.quote(by=admin, outlet_id=outlet_id, lines=lines)
        if len(eligible) < 50:
            eligible.append(len(basket.schemes_applied()) + len(basket.not_applied))

    timed(quote, 50)  # warm-up: the cache loads, the database warms
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(timed, quote, 50)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    cpu: list[float] = []
    load_before = os.getloadavg()[0]
    times = timed(quote, args.quotes, cpu)
    load = round((load_before + os.getloadavg()[0]) / 2, 1)
    # The order hot path: 5 live schemes, 5-line baskets.
    Scheme.objects.exclude(code__in=[f"SC{i:03d}" for i in range(5)]).update(status="paused")
    services.bump_version()
    small = [(rng.choice(outlets), [(s, rng.choice([12, 24, 48])) for s in rng.sample(skus, 5)]) for _ in range(100)]
    hot = lambda i: services.price_order_lines(outlet=small[i % 100][0], lines=small[i % 100][1])  # noqa: E731
    timed(hot, 50)
    hot_times = timed(hot, 500)
    with CaptureQueriesContext(connection) as queries:
        hot(0)
    return {"bench": "pricing", "database": connection.vendor, "schemes": SCHEMES, "price_lists": PRICE_LISTS, "lines": LINES,
            "quotes": len(times), "median_ms": round(statistics.median(times), 2), "p99_ms": round(percentile(times, 99), 2),
            "cpu_median_ms": round(statistics.median(cpu), 2), "load_average": load, "min_schemes_considered": min(eligible), "order_path_median_ms": round(statistics.median(hot_times), 3),
            "order_path_p99_ms": round(percentile(hot_times, 99), 3), "order_path_queries": len(queries)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--quotes", type=int, default=400)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profile", action="store_true", help="print a profile of 50 quotes to stderr")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="distra-bench-") as tmp:
        database = None
        try:
            database, url = create_database(args.database, Path(tmp))
            env = bench_env(url, Path(tmp))
            run([DISTRA, "migrate", "--noinput", "-v0"], env)
            os.environ.update(env)
            os.environ["DJANGO_SETTINGS_MODULE"] = "distra.config.settings"
            result = bench(args)
        finally:
            if database:
                from django.db import connections

                connections.close_all()
                drop_database(database)
    print(f"quote of {LINES} lines against {SCHEMES} schemes and {PRICE_LISTS} price lists: median {result['median_ms']} ms, "
          f"p99 {result['p99_ms']} ms (CPU median {result['cpu_median_ms']} ms, load average {result['load_average']}); order path (5 lines, 5 schemes): median {result['order_path_median_ms']} ms, "
          f"{result['order_path_queries']} queries")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
