"""/api/v1 for duplicates and common problems (docs/COMMONS.md). Mounted at the API root, so the
paths are full:

- `GET /cases/similar?enterprise=USCC&text=…` — the enterprise's open cases that say nearly the
  same (scoped: an enterprise user its own, staff the enterprises they see);
- `POST /cases/{id}/merge` {into, note} — the desk merges a duplicate;
- `GET /commons/clusters`, `POST /commons/clusters/recompute` — the latest cluster snapshot (desk);
- `GET /commons/problems`, `GET /commons/problems/{id}`, `POST /commons/problems` (from a cluster
  or case ids), `POST /commons/problems/{id}/members`, `DELETE /commons/problems/{id}/members/{case}`,
  `POST /commons/problems/{id}/answer` (the lead department).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from qifu.access.scopes import may_manage_commons
from qifu.api import actor_of
from qifu.commons.schemas import (
    AnsweredOut,
    AnswerIn,
    ClustersOut,
    MembersIn,
    MergeIn,
    MergeOut,
    ProblemDetailOut,
    ProblemIn,
    ProblemPageOut,
    RecomputeIn,
    SimilarOut,
    problem_out,
    similar_out,
)
from qifu.commons.selectors import (
    ProblemFilters,
    cluster_find,
    cluster_latest,
    problem_get,
    problem_list,
    problem_members,
    similar_open_cases,
)
from qifu.commons.services import (
    ProblemData,
    case_merge,
    clusters_check,
    common_answer,
    common_create,
    common_member_remove,
    common_members_add,
)
from qifu.commons.tasks import commons_cluster_task
from qifu.core.errors import NotFound
from qifu.core.pagination import PageIn, page_of
from qifu.core.schemas import errors
from qifu.enterprises.selectors import enterprise_get

router = Router(tags=["commons"])


@router.get(
    "/cases/similar",
    response={200: list[SimilarOut], **errors(404)},
    summary="Open cases of an enterprise that say nearly the same as a text (duplicates)",
    description="Best first, at most 5, TF-IDF cosine ≥ 0.35. Only the enterprise's own open cases the "
    "caller may see; 404 for an enterprise outside the scope.",
)
def similar_cases(request: HttpRequest, enterprise: str, text: str, exclude: int | None = None) -> list[Any]:
    actor = actor_of(request)
    firm = enterprise_get(actor=actor, uscc=enterprise)
    found = similar_open_cases(actor=actor, enterprise_id=firm.pk, text=text[:10000], exclude=exclude)
    return [similar_out(s) for s in found]


@router.post(
    "/cases/{int:case_id}/merge",
    response={200: MergeOut, **errors(404, 409)},
    summary="Merge a duplicate into another case of the same enterprise (the desk)",
    description="The case closes with a link to `into`, which continues and records the merge; the "
    "enterprise is told. 409 `merge_self`, `merge_target_closed`, `merge_source_closed`, "
    "`merge_other_enterprise`, `merge_common_member`, `action_not_allowed` (not the desk) — nothing changes.",
)
def merge(request: HttpRequest, case_id: int, payload: MergeIn) -> dict[str, Any]:
    case = case_merge(actor=actor_of(request), case_id=case_id, into_id=payload.into, note=payload.note)
    merged = case.merged_into
    return {
        "id": case.pk,
        "number": case.number,
        "state": case.state,
        "into": merged.into_id,
        "into_number": merged.into.number,
    }


def _desk(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not may_manage_commons(actor):
        raise NotFound("no such resource")
    return actor


def _clusters() -> dict[str, Any]:
    snapshot = cluster_latest()
    if snapshot is None:
        return {"computed_at": None, "days": None, "min_enterprises": None, "open_cases": None, "items": []}
    return {
        "computed_at": snapshot.computed_at,
        "days": snapshot.days,
        "min_enterprises": snapshot.min_enterprises,
        "open_cases": snapshot.open_cases,
        "items": snapshot.clusters,
    }


@router.get("/commons/clusters", response={200: ClustersOut, **errors(404)}, summary="The latest clusters (desk)")
def clusters(request: HttpRequest) -> dict[str, Any]:
    _desk(request)
    return _clusters()


@router.post(
    "/commons/clusters/recompute",
    response={202: ClustersOut, **errors(404, 422)},
    summary="Queue a recompute of the clusters (desk); answers the latest snapshot so far",
)
def recompute(request: HttpRequest, payload: RecomputeIn) -> Status[dict[str, Any]]:
    """At city scale a recompute takes tens of seconds, so the worker does it: poll
    `GET /commons/clusters` and compare `computed_at`."""
    actor = _desk(request)
    clusters_check(actor=actor, days=payload.days, min_enterprises=payload.min_enterprises)
    commons_cluster_task(actor.id, payload.days, payload.min_enterprises)
    return Status(202, _clusters())


def _detail(actor: Any, problem_id: int) -> dict[str, Any]:
    problem = problem_get(actor=actor, problem_id=problem_id)
    members = [
        {
            "case_id": m.case_id,
            "number": m.case.number,
            "title": m.case.title,
            "state": m.case.state,
            "enterprise": m.enterprise.name,
            "uscc": m.enterprise.uscc,
        }
        for m in problem_members(problem)
    ]
    return {**problem_out(problem), "members": members}


@router.get(
    "/commons/problems",
    response={200: ProblemPageOut, **errors()},
    summary="Common problems: the desk and leaders all, a department those it leads",
)
def problems(request: HttpRequest, page: Query[PageIn], state: str = "") -> dict[str, Any]:
    rows = problem_list(actor=actor_of(request), filters=ProblemFilters(state=state))
    result = page_of(rows, count_from=rows.order_by(), page=page)
    return {"items": [problem_out(p) for p in result["items"]], "count": result["count"]}


@router.get("/commons/problems/{int:problem_id}", response={200: ProblemDetailOut, **errors(404)}, summary="One")
def problem(request: HttpRequest, problem_id: int) -> dict[str, Any]:
    return _detail(actor_of(request), problem_id)


@router.post(
    "/commons/problems",
    response={201: ProblemDetailOut, **errors(404, 409)},
    summary="Turn a cluster (or chosen open cases) into a common problem (desk)",
    description="403 `commons_forbidden`; 409 `common_case_not_open`, `common_case_taken`; 422 `too_few_cases`, "
    "`unknown_department`, `unknown_category`.",
)
def create(request: HttpRequest, payload: ProblemIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    ids = list(payload.cases)
    terms = ""
    if payload.cluster:
        _desk(request)
        cluster = cluster_find(payload.cluster)
        ids += [c["id"] for c in cluster["cases"]]
        terms = "、".join(cluster.get("terms", []))
    data = ProblemData(
        title=payload.title, lead=payload.lead, category=payload.category, days=payload.days, terms=terms
    )
    created = common_create(actor=actor, data=data, case_ids=ids)
    return Status(201, _detail(actor, created.pk))


@router.post(
    "/commons/problems/{int:problem_id}/members",
    response={200: ProblemDetailOut, **errors(404, 409)},
    summary="Add open cases (desk)",
)
def add_members(request: HttpRequest, problem_id: int, payload: MembersIn) -> dict[str, Any]:
    actor = actor_of(request)
    common_members_add(actor=actor, problem_id=problem_id, case_ids=payload.cases)
    return _detail(actor, problem_id)


@router.delete(
    "/commons/problems/{int:problem_id}/members/{int:case_id}",
    response={200: ProblemDetailOut, **errors(404, 409)},
    summary="Remove a case (desk)",
)
def remove_member(request: HttpRequest, problem_id: int, case_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    common_member_remove(actor=actor, problem_id=problem_id, case_id=case_id)
    return _detail(actor, problem_id)


@router.post(
    "/commons/problems/{int:problem_id}/answer",
    response={200: AnsweredOut, **errors(404, 409)},
    summary="The lead department's one answer: every open member case is resolved with it",
    description="403 `common_answer_forbidden`; 409 `common_answered`; 422 `required`.",
)
def answer(request: HttpRequest, problem_id: int, payload: AnswerIn) -> dict[str, Any]:
    actor = actor_of(request)
    done = common_answer(actor=actor, problem_id=problem_id, answer=payload.answer)
    return {
        "problem": problem_out(problem_get(actor=actor, problem_id=problem_id)),
        "resolved": done.resolved,
        "skipped": done.skipped,
    }
