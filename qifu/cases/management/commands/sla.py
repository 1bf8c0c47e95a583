"""`qifu sla run [--now ISO-DATETIME] [--json]`: the deadline job as of that moment."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qifu.cases.sla import sla_run
from qifu.core.cli import iso_moment


class Command(BaseCommand):
    help = "Deadline job. `run`: reminders, overdue flags and notices, reports to leaders (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        run = sub.add_parser("run", help="Run the deadline job once.")
        run.add_argument("--now", type=iso_moment, default=None, help="as of this moment (Beijing time if no offset)")
        run.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        result = sla_run(now=options["now"])
        for year in result.uncovered_years:
            self.stderr.write(f"warning: the holiday package has no data for {year}; weekends plus overrides count")
        if options["json"]:
            self.stdout.write(json.dumps({"today": result.today.isoformat(), "sent": result.sent}))
            return
        parts = ", ".join(f"{k} {v}" for k, v in result.sent.items())
        self.stdout.write(f"deadline job as of {result.today}: {result.total} notices ({parts})")
