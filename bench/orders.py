"""How many orders a second does Distra take and allocate, over HTTP, from concurrent clients?

    .venv/bin/python bench/orders.py [--database postgresql|sqlite] [--clients 16] [--seconds 30]

Creates a throw-away database (PostgreSQL: a fresh ``distra_bench_<random>`` on 127.0.0.1:5432;
SQLite: a file in a temporary directory), migrates it and builds, through the services, 4
distributors (one warehouse each, shortfall policy "cancel"), 300 outlets, 50 SKUs in three
batches each (8 of them scarce) and one user with an API token per client (distributor users and
field reps). Starts Distra as in production (gunicorn, DEBUG off) and lets N client processes
send POST /api/v1/orders (Idempotency-Key, 5 lines, submit: the order is created, approved and
allocated FEFO in one request) on keep-alive connections for the given seconds. Then it checks
every answer against the database and runs ``distra stock verify``, measures order_create without
HTTP (one thread, then four) and prints a profile of it. The last line is one JSON object.
The server is stopped and the database dropped however the run ends.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._orders_load import client_run, outcome  # noqa: E402  (the repository root is on the path only now)
from bench._server import (  # noqa: E402
    DISTRA,
    bench_env,
    cpu_seconds,
    create_database,
    drop_database,
    free_port,
    group_pids,
    percentile,
    run,
    start_server,
    stop_server,
    wait_healthy,
)

# gunicorn on 2 cores shared with PostgreSQL and the clients, as `distra serve` runs by default: an
# order request spends roughly half its time waiting for PostgreSQL, so each process has 2 threads
# (one runs while the other waits); 4 processes × 2 kept p99 a third shorter than 2 × 4 (fewer
# threads contend for each interpreter lock).
WORKERS, THREADS = 4, 2  # bench/README.md, "Server shape"
EXPECTED_RATE = 200  # orders/s the stock is sized for: the scarce SKUs run out about half-way


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=WORKERS, help=f"gunicorn worker processes (default {WORKERS})")
    parser.add_argument("--threads", type=int, default=THREADS, help=f"threads per worker (default {THREADS})")
    parser.add_argument("--stock-for", type=int, default=EXPECTED_RATE, metavar="ORDERS_PER_S",
                        help=f"size the stock for this rate (default {EXPECTED_RATE}): the scarce SKUs run out about half-way")
    parser.add_argument("--with-worker", action="store_true",
                        help="also run the task worker (distra serve --with-worker): stock alerts evaluated during the run")
    parser.add_argument("--in-process-seconds", type=float, default=8, help="per in-process measurement (0: skip it and the profile)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))  # run the cleanup below

    with tempfile.TemporaryDirectory(prefix="distra-bench-") as tmp:
        var_dir = Path(tmp)
        database = server = None
        try:
            database, url = create_database(args.database, var_dir)
            env = {**bench_env(url, var_dir), "DISTRA_TASKS_BACKEND": "database"}  # the production default
            (var_dir / "static").mkdir()  # no pages are served; an empty static root keeps whitenoise quiet
            run([DISTRA, "migrate", "--noinput", "-v0"], env)
            setup_django(env)
            from django.db import connections

            from bench import _orders_data as data

            started = time.perf_counter()
            expected = int(args.stock_for * args.seconds)
            plan = data.build(clients=args.clients, expected_orders=expected, seed=args.seed)
            print(f"built {len(plan['skus'])} SKUs, 300 outlets, 4 distributors and {args.clients} users with stock for "
                  f"{expected} orders in {time.perf_counter() - started:.1f} s", flush=True)
            connections.close_all()  # no idle transaction of ours while the server runs
            port = free_port()
            server = start_server(env, port, var_dir / "server.log", workers=args.workers, threads=args.threads,
                                  with_worker=args.with_worker)
            wait_healthy(port, server)
            print(f"serving with gunicorn: {args.workers} workers x {args.threads} threads, DEBUG off, {args.database}, "
                  f"task worker {'running' if args.with_worker else 'not running (tasks wait in the queue)'}", flush=True)
            # Spawned, not forked: the clients inherit nothing of this process's Django state.
            with ProcessPoolExecutor(args.clients, mp_context=multiprocessing.get_context("spawn")) as pool:
                list(pool.map(time.sleep, [1.0] * args.clients))  # every client process up before the clock starts
                # Warm-up: every worker has booted (each loads Django and the URLconf, about 2 s of
                # CPU, before it accepts a connection) and each thread has run an order.
                warmup = drive(pool, plan, port, args.clients, seconds=5, seed=args.seed + 1)
                load_before, cpu_before = os.getloadavg()[0], cpu_snapshot(server, pool)
                records = drive(pool, plan, port, args.clients, seconds=args.seconds, seed=args.seed)
                cpu_used = cpu_delta(cpu_before, cpu_snapshot(server, pool))
            print(f"load average (1 min) before the run {load_before:.1f}, after {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            stop_server(server)
            server = None
            figures = summarise(records, args)
            print_cpu(cpu_used, figures["orders"] + figures["rejected"])
            check = data.verify(warmup + records)
            print(data.pricing_summary(plan), flush=True)
            stock_clean = subprocess.run([DISTRA, "stock", "verify"], env=env, cwd=ROOT, capture_output=True, text=True)
            report(figures, check, stock_clean, args)
            if args.in_process_seconds:
                in_process(data, plan, args)
            stock_after = subprocess.run([DISTRA, "stock", "verify"], env=env, cwd=ROOT, capture_output=True, text=True)
            print(f"distra stock verify after everything: exit {stock_after.returncode}")
            connections.close_all()
        finally:
            if server is not None:
                stop_server(server)
            if database is not None:
                drop_database(database)
    verified = not check["problems"] and stock_clean.returncode == 0 and stock_after.returncode == 0 and figures["errors"] == 0
    print(json.dumps({"bench": "orders", "database": args.database, "clients": args.clients, **figures, "verified": verified}))
    return 0


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "distra.config.settings"
    import django

    django.setup()


def drive(pool: ProcessPoolExecutor, plan: dict, port: int, clients: int, *, seconds: float, seed: int) -> list[dict]:
    """``clients`` processes of ``pool``, each one client of the plan, ordering for ``seconds``
    from the same instant; returns every outcome."""
    start_at = time.time() + 0.5
    specs = [{**plan["clients"][i % len(plan["clients"])], "skus": plan["skus"], "port": port, "seed": seed * 1000 + i,
              "start_at": start_at, "end_at": start_at + seconds} for i in range(clients)]
    per_client = list(pool.map(client_run, specs))
    records = [r for outcomes in per_client for r in outcomes]
    for r in records:
        r["since_start"] = r["started"] - start_at
    return records


def cpu_snapshot(server, pool: ProcessPoolExecutor | None = None) -> dict[str, dict]:
    """CPU seconds so far of the server's processes, of this database's PostgreSQL backends (not
    PostgreSQL's shared background writers) and of the client processes of ``pool``."""
    from django.db import connection

    backends: list[int] = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            backends = [pid for (pid,) in cursor.fetchall()]
    clients = list(pool._processes) if pool is not None else []
    return {"server": cpu_seconds(group_pids(server.pid)), "postgresql": cpu_seconds(backends), "clients": cpu_seconds(clients)}


def cpu_delta(before: dict, after: dict) -> dict[str, float]:
    return {part: sum(used - before[part].get(pid, 0.0) for pid, used in after[part].items()) for part in after}


def print_cpu(used: dict[str, float], answered: int) -> None:
    """CPU per answered order and what two cores of our own would take: the figure that holds
    when other work shares the machine."""
    if not answered:
        return
    per_order = {part: seconds * 1000 / answered for part, seconds in used.items()}
    total = sum(per_order.values())
    print("CPU per answered order: " + ", ".join(f"{part} {ms:.1f} ms" for part, ms in per_order.items())
          + f"; total {total:.1f} ms -> about {2000 / total:.0f} orders/s if 2 cores did nothing else")


def summarise(records: list[dict], args) -> dict:
    results = [outcome(r) for r in records]
    acked = [r.ms for r in results if r.acknowledged]
    elapsed = max(r["since_start"] + r["ms"] / 1000 for r in records) if records else args.seconds
    return {
        "orders": len(acked),
        "orders_per_s": round(len(acked) / elapsed, 1),
        "p50_ms": round(percentile(acked, 50), 1) if acked else None,
        "p99_ms": round(percentile(acked, 99), 1) if acked else None,
        "rejected": sum(r.rejected for r in results),
        "errors": sum(r.failed for r in results),
        "_codes": sorted({(r.status, r.code or r.error[:80]) for r in results if not r.acknowledged}),
        "_allocated_fully": sum(r.order_status == "allocated" and all(li[3] == 0 for li in r.lines) for r in results),
        "_rejected_ms": [r.ms for r in results if r.rejected],
        "_max_ms": max(acked) if acked else None,
    }


def report(figures: dict, check: dict, stock_clean, args) -> None:
    rejected_ms = figures.pop("_rejected_ms")
    print(f"{args.clients} clients for {args.seconds:.0f} s: {figures['orders']} orders acknowledged "
          f"({figures.pop('_allocated_fully')} allocated in full, the others with cancelled shortfalls), "
          f"{figures['orders_per_s']} orders/s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
          f"max {figures.pop('_max_ms')} ms")
    if rejected_ms:
        print(f"rejected: {figures['rejected']} (p50 {percentile(rejected_ms, 50):.1f} ms)")
    for status, what in figures.pop("_codes"):
        print(f"  answer {status}: {what}")
    print(f"errors (5xx or no answer): {figures['errors']}")
    print(f"check: {check['acknowledged_keys']} acknowledged keys, {check['orders_in_database']} orders in the database, "
          f"{len(check['problems'])} problems")
    for problem in check["problems"][:20]:
        print(f"  PROBLEM {problem}")
    print(f"distra stock verify: exit {stock_clean.returncode} {stock_clean.stdout.strip()[-300:]}", flush=True)


def in_process(data, plan: dict, args) -> None:
    """order_create without HTTP on the same data (a fresh round of stock first)."""
    data.restock(plan, tag="R2", expected_orders=int(args.stock_for * args.in_process_seconds * 2))
    for threads in (1, 4):
        result = data.in_process(plan, threads=threads, seconds=args.in_process_seconds)
        print(f"in process, {threads} thread(s): {result['orders_per_s']} orders/s ({result['orders']} orders, "
              f"{result['rejected']} refused), p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms", flush=True)
    print(data.profile(plan), flush=True)


if __name__ == "__main__":
    sys.exit(main())
