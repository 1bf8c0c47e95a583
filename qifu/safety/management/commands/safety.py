"""`qifu safety overdue [--now ISO-DATETIME]`: the rectification overdue job as of that moment."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qifu.core.cli import iso_moment
from qifu.safety.jobs import overdue_run


class Command(BaseCommand):
    help = "Safety rectifications. `overdue`: flag rectifications past their deadline and notify (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        run = sub.add_parser("overdue", help="Run the overdue job once.")
        run.add_argument("--now", type=iso_moment, default=None, help="as of this moment (Beijing time if no offset)")

    def handle(self, *args: Any, **options: Any) -> None:
        result = overdue_run(now=options["now"])
        self.stdout.write(f"safety overdue job as of {result.today}: {result.flagged} flagged")
