"""`qifu search rebuild [--type cases|enterprises|policies] [--no-progress]` and
`qifu search query Q [--type …] [--as USERNAME] [--explain]` (issue 7 item 1, docs/SEARCH.md).

rebuild: the index of each kind from the data, in batches, with a progress bar per kind on
stderr and a summary (documents and seconds per kind). `qifu seed` runs it at the end.
query: one search as a user (default: the first service-desk account), with its timing and, with
--explain, the database's plan — for checking the index on a live database.
"""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from qifu.search.services import KINDS, search_rebuild


class Command(BaseCommand):
    help = "Full-text search: rebuild the index, or run one query."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = sub.add_parser("rebuild", help="Rebuild the index from the data (all kinds, or --type).")
        rebuild.add_argument("--type", choices=KINDS, action="append", help="only this kind (repeatable)")
        rebuild.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
        query = sub.add_parser("query", help="Run one search and print the hits, the count and the time.")
        query.add_argument("q")
        query.add_argument("--type", choices=KINDS, default="cases")
        query.add_argument("--as", dest="username", default="", help="the searching user (default: a desk user)")
        query.add_argument("--explain", action="store_true", help="print the database's plan")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "rebuild":
            self._rebuild(options)
        else:
            self._query(options)

    def _rebuild(self, options: Any) -> None:
        bars: list[tqdm] = []

        def progress(kind: str, total: int) -> Any:
            bar = tqdm(
                total=total,
                desc=f"search {kind:<11}",
                unit=" docs",
                file=sys.stderr,
                disable=options["no_progress"] or None,
            )
            bars.append(bar)
            return bar.update

        try:
            result = search_rebuild(kinds=options["type"] or KINDS, progress=progress)
        finally:
            for bar in bars:
                bar.close()
        total = sum(result.seconds.values())
        self.stdout.write(f"Search index rebuilt in {total:.1f} s:")
        for kind, n in result.counts.items():
            seconds = result.seconds[kind]
            rate = f", {n / seconds:,.0f}/s" if seconds > 0 and n else ""
            self.stdout.write(f"  {kind:<12}{n:>10,}  ({seconds:.1f} s{rate})")

    def _query(self, options: Any) -> None:
        from qifu.access.actor import Actor
        from qifu.accounts.models import User
        from qifu.search import engine
        from qifu.search.selectors import _compiled, search, search_terms

        users = (
            User.objects.filter(username=options["username"])
            if options["username"]
            else User.objects.filter(role="desk")
        )
        user = users.order_by("pk").first()
        if user is None:
            raise CommandError("no such user", returncode=2)
        actor = Actor.of(user)
        started = time.perf_counter()
        page = search(actor=actor, q=options["q"], type=options["type"])
        ms = (time.perf_counter() - started) * 1000
        self.stdout.write(f"{page.count:,} matches for {search_terms(options['q'])} as {user.username} in {ms:.1f} ms")
        for hit in page.items:
            self.stdout.write(f"  {hit.key:<20} {hit.title}")
        if options["explain"]:
            compiled = _compiled(actor, options["type"], search_terms(options["q"]))
            if compiled is not None:
                for line in engine.explain(compiled):
                    self.stdout.write(f"  plan: {line}")
