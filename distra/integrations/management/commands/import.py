"""distra import <distributors|outlets|skus> FILE [--dry-run] [--partial] --user USERNAME"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from distra.core.errors import Forbidden
from distra.integrations.importers import KINDS, ImportReport
from distra.integrations.services import ImportRejected, data_import

from ._common import acting_user


class Command(BaseCommand):
    help = (
        "Import distributors, outlets or SKUs from a CSV or XLSX file, as USER (whose role and scope apply). "
        "All or nothing unless --partial; --dry-run checks and writes nothing. Exits 1 when a row has a problem, "
        "2 when the file cannot be imported at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="username to act as")
        parser.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
        parser.add_argument("--partial", action="store_true", help="write the valid rows and report the rest")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, kind, file, user, dry_run, partial, no_progress, **options):
        by = acting_user(user)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}", returncode=2) from exc
        with tqdm(desc=f"{kind}", unit="row", disable=no_progress, file=self.stderr._out, leave=False, delay=0.5) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                report = data_import(by=by, kind=kind, data=data, filename=file.name, dry_run=dry_run, partial=partial, progress=progress)
            except Forbidden as exc:
                raise CommandError(exc.message, returncode=2) from exc
            except ImportRejected as exc:
                self.print_report(exc.report)
                raise CommandError(exc.message, returncode=2) from exc
        self.print_report(report)
        if report.problems:
            raise CommandError(f"{report.failed} row(s) with problems; " + ("nothing was written." if not report.committed else "the valid rows were written."), returncode=1)

    def print_report(self, report: ImportReport) -> None:
        mode = "dry run" if report.dry_run else ("partial" if report.partial else "all or nothing")
        outcome = "committed" if report.committed else "nothing written"
        self.stdout.write(
            f"{report.kind} ({mode}): {report.rows} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.failed} with problems; {outcome}."
        )
        for problem in report.problems:
            where = f"row {problem.row}" if problem.row is not None else "file"
            column = f", column {problem.column}" if problem.column else ""
            self.stdout.write(f"  {where}{column}: [{problem.code}] {problem.message}")
