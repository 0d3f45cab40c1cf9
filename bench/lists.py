"""How fast are filtered, sorted 50-row outlet lists, per role, on the large demo brand?

    .venv/bin/python bench/lists.py [--database postgresql|sqlite] [--requests 200]

Creates a throw-away database (PostgreSQL: a fresh ``distra_bench_<random>`` on 127.0.0.1:5432;
SQLite: a file in a temporary directory), migrates it, seeds ``distra seed demo --scale large``
(timed), collects static files and starts Distra as in production (``distra serve``: gunicorn,
DEBUG off). Then, for an administrator, an area sales manager, a distributor user and a field rep
(from the demo's logins file), it times sequential requests to 127.0.0.1 only:

- the API: ``GET /api/v1/outlets?limit=50&offset=..&sort=name&channel=..&search=..`` with a bearer
  token from ``POST /api/v1/auth/token``;
- the outlet list page: ``GET /outlets?q=..&territory=..&channel=..&outlet_class=..&sort=..&page=..``
  after signing in through the /login form (session and CSRF cookie).

Prints p50/p99 per role and target and, as the last line, one JSON object with the pooled figures.
The server is stopped and the database dropped however the run ends.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import (  # noqa: E402  (the repository root is on the path only now)
    DISTRA,
    Client,
    bench_env,
    create_database,
    drop_database,
    free_port,
    percentile,
    run,
    start_server,
    stop_server,
    wait_healthy,
)

ROLES = ["administrator", "area_sales_manager", "distributor", "field_rep"]
CHANNELS = [None, "general_trade", "pharmacy", "modern_trade"]
SEARCHES = ["", "", "store", "sharma", "medical", "kirana"]
SORTS = ["name", "name", "-name", "code"]
PAGES = [1, 1, 1, 2, 3, 5, 10, 20]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per role and target (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per role and target first (default 5)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--slowest", type=int, default=0, help="also print the N slowest requests per role and target")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))  # run the cleanup below

    with tempfile.TemporaryDirectory(prefix="distra-bench-") as tmp:
        var_dir = Path(tmp)
        database = None
        server = None
        try:
            database, url = create_database(args.database, var_dir)
            env = bench_env(url, var_dir)
            run([DISTRA, "migrate", "--noinput", "-v0"], env)
            started = time.perf_counter()
            run([DISTRA, "seed", "demo", "--scale", "large", "--seed", str(args.seed)], env)
            seed_seconds = time.perf_counter() - started
            print(f"seeded the large demo on {args.database} in {seed_seconds:.1f} s", flush=True)
            run([DISTRA, "collectstatic", "--noinput", "-v0"], env)
            port = free_port()
            server = start_server(env, port, var_dir / "server.log")
            wait_healthy(port, server)
            logins = json.loads((var_dir / "demo-logins.json").read_text())
            results = bench_roles(port, first_logins(logins), args)
        finally:
            if server is not None:
                stop_server(server)
            if database is not None:
                drop_database(database)
    summary = summarise(results)
    summary = {"bench": "lists", "database": args.database, "outlets": 50_000, **summary, "seed_seconds": round(seed_seconds, 1)}
    print(json.dumps(summary))
    return 0


# HTTP -----------------------------------------------------------------------------------------

def api_client(port: int, username: str, password: str) -> tuple[Client, dict]:
    client = Client(port)
    body = json.dumps({"username": username, "password": password}).encode()
    status, _, content = client.request("POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"})
    if status != 200:
        raise SystemExit(f"token for {username}: HTTP {status} {content[:200]!r}")
    return client, {"Authorization": f"Bearer {json.loads(content)['token']}"}


def page_client(port: int, username: str, password: str) -> Client | None:
    """A client signed in through the /login form, or None when there is no such page."""
    client = Client(port)
    status, _, content = client.request("GET", "/login")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if status != 200 or not match:
        return None
    form = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": password, "next": "/"})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{client.conn.port}/login"}
    status, _, _ = client.request("POST", "/login", form.encode(), headers)
    if status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"signing in {username} through /login failed: HTTP {status}")
    return client


# The benchmark --------------------------------------------------------------------------------

def first_logins(logins: list[dict]) -> dict[str, dict]:
    first: dict[str, dict] = {}
    for login in logins:
        first.setdefault(login["role"], login)
    return {role: first[role] for role in ROLES}


def api_paths(rng: random.Random, count: int) -> list[str]:
    paths = []
    for _ in range(count):
        params = {"limit": 50, "offset": 50 * (rng.choice(PAGES) - 1), "sort": rng.choice(SORTS)}
        if channel := rng.choice(CHANNELS):
            params["channel"] = channel
        if search := rng.choice(SEARCHES):
            params["search"] = search
        paths.append("/api/v1/outlets?" + urlencode(params))
    return paths


def page_paths(rng: random.Random, count: int, territories: list[str]) -> list[str]:
    paths = []
    for _ in range(count):
        params = {"sort": rng.choice(SORTS), "page": rng.choice(PAGES)}
        if channel := rng.choice(CHANNELS):
            params["channel"] = channel
        if search := rng.choice(SEARCHES):
            params["q"] = search
        if territories and rng.random() < 0.3:
            params["territory"] = rng.choice(territories)
        if rng.random() < 0.2:
            params["outlet_class"] = rng.choice("ABC")
        paths.append("/outlets?" + urlencode(params))
    return paths


def timed(client: Client, paths: list[str], headers: dict, warmup: int) -> list[tuple[float, str]]:
    times = []
    for i, path in enumerate(paths):
        started = time.perf_counter()
        status, _, content = client.request("GET", path, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status} {content[:300]!r}")
        if i >= warmup:
            times.append((elapsed, path))
    return times


def visible_territories(client: Client, headers: dict) -> list[str]:
    status, _, content = client.request("GET", "/api/v1/geography/nodes?kind=territory&limit=500", headers=headers)
    if status != 200:
        return []
    data = json.loads(content)
    return [str(node["id"]) for node in (data["items"] if isinstance(data, dict) else data)]


def bench_roles(port: int, logins: dict[str, dict], args) -> dict[str, dict[str, list[tuple[float, str]]]]:
    rng = random.Random(args.seed)
    results: dict[str, dict[str, list[tuple[float, str]]]] = {}
    total = args.warmup + args.requests
    for role, login in logins.items():
        api, headers = api_client(port, login["username"], login["password"])
        count = json.loads(api.request("GET", "/api/v1/outlets?limit=1", headers=headers)[2])["count"]
        results[role] = {"api": timed(api, api_paths(rng, total), headers, args.warmup)}
        page = page_client(port, login["username"], login["password"])
        if page is None:
            print("the /login page is not there: the page part is skipped", flush=True)
        else:
            territories = visible_territories(api, headers)
            results[role]["page"] = timed(page, page_paths(rng, total, territories), {}, args.warmup)
        line = f"{role:<19} {login['username']:<10} {count:>6} outlets"
        for target, timings in results[role].items():
            times = [t for t, _ in timings]
            line += f"   {target}: p50 {percentile(times, 50):6.1f} ms  p99 {percentile(times, 99):6.1f} ms"
        print(line, flush=True)
        for target, timings in results[role].items():
            for elapsed, path in sorted(timings, reverse=True)[: args.slowest]:
                print(f"    slow {target}: {elapsed:6.1f} ms  {path}")
    return results


def summarise(results: dict[str, dict[str, list[tuple[float, str]]]]) -> dict:
    summary = {}
    for target in ("api", "page"):
        pooled = [t for per_role in results.values() for t, _ in per_role.get(target, [])]
        summary[f"{target}_p50_ms"] = round(percentile(pooled, 50), 1) if pooled else None
        summary[f"{target}_p99_ms"] = round(percentile(pooled, 99), 1) if pooled else None
    return summary


if __name__ == "__main__":
    sys.exit(main())
