"""`qifu report monthly --month 2026-10 --out FILE.docx`: the monthly work report (月度工作报告) as Word."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.cockpit.months import month_parse
from qifu.cockpit.report import monthly_report, report_docx
from qifu.core.errors import PermissionDenied, RuleViolation


class Command(BaseCommand):
    help = (
        "Reports. `monthly --month YYYY-MM --out FILE.docx`: the monthly work report (月度工作报告) from the "
        "cockpit's figures, as a Word document (default month: the current one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        monthly = sub.add_parser("monthly", help="The monthly work report as a .docx file.")
        monthly.add_argument("--month", default="", help="YYYY-MM (default: the current month, Beijing time)")
        monthly.add_argument("--out", required=True, help="the .docx file to write")
        monthly.add_argument(
            "--as", dest="username", default="leader", help="act as this user (a leader or service desk account)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r} (use --as USERNAME)", returncode=2)
        try:
            first = month_parse(options["month"])
            report = monthly_report(actor=Actor.of(user), month=first)
        except RuleViolation as exc:
            raise CommandError(f"--month: {exc.message}", returncode=2) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{user.username} may not read the cockpit ({exc.message})", returncode=2) from exc
        out = Path(options["out"])
        out.write_bytes(report_docx(report))
        self.stdout.write(f"{report.title} · {report.month_label}：已写入 {out}")
