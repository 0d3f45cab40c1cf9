"""Write a planned demo brand (distra.demo.plan) to the database, in one transaction.

Rows are written with bulk_create in chunks, which skips simple-history's audit rows: acceptable
for seed data (nobody changed it; it was loaded). Materialised paths of the geography and the
category tree are set the way the services set them ("/<id>/<id>/").
"""

from __future__ import annotations

import json
import os
import secrets
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from distra.accounts.models import User
from distra.catalog.models import SKU, Brand, Category
from distra.demo.free_stock import FreeStock
from distra.demo.history_plan import HistoryPlan, plan_history
from distra.demo.history_writer import write_history
from distra.demo.live_orders import build_live_orders
from distra.demo.order_pricing import price_history
from distra.demo.plan import DemoPlan, plan_demo
from distra.demo.pricing import build_pricing, fit_combo_to_history
from distra.geography.models import GeoNode
from distra.inventory.selectors import stock_verify
from distra.inventory.services_alerts import stock_alerts_check_all
from distra.partners.choices import DistributorStatus, WarehouseKind
from distra.partners.models import (
    Distributor,
    DistributorContact,
    DistributorTerritory,
    Outlet,
    Warehouse,
)

CHUNK = 2_000
PRICING_SINCE_DAYS = 830  # price lists and schemes valid from before the 27 months of history
DEMO_EMAIL_DOMAIN = "demo.distra.example"
MASTER_MODELS = (GeoNode, Brand, Category, SKU, Distributor, Outlet)


@dataclass
class DemoResult:
    plan: DemoPlan
    password: str
    password_generated: bool
    logins: list[dict]
    logins_path: Path
    history: HistoryPlan | None = None
    written: dict[str, int] = field(default_factory=dict)
    live_orders: Counter = field(default_factory=Counter)
    alerts: dict = field(default_factory=dict)

    @property
    def first_logins(self) -> list[dict]:
        """The first login of each role, in role order: together they form one chain."""
        seen: dict[str, dict] = {}
        for login in self.logins:
            seen.setdefault(login["role"], login)
        return list(seen.values())


def existing_data() -> dict[str, int]:
    """Counts of master data already present (empty when the database holds none)."""
    counts = {model._meta.verbose_name_plural: model.objects.count() for model in MASTER_MODELS}
    return {name: count for name, count in counts.items() if count}


def demo_password() -> tuple[str, bool]:
    """settings.DISTRA_DEMO_PASSWORD, else a new random one (and True: it was generated)."""
    if settings.DISTRA_DEMO_PASSWORD:
        return settings.DISTRA_DEMO_PASSWORD, False
    return secrets.token_urlsafe(12), True


def build_demo(
    *,
    seed: int,
    scale: str = "small",
    password: str | None = None,
    logins_path: Path | None = None,
    progress: Callable | None = None,
    transactions: bool = True,
    today: date | None = None,
) -> DemoResult:
    """Plan the demo brand from ``seed`` and write it in one transaction; write the logins file.
    With ``transactions`` (the default), also the brand depots, 27 months of stock and order
    history ending yesterday, today's orders in every state and the stock alerts; the ledger is
    then verified (``DemoVerifyFailed`` rolls it all back on any difference).

    The database must hold no master data (see existing_data and delete_master_data).
    """
    generated = False
    if password is None:
        password, generated = demo_password()
    plan = plan_demo(seed, scale, progress=progress)
    result = DemoResult(plan=plan, password=password, password_generated=generated, logins=[], logins_path=Path())
    with transaction.atomic():
        _write(plan, make_password(password), progress)
        day = today or timezone.localdate()
        build_pricing(seed=plan.seed, start=day - timedelta(days=PRICING_SINCE_DAYS), today=day)
        if transactions:
            _write_transactions(result, today or timezone.localdate(), progress)
    result.logins = [{"username": u.username, "password": password, "role": u.role, "scope": u.scope} for u in plan.users]
    result.logins_path = logins_path or Path(settings.VAR_DIR) / "demo-logins.json"
    _write_logins(result.logins_path, result.logins)
    return result


def _write_transactions(result: DemoResult, today: date, progress) -> None:
    plan = result.plan
    depots = _write_depots(plan)
    history = plan_history(plan, today=today, tz=timezone.get_current_timezone(), depots=depots, progress=progress)
    result.history = history
    ongoing = next(((s.warehouse_code, s.sku_code) for s in history.stockouts if s.end >= history.end), None)
    priced = {}

    def price_before_stock(moves, batches):  # history orders priced with the demo's price lists and schemes
        fit_combo_to_history(history, today=today)
        counts, free_moves, free_held = price_history(today=today, stock=FreeStock(moves, {pk: b.expires_on for pk, b in batches.items()}))
        priced.update(counts)
        return free_moves, free_held

    result.written = write_history(history, progress=progress, before_stock=price_before_stock)
    result.written["priced"] = priced
    result.live_orders = build_live_orders(seed=plan.seed, stockout=ongoing)
    result.alerts = stock_alerts_check_all(today=today)
    differences = stock_verify()
    if differences:
        raise DemoVerifyFailed("; ".join(d.describe() for d in differences[:5]))
    from distra.claims.seeding import demo_claims
    from distra.forecasting.seeding import demo_forecasts
    from distra.suggestions.seeding import demo_suggestions

    result.forecasts = demo_forecasts(today=today, progress=progress)
    result.suggestions = demo_suggestions(today=today)
    demo_claims(seed=plan.seed, today=today)


def _write_depots(plan: DemoPlan) -> bool:
    """The brand's depots (warehouses of no distributor)."""
    Warehouse.objects.bulk_create([
        Warehouse(kind=WarehouseKind.DEPOT, distributor=None, code=w.code, name=w.name, address=w.address,
                  latitude=w.latitude, longitude=w.longitude)
        for w in plan.depots
    ])
    return True


def _write_logins(path: Path, logins: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds passwords
    with os.fdopen(fd, "w") as fh:
        json.dump(logins, fh, indent=1)
        fh.write("\n")


def _write(plan: DemoPlan, password_hash: str, progress) -> None:
    nodes = _write_geography(plan)
    _write_catalog(plan)
    distributors = _write_distributors(plan, nodes)
    _write_outlets(plan, nodes, distributors, progress)
    _write_users(plan, nodes, distributors, password_hash)


def _set_paths(model, rows: list, parents: dict) -> None:
    """Give each row (already saved) its materialised path under its parent's."""
    for row in rows:
        parent = parents.get(row.parent_id)
        row.path = f"{parent.path if parent else '/'}{row.pk}/"
    model.objects.bulk_update(rows, ["path"])


def _write_geography(plan: DemoPlan) -> dict[str, GeoNode]:
    nodes: dict[str, GeoNode] = {}
    for kind in ("country", "region", "area", "territory"):
        level = [
            GeoNode(code=n.code, name=n.name, kind=n.kind, parent=nodes.get(n.parent_code), country_code="IN")
            for n in plan.nodes if n.kind == kind
        ]
        GeoNode.objects.bulk_create(level)
        _set_paths(GeoNode, level, {node.pk: node for node in nodes.values()})
        nodes.update({node.code: node for node in level})
    return nodes


def _write_catalog(plan: DemoPlan) -> None:
    catalog = plan.catalog
    brands = {b.code: b for b in Brand.objects.bulk_create([Brand(code=code, name=name) for code, name in catalog.brands])}
    categories: dict[str, Category] = {}
    for top_level in (True, False):
        level = [
            Category(code=c.code, name=c.name, parent=categories.get(c.parent_code))
            for c in catalog.categories if (c.parent_code is None) == top_level
        ]
        Category.objects.bulk_create(level)
        _set_paths(Category, level, {c.pk: c for c in categories.values()})
        categories.update({c.code: c for c in level})
    SKU.objects.bulk_create(
        [
            SKU(
                code=s.code, gtin=s.gtin, name=s.name, brand=brands[s.brand_code], category=categories[s.category_code],
                hsn_code=s.hsn_code, units_per_case=s.units_per_case, case_weight_kg=s.case_weight_kg,
                case_volume_l=s.case_volume_l, mrp=s.mrp, base_price=s.base_price, tax_rate=s.tax_rate,
                shelf_life_days=s.shelf_life_days,
            )
            for s in catalog.skus
        ],
        batch_size=CHUNK,
    )


def _write_distributors(plan: DemoPlan, nodes: dict[str, GeoNode]) -> dict[str, Distributor]:
    rows = Distributor.objects.bulk_create(
        [
            Distributor(
                code=d.code, legal_name=d.legal_name, trade_name=d.trade_name, country_code="IN", tax_id=d.tax_id,
                status=DistributorStatus.ACTIVE, email=d.email, phone=d.phone, address=d.address,
            )
            for d in plan.distributors
        ]
    )
    distributors = {d.code: d for d in rows}
    DistributorTerritory.objects.bulk_create(
        [
            DistributorTerritory(distributor=distributors[d.code], territory=nodes[code])
            for d in plan.distributors for code in d.territory_codes
        ]
    )
    DistributorContact.objects.bulk_create(
        [
            DistributorContact(distributor=distributors[d.code], name=c.name, designation=c.designation, phone=c.phone,
                               email=c.email, is_primary=c.is_primary)
            for d in plan.distributors for c in d.contacts
        ]
    )
    Warehouse.objects.bulk_create(
        [
            Warehouse(distributor=distributors[d.code], code=w.code, name=w.name, address=w.address,
                      latitude=w.latitude, longitude=w.longitude)
            for d in plan.distributors for w in d.warehouses
        ]
    )
    return distributors


def _write_outlets(plan: DemoPlan, nodes: dict[str, GeoNode], distributors: dict[str, Distributor], progress) -> None:
    bar = progress(total=len(plan.outlets), desc="Writing outlets") if progress else None
    for start in range(0, len(plan.outlets), CHUNK):
        chunk = plan.outlets[start:start + CHUNK]
        Outlet.objects.bulk_create(
            [
                Outlet(
                    code=o.code, name=o.name, owner_name=o.owner_name, phone=o.phone, address=o.address, city=o.city,
                    postal_code=o.postal_code, latitude=o.latitude, longitude=o.longitude, channel=o.channel,
                    outlet_class=o.outlet_class, territory_id=nodes[o.territory_code].pk,
                    distributor_id=distributors[o.distributor_code].pk, status=o.status, tax_id=o.tax_id,
                )
                for o in chunk
            ]
        )
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()


def _write_users(plan: DemoPlan, nodes: dict[str, GeoNode], distributors: dict[str, Distributor], password_hash: str) -> None:
    taken = set(User.objects.filter(username__in=[u.username for u in plan.users]).values_list("username", flat=True))
    if taken:
        raise DemoDataConflict(f"Users already exist with the demo usernames: {', '.join(sorted(taken)[:5])}")
    users = User.objects.bulk_create(
        [
            User(
                username=u.username, first_name=u.first_name, last_name=u.last_name, role=u.role,
                email=f"{u.username}@{DEMO_EMAIL_DOMAIN}", password=password_hash,
                distributor=distributors[u.distributor_code] if u.distributor_code else None,
                is_staff=u.role != "field_rep", is_superuser=u.role == "administrator",
            )
            for u in plan.users
        ],
        batch_size=CHUNK,
    )
    through = User.geo_nodes.through
    through.objects.bulk_create(
        [
            through(user_id=user.pk, geonode_id=nodes[code].pk)
            for user, u in zip(users, plan.users, strict=True) for code in u.node_codes
        ]
    )


WRITTEN_MODELS = (GeoNode, Brand, Category, SKU, Distributor, DistributorTerritory, DistributorContact, Warehouse, Outlet, User)
# The apps holding stock and order data: deleted, whole, before the master data on --reset.
TRANSACTION_APPS = ("claims", "pricing", "billing", "orders", "purchasing", "inventory")


def _transaction_models() -> list:
    return [m for label in TRANSACTION_APPS if apps.is_installed(f"distra.{label}")
            for m in apps.get_app_config(label).get_models(include_auto_created=True)]


def refresh_statistics() -> None:
    """ANALYZE the tables just loaded, once the load is committed.

    Without statistics PostgreSQL plans the first queries on 50,000 fresh outlets as if the table
    were nearly empty (nested loops over sequential scans: list pages of 0.5 s instead of a few
    ms) until autovacuum gets round to it.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (*WRITTEN_MODELS, *_transaction_models()))
            cursor.execute(f"ANALYZE {tables}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


class DemoDataConflict(Exception):
    """The database holds data the demo would collide with."""


class DemoVerifyFailed(Exception):
    """The stock balances the demo wrote differ from its ledger (nothing is committed)."""


@contextmanager
def _history_paused():
    # Deleting 50,000 outlets would otherwise write 50,000 audit rows for data that was seeded.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        yield


@transaction.atomic
def delete_master_data() -> None:
    """Delete the master data the demo writes (and the demo users), leaves first.

    Other users are kept; distributor users go with their distributors. The stock and order data
    go first, whole (every model of TRANSACTION_APPS, the referencing before the referenced).
    """
    with _history_paused():
        _delete_transactions()
        Outlet.objects.all().delete()
        DistributorContact.objects.all().delete()
        Warehouse.objects.all().delete()
        DistributorTerritory.objects.all().delete()
        User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").delete()
        User.objects.filter(distributor__isnull=False).delete()
        Distributor.objects.all().delete()
        SKU.objects.all().delete()
        _delete_tree(Category)
        Brand.objects.all().delete()
        _delete_tree(GeoNode)


def _delete_transactions() -> None:
    """Delete every row of the stock and order apps with plain DELETEs (no per-row signals: the
    ledger's models refuse deletes one by one, and 100,000 orders would take minutes), each
    table after every table that references it."""
    remaining = _transaction_models()
    while remaining:
        ready = [m for m in remaining if not any(o is not m and _references(o, m) for o in remaining)] or remaining[:1]
        for model in ready:
            model._base_manager.all()._raw_delete(connection.alias)
        remaining = [m for m in remaining if m not in ready]


def _references(model, target) -> bool:
    return any(f.related_model is target for f in model._meta.concrete_fields if f.is_relation)


def _delete_tree(model) -> None:
    """Delete a tree whose parent links PROTECT: the deepest level first."""
    while model.objects.exists():
        model.objects.filter(children__isnull=True).delete()
