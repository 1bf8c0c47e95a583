"""`qifu seed --scale small|zone|city [--seed N]`: a deterministic demo zone in an empty database."""

import sys
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from qifu.ops.seeding.password import demo_password_generate, demo_password_problems, demo_password_store
from qifu.ops.seeding.scales import SCALES
from qifu.ops.seeding.writer import SeedError, SeedResult, existing_data, seed_zone


class TqdmProgress:
    """One tqdm bar per phase on stderr (hidden when stderr is not a terminal, or with --no-progress)."""

    def __init__(self, *, disable: bool | None) -> None:
        self.disable = disable
        self.bar: tqdm | None = None

    def start(self, phase: str, total: int) -> None:
        self.bar = tqdm(total=total, desc=f"{phase:<13}", unit=" rows", file=sys.stderr, disable=self.disable)

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def accounts_table(accounts: list[tuple[str, str, str]]) -> list[str]:
    width = max((len(a[0]) for a in accounts), default=8) + 2
    return [f"  {'username':<{width}}{'role':<11}name"] + [
        f"  {username:<{width}}{role:<11}{name}" for username, role, name in accounts
    ]


def summary_lines(result: SeedResult) -> list[str]:
    c = result.counts
    staff = ", ".join(f"{role} {n}" for role, n in result.staff_by_role.items())
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.phases.items())
    return [
        f"Seeded the {result.scale} scale (seed {result.seed}) in {result.seconds:.1f} s:",
        f"  enterprises   {c['enterprises']:>8,}  (industrial {c['industrial_enterprises']:,})",
        f"  projects      {c['projects']:>8,}  (milestones {c['milestones']:,})",
        f"  staff         {c['staff']:>8,}  ({staff})",
        f"  linkages      {c['linkages']:>8,}",
        f"  task forces   {c['task_forces']:>8,}  (members {c['task_force_members']:,})",
        f"  users         {c['users']:>8,}  (enterprise portal {c['enterprise_users']:,})",
        *case_lines(result),
        f"  time by phase: {phases}",
    ]


def case_lines(result: SeedResult) -> list[str]:
    c = result.counts
    if not c.get("cases"):
        return []
    states = ", ".join(f"{state} {n:,}" for state, n in result.cases_by_state.items())
    rows = (
        f"events {c['case_events']:,}, assisting parts {c['case_parts']:,}, extensions {c['extensions']:,}, "
        f"returns {c['return_requests']:,}, info requests {c['info_requests']:,}, deadline notices {c['sla_notices']:,}"
    )
    return [
        f"  cases         {c['cases']:>8,}  ({states}; as of {result.as_of})",
        f"                          ({rows})",
    ]


class Command(BaseCommand):
    help = (
        "Fill an EMPTY database with a deterministic demo zone (same --seed, same data) and print the "
        "demo accounts and their password (QIFU_DEMO_PASSWORD, or a generated one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="zone",
            help="small (tests), zone (806 enterprises) or city (100,000)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            help="the day the case timelines run up to (YYYY-MM-DD; default today): same seed and day, same rows",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
        parser.add_argument(
            "--digest", action="store_true", help="print a digest of the seeded rows (determinism check)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = SCALES[options["scale"]]
        password = settings.DEMO_PASSWORD or demo_password_generate()
        problems = demo_password_problems(password)
        if problems:
            raise CommandError("QIFU_DEMO_PASSWORD does not meet the password policy: " + " ".join(problems))
        try:
            reason = existing_data()
        except DatabaseError as exc:
            raise CommandError(f"the database is not ready ({exc}); run `qifu migrate` first") from exc
        if reason:
            raise CommandError(f"{reason}; seed only fills an empty database (use a new QIFU_DATA_DIR or database)")
        encoded = make_password(password)  # hashed once, shared by every seeded user (see writer.py)
        progress = TqdmProgress(disable=True if options["no_progress"] else None)
        try:
            result = seed_zone(
                scale=scale, seed=options["seed"], encoded_password=encoded, progress=progress, as_of=options["as_of"]
            )
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        stored = demo_password_store(settings.DATA_DIR, password)
        out = self.stdout
        for line in summary_lines(result):
            out.write(line)
        call_command("search", "rebuild", *(["--no-progress"] if options["no_progress"] else []), stdout=out)
        if scale.name != "small":  # a first triage model from the seeded history (docs/TRIAGE.md)
            call_command("triage", "train", "--if-missing", "--no-progress", stdout=out, stderr=self.stderr)
        if options["digest"]:
            from qifu.ops.seeding.digest import seed_digest

            out.write(f"  digest: {seed_digest()}")
        out.write("Demo accounts:")
        for line in accounts_table(result.accounts):
            out.write(line)
        source = "QIFU_DEMO_PASSWORD" if settings.DEMO_PASSWORD else "generated"
        out.write(f"Password of every seeded account ({source}; kept in {stored}): {password}")
