import json
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from distra.demo import builder
from distra.demo.plan import SCALES

ROLE_ORDER = ["administrator", "brand_manager", "area_sales_manager", "distributor", "field_rep"]


class Command(BaseCommand):
    help = (
        "Seed a coherent, deterministic demo brand: geography, catalog, distributors, outlets, one user per "
        "role (logins in var/demo-logins.json), brand depots, 27 months of stock and order history ending "
        "yesterday, today's orders in every state and stock alerts. Does nothing if master data exists, unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument("dataset", choices=["demo"], help="What to seed (only 'demo' for now).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--scale", choices=sorted(SCALES), default="small",
                            help="small: 2,500 outlets, 8 distributors; large: 50,000 outlets, 50 distributors; "
                                 "tiny: 240 outlets and 16 SKUs (tests).")
        parser.add_argument("--reset", action="store_true", help="Delete existing master data first.")

    def handle(self, *args, dataset, seed, scale, reset, **options):
        existing = builder.existing_data()
        if existing and not reset:
            counts = ", ".join(f"{count} {name}" for name, count in existing.items())
            self.stdout.write(f"The database already has data ({counts}): already seeded, nothing done. "
                              "Use --reset to delete it and seed again.")
            self._report_saved_logins()
            return
        started = time.monotonic()

        def progress(total, desc):
            return tqdm(total=total, desc=desc, unit="", file=sys.stderr, disable=None, leave=False)

        try:
            with transaction.atomic():
                if existing:
                    self.stderr.write("Deleting existing master data …")
                    builder.delete_master_data()
                result = builder.build_demo(seed=seed, scale=scale, progress=progress)
        except (builder.DemoDataConflict, builder.DemoVerifyFailed) as exc:
            raise CommandError(f"{exc}. Nothing was written.") from exc
        builder.refresh_statistics()
        self._report(result, time.monotonic() - started)

    def _report(self, result: builder.DemoResult, seconds: float) -> None:
        plan = result.plan
        self.stdout.write(self.style.SUCCESS(
            f"Seeded the {plan.scale.name} demo (seed {plan.seed}) in {seconds:.1f} s: "
            f"{len(plan.territories)} territories, {len(plan.catalog.skus)} SKUs, "
            f"{len(plan.distributors)} distributors, {len(plan.outlets)} outlets, {len(plan.users)} users."
        ))
        if result.written:
            w = result.written
            states = ", ".join(f"{count} {status}" for status, count in sorted(result.live_orders.items()))
            self.stdout.write(
                f"History {result.history.start} to {result.history.end}: {w['orders']} delivered orders "
                f"({w['order_lines']} lines), {w['stock_moves']} stock moves, {w['batches']} batches. "
                f"Orders today: {states}. Stock alerts raised: {result.alerts.get('raised', 0)}."
            )
        self._write_logins(result.logins)
        if result.password_generated:
            self.stdout.write(f"Password for every demo user: {result.password}  (set DISTRA_DEMO_PASSWORD to choose it)")
        else:
            self.stdout.write("Password for every demo user: the value of DISTRA_DEMO_PASSWORD")
        self.stdout.write(f"All logins: {result.logins_path}")

    def _write_logins(self, logins: list[dict]) -> None:
        """The first login of each role (they form one chain), with how many more there are."""
        self.stdout.write("")
        self.stdout.write("Open http://127.0.0.1:8000 and sign in as:")
        first = {}
        for login in logins:
            first.setdefault(login["role"], login)
        width = max(len(login["username"]) for login in first.values())
        for role in ROLE_ORDER:
            if role not in first:
                continue
            login = first[role]
            more = sum(1 for other in logins if other["role"] == role) - 1
            extra = f"  (+{more} more)" if more else ""
            self.stdout.write(f"  {login['username']:<{width}}  {role:<19} {login['scope']}{extra}")

    def _report_saved_logins(self) -> None:
        path = settings.VAR_DIR / "demo-logins.json"
        if not path.exists():
            return
        logins = json.loads(path.read_text())
        if logins:
            self._write_logins(logins)
            self.stdout.write(f"Password for every demo user: {logins[0]['password']}  (all logins: {path})")
