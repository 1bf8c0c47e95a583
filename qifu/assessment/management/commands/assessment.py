"""`qifu assessment refresh [--month YYYY-MM ...] [--now ISO-DATETIME] [--json]`: recount the rollup."""

import json
from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qifu.assessment.periods import period_parse
from qifu.assessment.tallies import WINDOW_MONTHS, assessment_refresh
from qifu.core.errors import RuleViolation


def _month(value: str) -> date:
    try:
        return period_parse(period=value).since
    except RuleViolation as exc:
        raise CommandError(f"--month: {exc.message}") from exc


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now: not an ISO date-time: {value!r}") from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        f"Assessment (考核). `refresh`: recount the monthly rollup (default: the last {WINDOW_MONTHS} months); "
        "the Huey jobs do this every 10 minutes and daily. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        run = sub.add_parser("refresh", help="Recount the monthly rollup.")
        run.add_argument("--month", type=_month, action="append", help="a month YYYY-MM (repeatable)")
        run.add_argument("--now", type=_moment, default=None, help="as of this moment (Beijing time if no offset)")
        run.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        result = assessment_refresh(months=options["month"], now=options["now"])
        months = [f"{m:%Y-%m}" for m in result.months]
        if options["json"]:
            self.stdout.write(json.dumps({"today": result.today.isoformat(), "months": months, "rows": result.rows}))
            return
        self.stdout.write(f"assessment rollup as of {result.today}: {len(months)} months, {result.rows} rows")
