"""`qifu cockpit rebuild | check`: recount the cockpit's case cube from the cases, or compare them."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qifu.cockpit.cube import cube_counts, cube_rebuild, cube_recount


class Command(BaseCommand):
    help = (
        "The leaders' cockpit (驾驶舱). `rebuild`: recount the case cube from the cases (one GROUP BY; every "
        "case write keeps it exact, so this is for an imported or repaired database). `check`: compare the "
        "cube with a recount; exits 1 when they differ."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("rebuild", help="Recount the case cube.")
        check = sub.add_parser("check", help="Compare the case cube with a recount of the cases.")
        check.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "rebuild":
            rows = cube_rebuild()
            self.stdout.write(f"驾驶舱统计已重算：{rows} 行")
            return
        have, want = cube_counts(), cube_recount()
        wrong = sorted(k for k in set(have) | set(want) if have.get(k, 0) != want.get(k, 0))
        if options.get("json"):
            self.stdout.write(json.dumps({"rows": len(want), "differences": len(wrong)}))
        elif wrong:
            self.stdout.write(f"驾驶舱统计与诉求不一致：{len(wrong)} 处差异（运行 qifu cockpit rebuild 重算）")
            for key in wrong[:20]:
                self.stdout.write(f"  {key}: {have.get(key, 0)} ≠ {want.get(key, 0)}")
        else:
            self.stdout.write(f"驾驶舱统计与诉求一致：{len(want)} 行")
        if wrong:
            raise CommandError(f"{len(wrong)} differences", returncode=1)
