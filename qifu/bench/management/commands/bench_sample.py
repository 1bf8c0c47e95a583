import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qifu.bench.samples import SAMPLE_SIZE, collect


class Command(BaseCommand):
    help = "Internal to `qifu bench`: print sample values (parks, USCCs, name fragments) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=SAMPLE_SIZE, help="values per key")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(collect(options["size"]), ensure_ascii=False))
