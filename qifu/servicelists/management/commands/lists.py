"""`qifu lists evaluate [--month YYYY-MM] [--json] [--no-progress]` (PRODUCT.md §2.5).

Evaluates the four lists for MONTH (default: the month just ended, Asia/Shanghai) into the
snapshot — the same service as the monthly task and the desk's button — and prints the members of
each list with those who entered and left against the snapshot before. With --json, stdout holds
one JSON object: {"month", "previous", "enterprises", "lists": {code: {"members", "by_rule",
"by_hand", "entered", "left"}}, "written": {"created", "updated", "deleted"}, "seconds"}.
Exit 2: a bad month; exit 1: a rule that no longer parses (nothing written).
"""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from qifu.core.errors import QifuError
from qifu.servicelists.months import last_month, parse_month
from qifu.servicelists.services import evaluate_month, evaluation_steps


class Command(BaseCommand):
    help = "The four service lists: evaluate a month into the snapshot."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        ev = sub.add_parser("evaluate", help="Evaluate every active rule for a month (idempotent).")
        ev.add_argument("--month", default=None, help="YYYY-MM (default: the month just ended)")
        ev.add_argument("--json", action="store_true", help="print only JSON on stdout")
        ev.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        month = last_month() if options["month"] is None else parse_month(options["month"])
        if month is None:
            raise CommandError(f"--month: not YYYY-MM: {options['month']!r}", returncode=2)
        bar = tqdm(
            total=evaluation_steps(month),
            desc=f"lists {month:%Y-%m}",
            unit=" steps",
            file=sys.stderr,
            disable=True if options["no_progress"] else None,
        )

        def step(label: str) -> None:
            bar.set_postfix_str(label)
            bar.update(1)

        try:
            result = evaluate_month(month=month, step=step)
        except QifuError as exc:
            bar.close()
            faults = exc.data.get("faults", [])
            for f in faults:
                self.stderr.write(f"{f['path']}: {f['message']}")
            returncode = 2 if exc.code == "list_bad_month" else 1
            raise CommandError(f"{exc.code}: {exc.message} (nothing written)", returncode=returncode) from exc
        bar.close()
        doc = result.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(doc, ensure_ascii=False))
            return
        against = doc["previous"] or "-"
        self.stdout.write(f"{doc['month']}: {doc['enterprises']:,} enterprises, against {against}")
        self.stdout.write(f"{'list':<14}{'members':>9}{'by hand':>9}{'entered':>9}{'left':>7}")
        for list_code, s in result.lists.items():
            self.stdout.write(f"{list_code:<14}{s.members:>9,}{s.by_hand:>9,}{s.entered:>9,}{s.left:>7,}")
        w = doc["written"]
        self.stdout.write(
            f"written: {w['created']:,} created, {w['updated']:,} updated, {w['deleted']:,} deleted "
            f"in {doc['seconds']:.2f} s"
        )
