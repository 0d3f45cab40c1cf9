"""`distra stock verify`: rebuild the balances from the ledger and the open reservations and
report every difference; exits 1 if there is any."""

import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Stock ledger tools. verify: rebuild balances from the ledger and report differences (exit 1 if any)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Rebuild on hand and reserved and compare with the cached balances.")

    def handle(self, *args, action: str, **options):
        from distra.inventory.selectors import stock_verify

        differences = stock_verify()
        for difference in differences:
            self.stdout.write(difference.describe())
        if differences:
            self.stderr.write(f"{len(differences)} stock position(s) differ from the ledger.")
            sys.exit(1)
        self.stdout.write("Stock balances agree with the ledger and the open reservations.")
