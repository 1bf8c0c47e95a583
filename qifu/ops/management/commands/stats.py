"""`qifu stats [--json]`: the size of the zone (PRODUCT.md §3).

The JSON keys are a stable interface: {"enterprises", "industrial_enterprises", "projects",
"staff": {kind: n}, "enterprises_without_liaison", "cases": {state: n}, "visits", "policies"}, plus
"indicator_rows" (monthly indicators, one row per enterprise and month; issue 6) and "service_lists":
{code: members in the latest snapshot} for each of the four lists (0 when none), and "alerts":
{kind: open alerts} for each kind of early warning (0 when none).
`cases` names every state of taxonomy.yaml (0 when none). Visits and policies belong to apps that
may not be installed yet; they are read through the app registry (`visits.Visit`,
`policies.Policy`) and are 0 until those apps exist.
"""

import json
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Model

from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.alerts.selectors import alerts_open_by_kind
from qifu.cases.models import Case, CaseState
from qifu.enterprises.models import Enterprise
from qifu.projects.models import Project

# The staff kinds, in the order of PRODUCT.md §1.
STAFF_KINDS = (Role.CADRE, Role.DEPUTY, Role.HANDLER, Role.DEPT_HEAD, Role.DESK, Role.LEADER)


def optional_model(label: str) -> type[Model] | None:
    """A model of an app that a later issue adds; None while the app is not installed."""
    app_label, _, model_name = label.partition(".")
    if not apps.is_installed(f"qifu.{app_label}"):
        return None
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def zone_stats() -> dict[str, Any]:
    """Counts only (one query per figure); every key is always present."""
    staff = dict.fromkeys((str(kind) for kind in STAFF_KINDS), 0)
    for role, n in (
        User.objects.filter(role__in=STAFF_KINDS, is_active=True).values_list("role").annotate(n=Count("id")).order_by()
    ):
        staff[role] = n
    cases = dict.fromkeys((str(state) for state in CaseState.values), 0)  # the lifecycle order
    for state, n in Case.objects.values_list("state").annotate(n=Count("pk")).order_by():
        cases[str(state)] = int(n)
    visit_model = optional_model("visits.Visit")
    policy_model = optional_model("policies.Policy")
    indicator_model = optional_model("indicators.MonthlyIndicator")
    return {
        "enterprises": Enterprise.objects.count(),
        "industrial_enterprises": Enterprise.objects.filter(industry__startswith="C").count(),
        "projects": Project.objects.count(),
        "staff": staff,
        "enterprises_without_liaison": Enterprise.objects.filter(primary_liaison__isnull=True).count(),
        "cases": cases,
        "visits": visit_model._default_manager.count() if visit_model is not None else 0,
        "policies": policy_model._default_manager.count() if policy_model is not None else 0,
        "indicator_rows": indicator_model._default_manager.count() if indicator_model is not None else 0,
        "service_lists": service_list_sizes(),
        "alerts": alerts_open_by_kind(),
    }


def service_list_sizes() -> dict[str, int]:
    """{list code: members} of the latest snapshot, every list named (issue 6)."""
    from qifu.reference.selectors import service_list_codes
    from qifu.servicelists.selectors import latest_month, members_by_list

    month = latest_month()
    members = members_by_list(month)
    return {code: len(members.get(code, ())) for code in service_list_codes()}


LABELS = {
    "enterprises": "企业",
    "industrial_enterprises": "  其中工业企业",
    "projects": "投资项目",
    "enterprises_without_liaison": "未落实挂钩的企业",
    "visits": "走访记录",
    "policies": "政策",
    "indicator_rows": "月度指标（企业·月）",
}


class Command(BaseCommand):
    help = (
        "Print the size of the zone: enterprises, projects, staff by kind, cases by state, visits, policies, "
        "indicator rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object (and nothing else) on stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = zone_stats()
        if options["json"]:
            self.stdout.write(json.dumps(stats, ensure_ascii=False))
            return
        role_names = dict(Role.choices)
        lines = []
        for key in ("enterprises", "industrial_enterprises", "projects", "enterprises_without_liaison"):
            lines.append((LABELS[key], stats[key]))
        lines.append(("工作人员", sum(stats["staff"].values())))
        lines += [(f"  {role_names[kind]} ({kind})", n) for kind, n in stats["staff"].items()]
        lines.append(("诉求", sum(stats["cases"].values())))
        lines += [(f"  {CaseState(state).label} ({state})", n) for state, n in stats["cases"].items()]
        lines += [(LABELS[key], stats[key]) for key in ("visits", "policies", "indicator_rows")]
        lines.append(("服务清单（最新一月）", sum(stats["service_lists"].values())))
        lines += [(f"  {code}", n) for code, n in stats["service_lists"].items()]
        lines.append(("待处理预警", sum(stats["alerts"].values())))
        lines += [(f"  {kind}", n) for kind, n in stats["alerts"].items()]
        for label, n in lines:
            pad = 28 - sum(2 if ord(ch) > 0x2E80 else 1 for ch in label)  # CJK characters are two columns wide
            self.stdout.write(f"{label}{' ' * max(1, pad)}{n:>10,}")
