"""`qifu notify_flush [--now ISO-DATETIME]`: send the due notifications now (what the per-minute task does)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qifu.core.cli import iso_moment
from qifu.notify.services import notify_flush


class Command(BaseCommand):
    help = "Send the notifications that are due (urgent ones and digests), as of --now (default: now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", type=iso_moment, default=None, help="ISO date-time, e.g. 2026-12-01T09:00+08:00")

    def handle(self, *args: Any, **options: Any) -> None:
        result = notify_flush(options["now"])
        self.stdout.write(json.dumps({"sent": result.sent, "failed": result.failed, "digests": result.digests}))
