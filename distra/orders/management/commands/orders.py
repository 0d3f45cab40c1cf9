"""`distra orders fill-backorders [--warehouse ID]`: allocate the back-orders waiting for stock now
(what the 10-minute job does); `distra orders metrics [--distributor ID] [--from DAY] [--to DAY]`:
fill rate and cycle time as JSON (docs/orders.md, "Metrics")."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder


class Command(BaseCommand):
    help = "Order tools. fill-backorders: allocate waiting back-orders now. metrics: fill rate and cycle time as JSON."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        fill = sub.add_parser("fill-backorders", help="Allocate back-orders waiting for stock, oldest first.")
        fill.add_argument("--warehouse", type=int, help="Only this warehouse id (default: every warehouse with back-orders)")
        metrics = sub.add_parser("metrics", help="Fill rate and order-to-fulfilment cycle time of delivered orders.")
        metrics.add_argument("--distributor", type=int, help="Distributor id (default: all)")
        metrics.add_argument("--from", dest="date_from", type=date.fromisoformat, help="First delivery day (YYYY-MM-DD)")
        metrics.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last delivery day (YYYY-MM-DD)")

    def handle(self, *args, action: str, **options):
        from distra.orders import selectors, tasks

        if action == "fill-backorders":
            if options["warehouse"]:
                filled = tasks.fill_backorders.call(options["warehouse"])
                self.stdout.write(f"{len(filled)} back-order(s) allocated at warehouse {options['warehouse']}.")
            else:
                result = tasks.fill_all_backorders.call()
                self.stdout.write(f"{result['filled']} back-order(s) allocated at {result['warehouses']} warehouse(s).")
            return
        actor = tasks.system_actor()
        if actor is None:
            raise CommandError("No active administrator account to read the metrics as.")
        metrics = selectors.order_metrics(user=actor, distributor_id=options["distributor"], date_from=options["date_from"],
                                          date_to=options["date_to"])
        self.stdout.write(json.dumps(metrics, cls=DjangoJSONEncoder, indent=2))
