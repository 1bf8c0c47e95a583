"""`qifu triage` (issue 7 item 2, docs/TRIAGE.md).

- `qifu triage train [--limit N] [--if-missing] [--no-progress]`: learn a model version from the
  newest N settled cases (default 200,000); progress on stderr, a summary on stdout.
  `--if-missing` trains only when no model exists (the bench's setup). Exit 1: too little history.
- `qifu triage evaluate [--limit N] [--json]`: fit on the older 80% of the settled cases and print
  top-1 and top-3 category accuracy (and department accuracy) on the newest 20%.
- `qifu triage --jsonl FILE` (PRODUCT.md §3): reads {"id","text"} lines (FILE or - for stdin) and
  prints one {"id","category","department","confidence","alternatives"} line each; only JSON on
  stdout, problems on stderr (exit 1 if a line could not be read).
"""

import json
import sys
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qifu.core.errors import RuleViolation
from qifu.triage.selectors import history, model_current, suggest
from qifu.triage.services import CITY_LIMIT, triage_evaluate, triage_train


class Command(BaseCommand):
    help = "Triage suggestions: train a model, evaluate it on held-out history, or classify a JSON-lines file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jsonl", metavar="FILE", help='classify {"id","text"} lines of FILE (- for stdin)')
        sub = parser.add_subparsers(dest="subcommand")
        train = sub.add_parser("train", help="learn a model version from the settled cases")
        train.add_argument("--limit", type=int, default=CITY_LIMIT, help="the newest N settled cases (200,000)")
        train.add_argument("--if-missing", action="store_true", help="only when no model exists yet")
        train.add_argument("--no-progress", action="store_true", help="no progress lines on stderr")
        ev = sub.add_parser("evaluate", help="top-1 / top-3 on the newest 20%% after fitting on the older 80%%")
        ev.add_argument("--limit", type=int, default=CITY_LIMIT, help="the newest N settled cases (200,000)")
        ev.add_argument("--json", action="store_true", help="print only JSON on stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["jsonl"]:
            self._jsonl(options["jsonl"])
        elif options["subcommand"] == "train":
            self._train(options)
        elif options["subcommand"] == "evaluate":
            self._evaluate(options)
        else:
            raise CommandError("say `train`, `evaluate` or `--jsonl FILE`", returncode=2)

    def _progress(self, message: str) -> None:
        self.stderr.write(message)

    def _train(self, options: dict[str, Any]) -> None:
        if options["if_missing"] and model_current() is not None:
            self.stdout.write("a triage model exists; nothing to do")
            return
        try:
            row = triage_train(
                actor=None, limit=options["limit"], progress=None if options["no_progress"] else self._progress
            )
        except RuleViolation as exc:
            raise CommandError(exc.message, returncode=1) from exc
        self.stdout.write(
            f"triage model v{row.pk}: {row.n_samples:,} settled cases in {row.seconds} s; held out (newest "
            f"{row.n_test:,}, trained on the older {row.n_train:,}): category top-1 {row.top1:.3f}, "
            f"top-3 {row.top3:.3f}, department {row.dept_top1:.3f}"
        )

    def _evaluate(self, options: dict[str, Any]) -> None:
        samples = history(options["limit"])
        if len(samples) < 10:
            raise CommandError(f"{len(samples)} settled cases: nothing to evaluate", returncode=1)
        progress = None if options["json"] else self._progress
        ev = triage_evaluate(samples=samples, progress=progress)
        doc = {
            "samples": len(samples),
            "train": ev.n_train,
            "test": ev.n_test,
            "split_at": ev.split_at.isoformat() if ev.split_at else None,
            "top1": round(ev.scores.top1, 4),
            "top3": round(ev.scores.top3, 4),
            "department_top1": round(ev.scores.dept_top1, 4),
            "confusion": ev.scores.confusion,
        }
        if options["json"]:
            self.stdout.write(json.dumps(doc, ensure_ascii=False))
            return
        self.stdout.write(
            f"held-out split: trained on the older {ev.n_train:,}, tested on the newest {ev.n_test:,} "
            f"(filed from {doc['split_at']})"
        )
        self.stdout.write(f"  category top-1 {ev.scores.top1:.3f}")
        self.stdout.write(f"  category top-3 {ev.scores.top3:.3f}")
        self.stdout.write(f"  department     {ev.scores.dept_top1:.3f}")

    def _jsonl(self, name: str) -> None:
        failed = 0
        if name == "-":
            failed = self._classify(sys.stdin)
        else:
            try:
                with open(name, encoding="utf-8") as fh:
                    failed = self._classify(fh)
            except OSError as exc:
                raise CommandError(f"{name}: {exc.strerror}", returncode=2) from exc
        if failed:
            raise CommandError(f"{failed} line(s) could not be read", returncode=1)

    def _classify(self, lines: TextIO) -> int:
        failed = 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                text = doc["text"] if isinstance(doc, dict) else None
                if not isinstance(text, str):
                    raise ValueError("no text")
            except (ValueError, KeyError) as exc:
                failed += 1
                self.stderr.write(f"line {number}: not a {{'id','text'}} object ({exc})")
                continue
            s = suggest(text)
            out = {
                "id": doc.get("id"),
                "category": s.category.code,
                "department": s.department.code,
                "confidence": s.category.confidence,
                "alternatives": [{"category": c.code, "confidence": c.confidence} for c in s.alternatives],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        return failed
