"""`qifu commons cluster [--days 90] [--min-enterprises 3] [--json]` (docs/COMMONS.md).

Computes the clusters of open cases (the same service as the nightly task and the desk's
重新计算) and stores them as the latest snapshot, with progress on stderr while the texts are
segmented. Prints the clusters found; with --json one object on stdout."""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qifu.commons.services import DEFAULT_DAYS, DEFAULT_MIN_ENTERPRISES, clusters_snapshot
from qifu.core.errors import QifuError


class Command(BaseCommand):
    help = "Common problems: compute the clusters of open cases and store the snapshot."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        cluster = sub.add_parser("cluster", help="Compute and store the cluster snapshot.")
        cluster.add_argument("--days", type=int, default=DEFAULT_DAYS, help="the period (default 90 days)")
        cluster.add_argument("--min-enterprises", type=int, default=DEFAULT_MIN_ENTERPRISES)
        cluster.add_argument("--json", action="store_true", help="print only JSON on stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["json"]

        def progress(n: int, total: int) -> None:
            if not quiet:
                sys.stderr.write(f"\r  segmenting {n}/{total} open cases")
                if n == total:
                    sys.stderr.write("\n")

        try:
            snapshot = clusters_snapshot(
                days=options["days"], min_enterprises=options["min_enterprises"], progress=progress
            )
        except QifuError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        doc: dict[str, Any] = {
            "computed_at": snapshot.computed_at.isoformat(),
            "days": snapshot.days,
            "min_enterprises": snapshot.min_enterprises,
            "open_cases": snapshot.open_cases,
            "seconds": snapshot.seconds,
            "clusters": [
                {
                    "key": c["key"],
                    "category": c["category"],
                    "cases": c["size"],
                    "enterprises": len(c["enterprises"]),
                    "terms": c["terms"],
                }
                for c in snapshot.clusters
            ],
        }
        if quiet:
            self.stdout.write(json.dumps(doc, ensure_ascii=False))
            return
        self.stdout.write(
            f"commons cluster: {doc['open_cases']} open cases in {doc['days']} days, "
            f"{len(doc['clusters'])} clusters (≥{doc['min_enterprises']} enterprises) in {doc['seconds']} s"
        )
        for c in doc["clusters"]:
            self.stdout.write(
                f"  {c['category'] or '-':<10} {c['cases']:>4} cases {c['enterprises']:>4} enterprises  "
                + "、".join(c["terms"])
            )
