"""Writes of qifu.commons: merging duplicates, computing clusters, keeping common problems.

Every change to a case goes through the cases app's primitives, exactly as `case_act` does: the
case row is locked first (`scope_cases(...).select_for_update()`), the rule is checked before
anything is written (a refusal changes nothing), `cube_state` is read before and `cube_moved`
called after saving (the cockpit's cubes stay exact), the timeline event is appended with
`add_event`, `audit_record` is written in the same transaction, and the enterprise is told
through `notify` / the cases' notices.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import may_manage_commons, scope_cases, scope_common_problems
from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.audit.services import audit_record
from qifu.cases import deadlines, notices
from qifu.cases.models import (
    OPEN_STATES,
    Case,
    CasePart,
    CaseState,
    Extension,
    InfoRequest,
    RequestState,
    ReturnRequest,
)
from qifu.cases.services import TEXT_MAX, add_event, local_today
from qifu.cockpit.cube import cube_moved, cube_state
from qifu.commons import similarity
from qifu.commons.models import CaseMerge, ClusterSnapshot, CommonMember, CommonProblem, ProblemState
from qifu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from qifu.notify.services import notify
from qifu.reference.models import Category, Department
from qifu.search.services import search_index_cases
from qifu.workcal.calendar import zone_calendar

S = CaseState
DEFAULT_DAYS = 90  # the clusters' period
DEFAULT_MIN_ENTERPRISES = 3
MAX_DAYS = 365
NOTE_MAX = 500


def _desk_only(actor: Actor) -> None:
    if not may_manage_commons(actor):
        raise PermissionDenied(_("只有服务专班可以执行此操作。"), code="commons_forbidden")


def _bad(message: str, code: str, field: str | None = None) -> RuleViolation:
    return RuleViolation(message, code=code, data={"field": field} if field else None)


def _enterprise_users(enterprise_id: int) -> list[User]:
    users = User.objects.filter(role=Role.ENTERPRISE, enterprise_id=enterprise_id, is_active=True)
    return list(users.only("id", "email", "username"))


# ---------------------------------------------------------------------------------------------
# Merge


def case_merge(*, actor: Actor, case_id: int, into_id: int, note: str = "", now: datetime | None = None) -> Case:
    """The desk merges the duplicate CASE_ID into INTO_ID: the duplicate closes with a link, the
    other continues and its timeline records the merge; the enterprise is told. 404 outside the
    scope; 409 `merge_*` (nothing changed) for itself, a case that is not open on either side, or
    another enterprise's case; 409 `action_not_allowed` for anyone but the desk."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise _bad(_("说明不能超过%(n)s个字。") % {"n": NOTE_MAX}, "too_long", "note")
    with transaction.atomic():
        # both rows locked, in key order (two merges at once never wait on each other in a circle)
        locked = {c.pk: c for c in scope_cases(actor).select_for_update().filter(pk__in=sorted({case_id, into_id}))}
        case, into = locked.get(case_id), locked.get(into_id)
        if case is None or into is None:
            raise NotFound("case not found")
        if case_id == into_id:  # after the scope: an invisible case answers 404 whatever the body says
            raise Conflict(_("不能把诉求合并到它自己。"), code="merge_self")
        if not may_manage_commons(actor):
            raise Conflict(_("只有服务专班可以合并诉求。"), code="action_not_allowed", data={"action": "merge"})
        if case.enterprise_id != into.enterprise_id:
            raise Conflict(_("只能合并同一企业的诉求。"), code="merge_other_enterprise")
        if into.state not in OPEN_STATES:
            raise Conflict(
                _("诉求%(number)s已%(state)s，不能并入。") % {"number": into.number, "state": into.get_state_display()},
                code="merge_target_closed",
                data={"state": into.state},
            )
        if case.state not in OPEN_STATES:
            raise Conflict(
                _("诉求%(number)s已%(state)s，不能再合并。")
                % {"number": case.number, "state": case.get_state_display()},
                code="merge_source_closed",
                data={"state": case.state},
            )
        if CommonMember.objects.filter(case_id=case.pk, active=True).exists():
            raise Conflict(_("该诉求属于一个共性问题，请先将其移出。"), code="merge_common_member")
        now = now or timezone.now()
        before, dims = case.state, cube_state(case)
        case.state = S.CLOSED
        case.closed_at = now
        case.paused = False
        case.answer = _("已并入诉求%(number)s合并办理。") % {"number": into.number}
        case.last_event_at = now
        _settle_requests(case, now)
        case.save()
        cube_moved(case, dims)
        text = note or case.answer
        closed = add_event(
            case, actor, "merged", at=now, from_state=before, to_state=case.state, text=text, public=True,
            data={"into": into.number, "into_id": into.pk},
        )  # fmt: skip
        into.last_event_at = now
        into.save(update_fields=["last_event_at", "updated_at"])
        kept = add_event(
            into, actor, "merge", at=now, from_state=into.state, to_state=into.state,
            text=_("诉求%(number)s（%(title)s）已并入本诉求合并办理。") % {"number": case.number, "title": case.title},
            public=True, data={"from": case.number, "from_id": case.pk},
        )  # fmt: skip
        CaseMerge.objects.create(
            case=case, into=into, enterprise_id=case.enterprise_id, by=actor.user, at=now, note=note
        )
        audit_record(
            actor=actor,
            action="case_merge",
            object_type="case",
            object_id=case.number,
            changes={"state": [before, case.state], "into": into.number},
        )
        title = _("您的诉求已合并办理：%(title)s") % {"title": case.title}
        body = _("您提交的诉求%(number)s与诉求%(into)s内容相同，已合并到%(into)s继续办理，进展请在%(into)s中查看。") % {
            "number": case.number,
            "into": into.number,
        }
        people = [u for u in _enterprise_users(case.enterprise_id) if u.pk != actor.id]
        if people:
            notify(
                recipients=people, kind="case_merged", title=title, body=body, url=f"/cases/{into.pk}/",
                enterprise_id=case.enterprise_id, dedup_key=f"case:{case.pk}:event:{closed.pk}", new_key=True,
            )  # fmt: skip
        notices.case_event(into, kept, public_text=kept.text)
        search_index_cases([case.pk, into.pk])  # the answer and the two timeline texts, in this transaction
    return case


def _settle_requests(case: Case, now: datetime) -> None:
    """What waits on a case that stops: pending extension and return requests are denied, an open
    request for information is closed, assisting parts end (as when a case goes back to the desk)."""
    for model in (Extension, ReturnRequest):
        model.objects.filter(case=case, state=RequestState.PENDING).update(state=RequestState.DENIED, decided_at=now)
    InfoRequest.objects.filter(case=case, answered_at__isnull=True).update(answered_at=now)
    CasePart.objects.filter(case=case, active=True).exclude(state="done").update(active=False)


# ---------------------------------------------------------------------------------------------
# Clusters


@dataclass
class ClusterRun:
    open_cases: int = 0
    categories: int = 0
    clusters: list[dict[str, Any]] = field(default_factory=list)


def clusters_compute(
    *,
    today: date | None = None,
    days: int = DEFAULT_DAYS,
    min_enterprises: int = DEFAULT_MIN_ENTERPRISES,
    threshold: float = similarity.CLUSTER_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> ClusterRun:
    """The clusters of open cases filed in the last DAYS days, per category (no write)."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days)
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    rows = list(
        Case.objects.filter(state__in=OPEN_STATES, submitted_at__gte=start)
        .exclude(pk__in=CommonMember.objects.filter(active=True).values("case_id"))
        .order_by("category_id", "id")
        .values_list("id", "category_id", "enterprise_id", "title", "text")
    )
    run = ClusterRun(open_cases=len(rows))
    by_category: dict[int | None, list[tuple[int, int, list[str]]]] = {}
    for n, (pk, category, enterprise, title, text) in enumerate(rows, 1):
        by_category.setdefault(category, []).append((pk, enterprise, similarity.terms(f"{title}\n{text}")))
        if progress and (n % 1000 == 0 or n == len(rows)):
            progress(n, len(rows))
    run.categories = len(by_category)
    docs = [d for rows_ in by_category.values() for d in rows_]
    groups = [category for category, rows_ in by_category.items() for _d in rows_]
    found = [
        (groups[g.members[0]], [docs[i][0] for i in g.members], g.terms)
        for g in similarity.clusters(
            [d[2] for d in docs], [d[1] for d in docs], groups, threshold=threshold, min_owners=min_enterprises
        )
    ]
    run.clusters = _described(found)
    return run


def _described(found: list[tuple[int | None, list[int], list[str]]]) -> list[dict[str, Any]]:
    """Each cluster with what the page shows: enterprises, industries, parks (two reads in all)."""
    from qifu.reference.taxonomy import INDUSTRY_SECTIONS

    ids = [pk for _c, members, _t in found for pk in members]
    cases = {
        c["id"]: c
        for c in Case.objects.filter(pk__in=ids).values(
            "id", "number", "title", "enterprise_id", "enterprise__name", "enterprise__industry", "enterprise__park"
        )
    }
    names = dict(Category.objects.values_list("id", "name"))
    out = []
    for category, members, terms in found:
        rows = [cases[pk] for pk in members if pk in cases]
        enterprises = {r["enterprise_id"]: r["enterprise__name"] for r in rows}
        sections = sorted({(r["enterprise__industry"] or "")[:1].upper() for r in rows} - {""})
        parks = sorted({r["enterprise__park"] for r in rows} - {""})
        out.append(
            {
                "key": f"{category or 0}-{min(members)}",
                "category_id": category,
                "category": names.get(category, "") if category else "",
                "size": len(rows),
                "cases": [{"id": r["id"], "number": r["number"], "title": r["title"]} for r in rows],
                "enterprises": [{"id": k, "name": v} for k, v in sorted(enterprises.items())],
                "industries": [{"code": s, "name": str(INDUSTRY_SECTIONS.get(s, s))} for s in sections],
                "parks": parks,
                "terms": terms,
            }
        )
    return sorted(out, key=lambda c: (-len(c["enterprises"]), -c["size"], c["key"]))


def clusters_check(*, actor: Actor | None, days: int, min_enterprises: int) -> None:
    """The desk's recompute parameters, checked before the task is queued (and again by it)."""
    if actor is not None:
        _desk_only(actor)
    if not 1 <= days <= MAX_DAYS:
        raise _bad(_("统计周期应在1到%(n)s天之间。") % {"n": MAX_DAYS}, "out_of_range", "days")
    if not 2 <= min_enterprises <= 50:
        raise _bad(_("企业数下限应在2到50之间。"), "out_of_range", "min_enterprises")


def clusters_snapshot(
    *,
    actor: Actor | None = None,
    days: int = DEFAULT_DAYS,
    min_enterprises: int = DEFAULT_MIN_ENTERPRISES,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ClusterSnapshot:
    """Compute the clusters and store them as the latest snapshot (the task, the command and the
    desk's 重新计算 button). ACTOR None: the scheduled task."""
    clusters_check(actor=actor, days=days, min_enterprises=min_enterprises)
    today = today or timezone.localdate()
    started = time.monotonic()
    run = clusters_compute(today=today, days=days, min_enterprises=min_enterprises, progress=progress)
    with transaction.atomic():
        snapshot = ClusterSnapshot.objects.create(
            computed_at=timezone.now(),
            since=today - timedelta(days=days),
            days=days,
            min_enterprises=min_enterprises,
            open_cases=run.open_cases,
            seconds=round(time.monotonic() - started, 3),
            clusters=run.clusters,
        )
        # keep the last few only
        old = ClusterSnapshot.objects.order_by("-computed_at", "-id").values_list("id", flat=True)[10:]
        ClusterSnapshot.objects.filter(pk__in=list(old)).delete()
        if actor is not None:
            audit_record(
                actor=actor,
                action="commons_cluster",
                object_type="cluster_snapshot",
                object_id=snapshot.pk,
                changes={"days": days, "min_enterprises": min_enterprises, "clusters": len(run.clusters)},
            )
    return snapshot


# ---------------------------------------------------------------------------------------------
# Common problems


@dataclass(frozen=True)
class ProblemData:
    title: str
    lead: str  # department code
    category: str = ""  # category code
    days: int | None = None  # working days; default the category's
    terms: str = ""


def _department(code: str) -> Department:
    dept = Department.objects.filter(code=str(code).upper(), active=True).first()
    if dept is None:
        raise _bad(_("部门“%(code)s”不存在。") % {"code": code}, "unknown_department", "lead")
    return dept


def _mark(case: Case, common: bool) -> None:
    """is_common on a locked case, through the cube (a dimension of CommonCube)."""
    if case.is_common == common:
        return
    dims = cube_state(case)
    case.is_common = common
    case.save(update_fields=["is_common", "updated_at"])
    cube_moved(case, dims)


def _lock_members(actor: Actor, case_ids: list[int]) -> list[Case]:
    ids = sorted(set(case_ids))
    cases = list(scope_cases(actor).select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(cases) != len(ids):
        raise NotFound("case not found")
    return cases


def _add_members(actor: Actor, problem: CommonProblem, cases: list[Case], now: datetime) -> None:
    closed = [c.number for c in cases if c.state not in OPEN_STATES]
    if closed:
        raise Conflict(
            _("只有在办的诉求可以归入共性问题：%(numbers)s。") % {"numbers": "、".join(closed)},
            code="common_case_not_open",
            data={"cases": closed},
        )
    taken = list(
        CommonMember.objects.filter(case__in=cases, active=True)
        .exclude(problem=problem)
        .values_list("case__number", flat=True)
    )
    if taken:
        raise Conflict(
            _("诉求已属于其他共性问题：%(numbers)s。") % {"numbers": "、".join(taken)},
            code="common_case_taken",
            data={"cases": taken},
        )
    have = set(CommonMember.objects.filter(problem=problem, active=True).values_list("case_id", flat=True))
    CommonMember.objects.bulk_create(
        [
            CommonMember(problem=problem, case=c, enterprise_id=c.enterprise_id, added_by=actor.user, added_at=now)
            for c in cases
            if c.pk not in have
        ]
    )
    for c in cases:
        _mark(c, True)


def common_create(
    *, actor: Actor, data: ProblemData, case_ids: list[int], now: datetime | None = None
) -> CommonProblem:
    """The desk turns a cluster (or any open cases it picks) into a common problem."""
    _desk_only(actor)
    title = (data.title or "").strip()
    if not title:
        raise _bad(_("请填写标题。"), "required", "title")
    if len(title) > 120:
        raise _bad(_("标题不能超过120个字。"), "too_long", "title")
    if len(set(case_ids)) < 2:
        raise _bad(_("共性问题至少包括两件诉求。"), "too_few_cases", "cases")
    lead = _department(data.lead)
    category = None
    if data.category:
        category = Category.objects.filter(code=data.category).first()
        if category is None:
            raise _bad(_("诉求类别“%(code)s”不存在。") % {"code": data.category}, "unknown_category", "category")
    days = data.days if data.days is not None else (category.days if category else deadlines.DEFAULT_RESOLVE_DAYS)
    if not 1 <= int(days) <= 60:
        raise _bad(_("办理时限应在1到60个工作日之间。"), "out_of_range", "days")
    now = now or timezone.now()
    today = local_today(now)
    due = deadlines.resolve_clock(zone_calendar(), today, int(days), urgency="normal", green_channel=False).due
    with transaction.atomic():
        cases = _lock_members(actor, case_ids)
        problem = CommonProblem.objects.create(
            title=title, category=category, lead_department=lead, deadline=due, days=int(days),
            terms=(data.terms or "")[:200], created_by=actor.user,
        )  # fmt: skip
        _add_members(actor, problem, cases, now)
        audit_record(
            actor=actor,
            action="common_create",
            object_type="common_problem",
            object_id=problem.pk,
            changes={"title": title, "lead": lead.code, "cases": [c.number for c in cases], "due": due.isoformat()},
        )
        _tell_lead(problem)
    return problem


def _tell_lead(problem: CommonProblem) -> None:
    staff = User.objects.filter(
        role__in=(Role.HANDLER, Role.DEPT_HEAD), department_id=problem.lead_department_id, is_active=True
    )
    notify(
        recipients=list(staff.only("id", "email", "username")),
        kind="common_problem",
        title=_("新的共性问题请牵头答复：%(title)s") % {"title": problem.title},
        body=_("办理时限：%(day)s") % {"day": deadlines.cn_date(problem.deadline)},
        url=f"/commons/problems/{problem.pk}/",
        dedup_key=f"common:{problem.pk}:created",
        new_key=True,
    )


def _open_problem(actor: Actor, problem_id: int) -> CommonProblem:
    problem = scope_common_problems(actor).select_for_update().filter(pk=problem_id).first()
    if problem is None:
        raise NotFound("common problem not found")
    if problem.state != ProblemState.OPEN:
        raise Conflict(_("共性问题已答复，不能再修改。"), code="common_answered")
    return problem


def common_members_add(*, actor: Actor, problem_id: int, case_ids: list[int], now: datetime | None = None) -> None:
    _desk_only(actor)
    now = now or timezone.now()
    with transaction.atomic():
        problem = _open_problem(actor, problem_id)
        cases = _lock_members(actor, case_ids)
        _add_members(actor, problem, cases, now)
        audit_record(
            actor=actor, action="common_add", object_type="common_problem", object_id=problem.pk,
            changes={"cases": [c.number for c in cases]},
        )  # fmt: skip


def common_member_remove(*, actor: Actor, problem_id: int, case_id: int) -> None:
    _desk_only(actor)
    with transaction.atomic():
        problem = _open_problem(actor, problem_id)
        member = CommonMember.objects.filter(problem=problem, case_id=case_id, active=True).first()
        if member is None:
            raise NotFound("member not found")
        case = _lock_members(actor, [case_id])[0]
        member.active = False
        member.save(update_fields=["active"])
        _mark(case, False)
        audit_record(
            actor=actor, action="common_remove", object_type="common_problem", object_id=problem.pk,
            changes={"case": case.number},
        )  # fmt: skip


@dataclass(frozen=True)
class Answered:
    problem: CommonProblem
    resolved: list[str]  # case numbers resolved by the answer
    skipped: list[str]  # members no longer open (left as they are)


def common_answer(*, actor: Actor, problem_id: int, answer: str, now: datetime | None = None) -> Answered:
    """The lead department posts the one answer: every open member case is resolved with it (its
    `resolve` event, the enterprise told and asked to rate); members no longer open are skipped.
    Each enterprise then rates its own case through the lifecycle (`rate`); a dissatisfied rating
    reopens that case only. 403 `common_answer_forbidden` for anyone but the lead department's
    handlers and head; 409 `common_answered` when already answered; 422 for an empty answer."""
    answer = (answer or "").strip()
    problem_row = scope_common_problems(actor).filter(pk=problem_id).first()
    if problem_row is None:
        raise NotFound("common problem not found")
    if not (actor.is_department and actor.department_id == problem_row.lead_department_id):
        raise PermissionDenied(_("只有牵头部门可以答复共性问题。"), code="common_answer_forbidden")
    if not answer:
        raise _bad(_("请填写答复内容。"), "required", "answer")
    if len(answer) > TEXT_MAX:
        raise _bad(_("答复内容不能超过%(n)s个字。") % {"n": TEXT_MAX}, "too_long", "answer")
    now = now or timezone.now()
    today = local_today(now)
    cal = zone_calendar()
    resolved: list[str] = []
    skipped: list[str] = []
    with transaction.atomic():
        problem = _open_problem(actor, problem_id)
        ids = list(CommonMember.objects.filter(problem=problem, active=True).values_list("case_id", flat=True))
        cases = list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        lead = problem.lead_department
        for case in cases:
            if case.state not in OPEN_STATES:
                skipped.append(case.number)
                continue
            before, dims = case.state, cube_state(case)
            if case.first_response_at is None:
                case.first_response_at = now
                case.responded_on_time = today <= case.respond_by
            case.accepted_at = case.accepted_at or now
            if case.lead_department_id is None:  # not dispatched yet: the lead department answers it
                case.lead_department = lead
            _settle_requests(case, now)
            case.paused = False
            case.state = S.RESOLVED
            case.answer = answer
            case.resolved_at = now
            due = case.resolve_by or problem.deadline
            case.resolved_on_time = today <= due
            case.overdue = not case.resolved_on_time
            case.handling_days = max(0, cal.workdays_between(local_today(case.submitted_at), today))
            case.last_event_at = now
            case.save()
            cube_moved(case, dims)
            event = add_event(
                case, actor, "resolve", at=now, from_state=before, to_state=case.state, text=answer,
                data={"common": problem.pk},
            )  # fmt: skip
            audit_record(
                actor=actor, action="case_resolve", object_type="case", object_id=case.number,
                changes={"state": [before, case.state], "common": problem.pk},
            )  # fmt: skip
            notices.case_event(case, event, public_text=answer)
            resolved.append(case.number)
        search_index_cases([c.pk for c in cases if c.number in resolved])  # the answer, in this transaction
        problem.state = ProblemState.ANSWERED
        problem.answer = answer
        problem.answered_by = actor.user
        problem.answered_at = now
        problem.save()
        audit_record(
            actor=actor, action="common_answer", object_type="common_problem", object_id=problem.pk,
            changes={"resolved": resolved, "skipped": skipped},
        )  # fmt: skip
    return Answered(problem=problem, resolved=resolved, skipped=skipped)
