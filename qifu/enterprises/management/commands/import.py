# noqa: N999 - the command is `qifu import`, so the module is import.py
"""`qifu import KIND FILE [--skip-invalid] [--as USERNAME] [--json]` (PRODUCT.md §3, formats.md).

Each kind is a subcommand registered by its app's `importing` module through
`qifu.core.imports.register_importer` (enterprises today; indicators, projects and linkages plug
in the same way without touching this file).

Exit status: 0 imported (with --skip-invalid, also when invalid rows were skipped); 1 rejected,
nothing written; 2 could not run (unknown user, no right to import, missing file).
With --json, stdout holds only the JSON report; the progress bar and messages go to stderr.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import autodiscover_modules
from tqdm import tqdm

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.core.errors import PermissionDenied
from qifu.core.imports import ImportReport, Progress, format_report, importers

PHASES = {"check": "校验", "write": "写入"}


class Command(BaseCommand):
    help = "Import a ledger file (xlsx or UTF-8 CSV, columns in formats.md): qifu import KIND FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        autodiscover_modules("importing")
        sub = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        for kind, importer in importers().items():
            kind_parser = sub.add_parser(kind, help=importer.help, description=importer.help)
            kind_parser.add_argument("file", help="an .xlsx workbook (first sheet) or a UTF-8 .csv file")
            kind_parser.add_argument(
                "--skip-invalid", action="store_true", help="write the valid rows and report the others"
            )
            kind_parser.add_argument(
                "--as", dest="username", default="desk", help="act as this user (a service desk account)"
            )
            kind_parser.add_argument("--json", action="store_true", help="print the report as JSON on stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        importer = importers()[options["kind"]]
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r} (use --as USERNAME)", returncode=2)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}", returncode=2)
        with path.open("rb") as file, _Bar(getattr(self.stderr, "_out", sys.stderr)) as progress:
            try:
                report = importer.run(
                    actor=Actor.of(user),
                    file=file,
                    filename=path.name,
                    skip_invalid=options["skip_invalid"],
                    progress=progress,
                )
            except PermissionDenied as exc:
                raise CommandError(f"{user.username} may not import ({exc.message})", returncode=2) from exc
        self._print(report, as_json=options["json"])
        if report.rejected:
            raise CommandError("rejected: nothing was written (see the report)", returncode=1)

    def _print(self, report: ImportReport, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            self.stderr.write(_summary(report))
        else:
            self.stdout.write(format_report(report))


def _summary(report: ImportReport) -> str:
    state = "rejected" if report.rejected else "imported"
    return (
        f"{report.filename}: {state}; created {report.created}, updated {report.updated}, "
        f"unchanged {report.unchanged}, invalid {report.invalid}"
    )


class _Bar:
    """A tqdm bar on stderr (silent when stderr is not a terminal), one phase at a time."""

    def __init__(self, stream: Any) -> None:
        self.bar = tqdm(file=stream, disable=None, unit="行", leave=False, dynamic_ncols=True)
        self.phase = ""

    def __enter__(self) -> Progress:
        return self.update

    def __exit__(self, *exc: object) -> None:
        self.bar.close()

    def update(self, phase: str, done: int, total: int | None) -> None:
        if phase != self.phase:
            self.phase = phase
            self.bar.reset(total=total)
            self.bar.set_description(PHASES.get(phase, phase))
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()
