"""Killing the server in the middle of a load run loses no acknowledged order.

gunicorn (as production runs it, DEBUG off) serves the test database; four clients send orders
(POST /api/v1/orders with an Idempotency-Key, submitted and allocated in the request); the master
and every worker are SIGKILLed at once while requests are in flight; the server is started again
and the request each client had in flight (or sent next, to the dead server) is sent again
with the same key. Then every acknowledged
order exists exactly once with its lines and allocations, no key made two orders, a refused
order wrote nothing, and the stock balances agree with the ledger.

PostgreSQL only: it needs a database that a second process (the server) can write while the test
holds a connection, and real row locks between the server's workers.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from bench._orders_data import build, verify
from bench._orders_load import client_run, outcome, post_order
from bench._server import (
    Client,
    bench_env,
    free_port,
    kill_server,
    start_server,
    stop_server,
    wait_healthy,
)
from distra.inventory.selectors import stock_verify

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CLIENTS = 4
LOAD_BEFORE_KILL = 3.0  # seconds of load before the kill


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_clients(plan: dict, port: int, stop: threading.Event) -> tuple[list[threading.Thread], list[list[dict]]]:
    results: list[list[dict]] = [[] for _ in plan["clients"]]
    now = time.time()

    def work(i: int) -> None:
        spec = {**plan["clients"][i], "skus": plan["skus"], "port": port, "seed": 100 + i, "start_at": now,
                "end_at": now + 60, "stop": stop, "timeout": 20, "stop_on_failure": True}
        results[i] = client_run(spec)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(plan["clients"]))]
    for thread in threads:
        thread.start()
    return threads, results


def test_killing_the_server_mid_load_loses_no_acknowledged_order(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the server is a second process writing the test database, with real row locks")
    plan = build(clients=CLIENTS, distributors=2, outlets=24, skus=12, scarce=3, expected_orders=400)
    env = bench_env(database_url(), tmp_path)
    port = free_port()
    server = start_server(env, port, tmp_path / "server.log", workers=2, threads=2, gunicorn=True)
    stop = threading.Event()
    try:
        wait_healthy(port, server, timeout=45)
        threads, results = run_clients(plan, port, stop)
        time.sleep(LOAD_BEFORE_KILL)
        kill_server(server)  # SIGKILL to the master and its workers, mid-request
        for thread in threads:  # each client stops at its first request without an answer
            thread.join(timeout=30)
        first_run = [record for per_client in results for record in per_client]
        unanswered = [outcome(r) for r in first_run if outcome(r).failed]
        assert any(outcome(r).acknowledged for r in first_run), "no order was acknowledged before the kill"
        assert len(unanswered) == CLIENTS, "every client's request at the kill goes unanswered"
        assert not any(r.status >= 500 for r in unanswered), [r.error for r in unanswered if r.status >= 500]

        server = start_server(env, port, tmp_path / "server.log", workers=2, threads=2, gunicorn=True)
        wait_healthy(port, server, timeout=45)
        tokens = {c["username"]: c["token"] for c in plan["clients"]}
        client = Client(port, timeout=20)
        retries = [post_order(client, tokens[r.username], r.username, r.key, r.body).__dict__ for r in unanswered]
        client.close()
    finally:
        stop.set()
        stop_server(server)

    retried = [outcome(r) for r in retries]
    assert [r for r in retried if not (r.acknowledged or r.code == "insufficient_stock")] == []
    check = verify(first_run + retries)
    assert check["problems"] == []
    acknowledged_keys = {(r.username, r.key) for r in map(outcome, first_run + retries) if r.acknowledged}
    assert check["orders_in_database"] == check["acknowledged_keys"] == len(acknowledged_keys)
    assert [d.describe() for d in stock_verify()] == []
