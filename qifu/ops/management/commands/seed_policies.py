"""`qifu seed_policies --scale S [--seed N]` (internal to `qifu bench`): add the demo policies and the
service-list snapshot to a database seeded before they existed — each only when its table is
empty, so running it twice changes nothing. A fresh `qifu seed` writes them itself."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qifu.ops.management.commands.seed import TqdmProgress
from qifu.ops.seeding.policies import seed_policies_only
from qifu.ops.seeding.scales import SCALES


class Command(BaseCommand):
    help = "Internal: add the demo policies and service-list memberships to a seeded database (when it has none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="zone")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = TqdmProgress(disable=True if options["no_progress"] else None)
        counts = seed_policies_only(scale_name=options["scale"], seed=options["seed"], progress=progress)
        self.stdout.write(json.dumps(counts))
