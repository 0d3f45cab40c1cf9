"""distra export <distributors|outlets|skus> [--format csv|xlsx] [-o FILE] --user USERNAME"""

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from distra.core.errors import Forbidden
from distra.integrations.importers import KINDS
from distra.integrations.selectors import export_table
from distra.integrations.tabular import FORMATS, csv_lines, xlsx_bytes

from ._common import acting_user


class Command(BaseCommand):
    help = "Export the distributors, outlets or SKUs USER may see, in the columns the import reads back."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output, CSV only)")
        parser.add_argument("--user", required=True, help="username to act as")

    def handle(self, *args, kind, format, output, user, **options):  # noqa: A002
        by = acting_user(user)
        if format == "xlsx" and output is None:
            raise CommandError("An XLSX export needs -o FILE.")
        try:
            header, rows = export_table(user=by, kind=kind)
        except Forbidden as exc:
            raise CommandError(exc.message, returncode=2) from exc
        if format == "xlsx":
            output.write_bytes(xlsx_bytes(header, rows, title=kind))
        elif output is None:
            try:
                for line in csv_lines(header, rows):
                    self.stdout.write(line.lstrip("\ufeff"), ending="")
            except BrokenPipeError:  # e.g. piped into head: the reader has what it wanted
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return
        else:
            with output.open("w", encoding="utf-8", newline="") as fh:
                fh.writelines(csv_lines(header, rows))
        if output is not None:
            self.stderr.write(f"Wrote {output}.")
