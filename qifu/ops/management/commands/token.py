"""`qifu token create USERNAME [--name NAME]`: a new API token, printed once on stdout (PRODUCT.md §3)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qifu.accounts.models import User
from qifu.accounts.services import token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it (only its digest is stored: it cannot be shown again)."
    requires_system_checks: list[str] = []  # like createsuperuser: usable while the project is mid-change

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="create a token for USERNAME and print it")
        create.add_argument("username", metavar="USERNAME")
        create.add_argument("--name", default="cli", help="a label for the token (default: cli)")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist as exc:
            raise CommandError(f"no user named {username!r}") from exc
        if not user.is_active:
            raise CommandError(f"user {username!r} is inactive")
        self.stdout.write(token_create(user=user, name=options["name"]))
