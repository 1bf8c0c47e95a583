"""`qifu search rebuild [--type cases|enterprises|policies] [--no-progress]`,
`qifu search merge [--pages N] [--rounds N]` and
`qifu search query Q [--type …] [--as USERNAME] [--explain]` (issue 7 item 1, docs/SEARCH.md).

rebuild: the index of each kind from the data, in batches, with a progress bar per kind on
stderr and a summary (documents and seconds per kind). `qifu seed` runs it at the end.
merge: what the periodic job does (SQLite): merge the case index's new segments, a few pages a
transaction, and say how many transactions it took.
query: one search as a user (default: the first service-desk account), with its timing and, with
--explain, the database's plan — for checking the index on a live database.
"""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from qifu.search.services import KINDS, MERGE_PAGES, MERGE_ROUNDS, search_merge, search_rebuild


class Command(BaseCommand):
    help = "Full-text search: rebuild the index, or run one query."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = sub.add_parser("rebuild", help="Rebuild the index from the data (all kinds, or --type).")
        rebuild.add_argument("--type", choices=KINDS, action="append", help="only this kind (repeatable)")
        rebuild.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
        merge = sub.add_parser("merge", help="Merge the case index's new segments (what the periodic job does).")
        merge.add_argument("--pages", type=int, default=MERGE_PAGES, help=f"pages a transaction [{MERGE_PAGES}]")
        merge.add_argument("--rounds", type=int, default=MERGE_ROUNDS, help=f"transactions at most [{MERGE_ROUNDS}]")
        query = sub.add_parser("query", help="Run one search and print the hits, the count and the time.")
        query.add_argument("q")
        query.add_argument("--type", choices=KINDS, default="cases")
        query.add_argument("--as", dest="username", default="", help="the searching user (default: a desk user)")
        query.add_argument("--explain", action="store_true", help="print the database's plan")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "rebuild":
            self._rebuild(options)
        elif options["subcommand"] == "merge":
            self._merge(options)
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

    def _merge(self, options: Any) -> None:
        if options["pages"] < 1 or options["rounds"] < 1:
            raise CommandError("--pages and --rounds must be at least 1", returncode=2)
        result = search_merge(pages=options["pages"], rounds=options["rounds"])
        if not result.rounds:
            self.stdout.write("Nothing to merge: this database keeps its own full-text index (PostgreSQL).")
            return
        for table, rounds in result.rounds.items():
            self.stdout.write(f"  {table:<16}{rounds:>6} transactions of merge work")
        state = "nothing left to merge" if result.done else "more left for the next run"
        self.stdout.write(f"Merged in {result.seconds:.2f} s; {state}.")

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
