"""Reads of qifu.commons, each starting from a scope in `qifu.access.scopes`."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from qifu.access.actor import Actor
from qifu.access.scopes import may_manage_commons, scope_cases, scope_common_problems
from qifu.cases.models import OPEN_STATES, Case
from qifu.commons import similarity
from qifu.commons.models import CaseMerge, ClusterSnapshot, CommonMember, CommonProblem
from qifu.core.errors import NotFound

MAX_CANDIDATES = 300  # an enterprise's open cases compared with the text (newest first)
MAX_SHOWN = 5


@dataclass(frozen=True)
class Similar:
    case: Case
    score: float


def similar_open_cases(
    *, actor: Actor, enterprise_id: int, text: str, exclude: int | None = None, limit: int = MAX_SHOWN
) -> list[Similar]:
    """The open cases of ENTERPRISE_ID that the actor may see and that say nearly the same as TEXT
    (another enterprise's cases and closed ones never)."""
    if len((text or "").strip()) < 4:
        return []
    rows = scope_cases(actor).filter(enterprise_id=enterprise_id, state__in=OPEN_STATES)
    if exclude:
        rows = rows.exclude(pk=exclude)
    cases = list(rows.order_by("-id").only("id", "number", "title", "text", "state", "submitted_at")[:MAX_CANDIDATES])
    matches = similarity.similar(text, [f"{c.title}\n{c.text}" for c in cases])
    return [Similar(cases[m.index], round(m.score, 3)) for m in matches[:limit]]


def case_ids_by_number(*, actor: Actor, numbers: list[str]) -> dict[str, int]:
    """Case numbers the actor may see -> ids (a form names cases by their numbers)."""
    return dict(scope_cases(actor).filter(number__in=numbers).values_list("number", "id"))


def cluster_latest() -> ClusterSnapshot | None:
    return ClusterSnapshot.objects.order_by("-computed_at", "-id").first()


def cluster_find(key: str) -> dict[str, Any]:
    snapshot = cluster_latest()
    for cluster in snapshot.clusters if snapshot else []:
        if cluster.get("key") == key:
            return dict(cluster)
    raise NotFound("cluster not found")


@dataclass(frozen=True)
class ProblemFilters:
    state: str = ""
    category: int | None = None


def problem_list(*, actor: Actor, filters: ProblemFilters | None = None) -> QuerySet[CommonProblem]:
    filters = filters or ProblemFilters()
    rows = scope_common_problems(actor)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.category:
        rows = rows.filter(category_id=filters.category)
    return (
        rows.select_related("category", "lead_department")
        .annotate(
            n_cases=Count("members", filter=Q(members__active=True)),
            n_enterprises=Count("members__enterprise", filter=Q(members__active=True), distinct=True),
        )
        .order_by("-id")
    )


def problem_get(*, actor: Actor, problem_id: int) -> CommonProblem:
    problem = problem_list(actor=actor).filter(pk=problem_id).first()
    if problem is None:
        raise NotFound("common problem not found")
    return problem


def problem_members(problem: CommonProblem) -> list[CommonMember]:
    return list(
        CommonMember.objects.filter(problem=problem, active=True)
        .select_related("case", "enterprise")
        .order_by("enterprise__name", "case_id")
    )


def member_rows(problems: list[CommonProblem]) -> dict[int, dict[str, list[str]]]:
    """Industries and parks of each problem's member enterprises (one read for a page of problems)."""
    out: dict[int, dict[str, set[str]]] = {p.pk: {"industries": set(), "parks": set()} for p in problems}
    rows = CommonMember.objects.filter(problem__in=problems, active=True).values_list(
        "problem_id", "enterprise__industry", "enterprise__park"
    )
    for pid, industry, park in rows:
        if industry:
            out[pid]["industries"].add(industry[:1].upper())
        if park:
            out[pid]["parks"].add(park)
    return {k: {n: sorted(v) for n, v in d.items()} for k, d in out.items()}


@dataclass(frozen=True)
class CaseLinks:
    merged_into: Case | None
    problem: CommonProblem | None


def case_links(*, actor: Actor, case: Case, merged: bool) -> CaseLinks:
    """For the case page: the case it was merged into and its common problem (a case marked common,
    for staff). `merged`: the timeline the page has read holds the (public) `merged` event that
    every merge writes, so a case that has neither costs no query. The case that was kept records
    each merge on its own timeline."""
    into = None
    if merged and case.state == "closed":
        merge = CaseMerge.objects.filter(case_id=case.pk).select_related("into").first()
        into = merge.into if merge else None
    problem = None
    if case.is_common and not actor.is_enterprise:
        member = (
            CommonMember.objects.filter(case_id=case.pk, active=True)
            .select_related("problem")
            .filter(problem__in=scope_common_problems(actor))
            .first()
        )
        problem = member.problem if member else None
    return CaseLinks(merged_into=into, problem=problem)


def may_merge(actor: Actor, case: Case) -> bool:
    return may_manage_commons(actor) and case.state in OPEN_STATES


@dataclass(frozen=True)
class ProblemCounts:
    total: int
    open: int
    by_category: dict[int, int]  # category id (0: none) → problems
    by_industry: dict[str, int]  # industry section ("" unknown) → problems with a member there


def problem_counts(*, since: Any, until: Any) -> ProblemCounts:
    """The cockpit's figure: common problems created in [since, until) (aware datetimes), counted
    by category and by the industry sections of their member enterprises. One read of the
    members (a few per problem), never of the cases."""
    rows = (
        CommonMember.objects.filter(active=True, problem__created_at__gte=since, problem__created_at__lt=until)
        .values_list("problem_id", "problem__category_id", "problem__state", "enterprise__industry")
        .distinct()
    )
    problems: dict[int, tuple[int, str]] = {}
    sections: dict[str, set[int]] = {}
    for pid, category, state, industry in rows:
        problems[pid] = (category or 0, state)
        sections.setdefault((industry or "")[:1].upper(), set()).add(pid)
    by_category: dict[int, int] = {}
    for category, _state in problems.values():
        by_category[category] = by_category.get(category, 0) + 1
    return ProblemCounts(
        total=len(problems),
        open=sum(1 for _c, state in problems.values() if state == "open"),
        by_category=by_category,
        by_industry={k: len(v) for k, v in sections.items()},
    )
