"""`qifu alerts scan [--today YYYY-MM-DD] [--json]` (issue 6 item 3, docs/ALERTS.md).

Runs the early-warning scan — the same service as the daily task — and prints what it found and
raised per kind, how many conditions an open alert already covers, and how many were closed for the
same period before. With --json, stdout holds one JSON object: {"today", "snapshot", "indicators",
"found": {kind: n}, "created": {kind: n}, "still_open", "closed_before", "notified", "seconds"}.
Exit 2: a bad date.
"""

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qifu.alerts.models import AlertKind
from qifu.alerts.services import alerts_scan


class Command(BaseCommand):
    help = "Early warnings: scan the lists, the indicators and the milestones and raise alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        scan = sub.add_parser("scan", help="Raise the alerts whose condition holds (idempotent).")
        scan.add_argument("--today", default=None, help="YYYY-MM-DD (default: today in Beijing)")
        scan.add_argument("--json", action="store_true", help="print only JSON on stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today: not YYYY-MM-DD: {options['today']!r}", returncode=2) from exc
        result = alerts_scan(today=today)
        doc = result.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(doc, ensure_ascii=False))
            return
        self.stdout.write(
            f"alerts scan {doc['today']} (list snapshot {doc['snapshot'] or '-'}, "
            f"indicators {doc['indicators'] or '-'}) in {doc['seconds']} s"
        )
        for kind in AlertKind:
            self.stdout.write(f"  {kind.value:<10} found {doc['found'][kind]:>7}  raised {doc['created'][kind]:>7}")
        self.stdout.write(
            f"  already open {doc['still_open']}, closed for the same period {doc['closed_before']}, "
            f"liaisons told {doc['notified']}"
        )
