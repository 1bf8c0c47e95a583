"""`qifu policies import|match|explain|nightly` (PRODUCT.md §3; formats.md "Policies").

- `import FILE.json [--replace] [--json]`: all or nothing. Exit 0 with {created, updated, unchanged};
  exit 1 with every fault ({index, code, path, message}) and nothing written.
- `match CODE [--on YYYY-MM-DD] [--json]`: the eligible USCCs (a JSON list with --json);
  `match --all`: {code: [uscc…]} for every published policy in force, over one column load.
- `explain CODE USCC [--on YYYY-MM-DD] [--json]`:
  {"eligible": true|false|null, "leaves": [{"path","field","op","value","actual","outcome"}]}.
- `nightly [--on YYYY-MM-DD] [--json]`: the nightly job (expire, tell the newly eligible, grant lists).

Commands act as the system and see everything. With --json, stdout holds only JSON; messages go to
stderr. Exit 2: could not run (unknown policy or enterprise, missing file, bad date).
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qifu.core.errors import QifuError
from qifu.enterprises.models import Enterprise, EnterpriseStatus
from qifu.enterprises.validators import normalize_uscc
from qifu.policies import engine
from qifu.policies.models import Policy, PolicyStatus
from qifu.policies.notices import policies_nightly
from qifu.policies.selectors import current_policies, policy_tree
from qifu.policies.services import policies_parse_file, policy_import


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--on: not a date YYYY-MM-DD: {text!r}", returncode=2) from exc


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Command(BaseCommand):
    help = "The policy package: import a formats.md JSON file, match a policy, explain one enterprise."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="Import a formats.md JSON file (all or nothing).")
        imp.add_argument("file")
        imp.add_argument("--replace", action="store_true", help="overwrite policies whose code already exists")
        imp.add_argument("--json", action="store_true", help="print the result (or the faults) as JSON")
        match = sub.add_parser("match", help="The USCCs of the enterprises eligible for a policy.")
        match.add_argument("code", nargs="?", default=None)
        match.add_argument("--all", action="store_true", help="every published policy in force: {code: [uscc…]}")
        match.add_argument("--on", type=_day, default=None, help="evaluate on this day (default today)")
        match.add_argument("--json", action="store_true", help="print only JSON on stdout")
        explain = sub.add_parser("explain", help="Why an enterprise qualifies for a policy, or not.")
        explain.add_argument("code")
        explain.add_argument("uscc")
        explain.add_argument("--on", type=_day, default=None, help="evaluate on this day (default today)")
        explain.add_argument("--json", action="store_true", help="print only JSON on stdout")
        nightly = sub.add_parser("nightly", help="Run the nightly job once (idempotent).")
        nightly.add_argument("--on", type=_day, default=None, help="as of this day (default today)")
        nightly.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    # --- import -------------------------------------------------------------------------------

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}", returncode=2)
        try:
            items = policies_parse_file(path.read_bytes())
            result = policy_import(actor=None, items=items, replace=options["replace"])
        except QifuError as exc:
            faults = exc.data.get("faults", [])
            if options["json"]:
                self.stdout.write(_dumps({"code": exc.code, "detail": exc.message, "faults": faults}))
            else:
                for f in faults:
                    where = f"[{f['index']}]" if f.get("index") is not None else "[-]"
                    self.stdout.write(f"{where} {f.get('code') or '-'} {f.get('path') or '-'}: {f['message']}")
            raise CommandError(f"{path.name}: rejected ({exc.code}), nothing was written", returncode=1) from exc
        summary = (
            f"{path.name}: created {len(result.created)}, updated {len(result.updated)}, "
            f"unchanged {len(result.unchanged)}"
        )
        if options["json"]:
            self.stdout.write(_dumps(result.as_json()))
            self.stderr.write(summary)
        else:
            self.stdout.write(summary)

    # --- match --------------------------------------------------------------------------------

    def _match(self, options: dict[str, Any]) -> None:
        day = options["on"] or timezone.localdate()
        if options["all"]:
            self._match_all(day, as_json=options["json"])
            return
        if not options["code"]:
            raise CommandError("give a policy CODE, or --all", returncode=2)
        policy = _policy(options["code"])
        _warn_if_not_in_force(self, policy, day)
        ctx = engine.context(day)
        usccs = list(engine.matching(policy_tree(policy), ctx).order_by("uscc").values_list("uscc", flat=True))
        if options["json"]:
            self.stdout.write(_dumps(usccs))
            self.stderr.write(f"{policy.code} on {day}: {len(usccs)} eligible")
            return
        for uscc in usccs:
            self.stdout.write(uscc)
        self.stderr.write(f"{policy.code} on {day}: {len(usccs)} eligible")

    def _match_all(self, day: date, *, as_json: bool) -> None:
        policies = current_policies(day)
        ctx = engine.context(day)
        cols = engine.load_columns(ctx)
        found = engine.match_all(((p.code, policy_tree(p)) for p in policies), cols)
        usccs = cols.values["uscc"]
        out = {code: sorted(usccs[np.isin(cols.ids, ids)].tolist()) for code, ids in found.items()}
        if as_json:
            self.stdout.write(_dumps(out))
        else:
            for code, eligible in out.items():
                self.stdout.write(f"{code}\t{len(eligible)}")
        self.stderr.write(f"{len(out)} policies in force on {day} over {cols.size} enterprises")

    # --- explain ------------------------------------------------------------------------------

    def _explain(self, options: dict[str, Any]) -> None:
        day = options["on"] or timezone.localdate()
        policy = _policy(options["code"])
        uscc = normalize_uscc(options["uscc"])
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
        if enterprise is None:
            raise CommandError(f"no enterprise with USCC {uscc!r}", returncode=2)
        _warn_if_not_in_force(self, policy, day)
        ctx = engine.context(day)
        result = engine.explain(policy_tree(policy), engine.facts_of(enterprise, ctx), ctx).as_json()
        if enterprise.status != EnterpriseStatus.ACTIVE:
            # The matching universe is the enterprises in business: a deregistered one qualifies for nothing.
            self.stderr.write(f"{uscc} is {enterprise.status}: it qualifies for no policy")
            result["eligible"] = False
        if options["json"]:
            self.stdout.write(_dumps(result))
            return
        verdict = {True: "eligible", False: "not eligible", None: "unknown (missing data)"}[result["eligible"]]
        self.stdout.write(f"{policy.code} / {uscc} on {day}: {verdict}")
        for leaf in result["leaves"]:
            self.stdout.write(
                f"  {leaf['outcome']:<7} {leaf['path']}: {leaf['field']} {leaf['op']} {_dumps(leaf['value'])}"
                f" (actual {_dumps(leaf['actual'])})"
            )

    # --- nightly ------------------------------------------------------------------------------

    def _nightly(self, options: dict[str, Any]) -> None:
        result = policies_nightly(on=options["on"])
        if options["json"]:
            self.stdout.write(_dumps(result.as_json()))
            return
        self.stdout.write(
            f"policies nightly as of {result.today}: expired {result.expired}, "
            f"notified {result.notified}, listed for 免申即享 {result.granted}"
        )


def _policy(code: str) -> Policy:
    policy = Policy.objects.filter(code=code).first()
    if policy is None:
        raise CommandError(f"no policy with code {code!r}", returncode=2)
    return policy


def _warn_if_not_in_force(command: BaseCommand, policy: Policy, day: date) -> None:
    if policy.status != PolicyStatus.PUBLISHED:
        command.stderr.write(f"note: {policy.code} is {policy.status}; its conditions are evaluated anyway")
    elif (policy.valid_from and policy.valid_from > day) or (policy.valid_to and policy.valid_to < day):
        command.stderr.write(f"note: {policy.code} is not in force on {day}; its conditions are evaluated anyway")
