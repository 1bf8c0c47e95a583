"""`qifu notify_flush [--now ISO-DATETIME]`: send the due notifications now (what the per-minute task does)."""

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qifu.notify.services import notify_flush


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--now: not an ISO date-time: {text!r}") from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Send the notifications that are due (urgent ones and digests), as of --now (default: now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", type=_moment, default=None, help="ISO date-time, e.g. 2026-12-01T09:00+08:00")

    def handle(self, *args: Any, **options: Any) -> None:
        result = notify_flush(options["now"])
        self.stdout.write(json.dumps({"sent": result.sent, "failed": result.failed, "digests": result.digests}))
