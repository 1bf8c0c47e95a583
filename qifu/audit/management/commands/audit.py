"""`qifu audit verify`: walk the audit hash chain (AU-3)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qifu.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `verify`: check the HMAC-SM3 chain; exit 1 naming the first bad record."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Verify the chain from the first record to the head.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            result = audit_verify()
            if not result.ok:
                raise CommandError(
                    f"audit chain broken at id {result.first_bad_id}: {result.reason} "
                    f"({result.checked} records verified before it)",
                    returncode=1,
                )
            self.stdout.write(f"ok, {result.checked} records")
