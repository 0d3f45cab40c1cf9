"""The order load: what a client orders (5 lines, skewed SKU mix, some contention) and one client
that sends orders to POST /api/v1/orders over a keep-alive connection. No Django here: the clients
run in processes (bench/orders.py) or threads (tests/e2e/test_kill_server.py) beside the server.

A plan (built by bench/_orders_data.py) is plain JSON:
    {"clients": [{"username", "token", "outlets": [id, ...]}, ...],
     "skus": [{"id", "units_per_case", "weight", "scarce"}, ...]}
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field

from bench._server import Client

LINES_PER_ORDER = 5
SCARCE_ONLY_SHARE = 0.05  # orders of scarce SKUs only (a promotion pack): these are the ones refused once stock runs out
ACKNOWLEDGED = (200, 201)


@dataclass
class Outcome:
    """One answered (or unanswered) POST /api/v1/orders. ``status`` 0: no HTTP answer (transport
    failure); ``lines``: (sku_id, quantity, allocated, cancelled) as the answer gave them."""

    username: str
    key: str
    body: dict
    status: int = 0
    code: str = ""
    order_id: int | None = None
    order_status: str = ""
    lines: list = field(default_factory=list)
    started: float = 0.0
    ms: float = 0.0
    error: str = ""

    @property
    def acknowledged(self) -> bool:
        return self.status in ACKNOWLEDGED

    @property
    def rejected(self) -> bool:
        return 400 <= self.status < 500

    @property
    def failed(self) -> bool:
        return self.status == 0 or self.status >= 500


def make_order(rng: random.Random, outlets: list[int], skus: list[dict]) -> dict:
    """An order body: one of the client's outlets, 5 distinct SKUs drawn by popularity (or, for
    a few orders, from the scarce SKUs only), quantities in whole cases or loose units."""
    scarce = [s for s in skus if s["scarce"]]
    pool = scarce if scarce and rng.random() < SCARCE_ONLY_SHARE else skus
    chosen: dict[int, dict] = {}
    weights = [s["weight"] for s in pool]
    while len(chosen) < min(LINES_PER_ORDER, len(pool)):
        sku = rng.choices(pool, weights)[0]
        chosen.setdefault(sku["id"], sku)
    lines = []
    for sku in chosen.values():
        if rng.random() < 0.6:
            lines.append({"sku_id": sku["id"], "cases": rng.randint(1, 3), "units": 0})
        else:
            lines.append({"sku_id": sku["id"], "quantity": rng.randint(1, 2 * sku["units_per_case"])})
    return {"outlet_id": rng.choice(outlets), "lines": lines, "submit": True}


def post_order(client: Client, token: str, username: str, key: str, body: dict) -> Outcome:
    """POST one order; a transport failure is an Outcome with status 0 (the caller reconnects)."""
    outcome = Outcome(username=username, key=key, body=body, started=time.time())
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}", "Idempotency-Key": key}
    started = time.perf_counter()
    try:
        status, _, content = client.request("POST", "/api/v1/orders", json.dumps(body).encode(), headers)
    except (OSError, http.client.HTTPException) as exc:
        client.close()
        outcome.error = repr(exc)
        outcome.ms = (time.perf_counter() - started) * 1000
        return outcome
    outcome.ms = (time.perf_counter() - started) * 1000
    outcome.status = status
    try:
        data = json.loads(content)
    except ValueError:
        outcome.error = content[:200].decode(errors="replace")
        return outcome
    if outcome.acknowledged:
        outcome.order_id, outcome.order_status = data["id"], data["status"]
        outcome.lines = [(line["sku_id"], line["quantity"], line["allocated"], line["cancelled"]) for line in data["lines"]]
    elif isinstance(data, dict):
        outcome.code = str(data.get("code", ""))
    return outcome


def client_run(spec: dict) -> list[dict]:
    """One client: from ``start_at`` until ``end_at`` (time.time()), order after order on one
    keep-alive connection. ``stop`` (a threading.Event, threads only) ends it early, and so does
    the first request without an answer under ``stop_on_failure`` (a client that will retry it
    later). Returns the outcomes as dicts (they cross process boundaries)."""
    rng = random.Random(spec["seed"])
    client = Client(spec["port"], timeout=spec.get("timeout", 30))
    stop: threading.Event | None = spec.get("stop")
    outcomes = []
    time.sleep(max(0.0, spec["start_at"] - time.time()))
    while time.time() < spec["end_at"] and not (stop and stop.is_set()):
        key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        body = make_order(rng, spec["outlets"], spec["skus"])
        outcome = post_order(client, spec["token"], spec["username"], key, body)
        outcomes.append(asdict(outcome))
        if outcome.status == 0 and spec.get("stop_on_failure"):
            break
    client.close()
    return outcomes


def outcome(record: dict) -> Outcome:
    """The Outcome of a record (extra keys a caller added are ignored)."""
    return Outcome(**{name: record[name] for name in Outcome.__dataclass_fields__})
