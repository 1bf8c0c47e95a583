"""The commons pages (docs/COMMONS.md): 共性问题线索 (clusters, desk), 共性问题 list and detail
(desk, leaders, the lead department), the Excel export, the filing form's duplicate check (HTMX)
and the desk's merge form on the case page. Parse → one service or selector → render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.scopes import may_manage_commons
from qifu.access.web import business_view, role_view
from qifu.commons.exporting import problems_export
from qifu.commons.models import ProblemState
from qifu.commons.selectors import (
    ProblemFilters,
    case_ids_by_number,
    cluster_find,
    cluster_latest,
    member_rows,
    problem_get,
    problem_list,
    problem_members,
    similar_open_cases,
)
from qifu.commons.services import (
    DEFAULT_DAYS,
    DEFAULT_MIN_ENTERPRISES,
    ProblemData,
    case_merge,
    clusters_check,
    common_answer,
    common_create,
    common_member_remove,
    common_members_add,
)
from qifu.commons.tasks import commons_cluster_task
from qifu.core.errors import NotFound, QifuError
from qifu.core.excel import XLSX_CONTENT_TYPE
from qifu.core.web import paginate
from qifu.linkage.forms import resolve_enterprise
from qifu.reference.models import Category, Department
from qifu.reference.selectors import department_list
from qifu.reference.taxonomy import INDUSTRY_SECTIONS

PERIODS = (30, 60, 90, 180, 365)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _may_read(actor: Actor) -> bool:
    return actor.is_zone_wide or actor.is_department


def _departments() -> list[Department]:
    return department_list()


def _categories() -> dict[int, tuple[Category, str]]:
    """Active categories by id, each with its default lead department's code (reference cache)."""
    return {c.pk: (c, d.code) for d in department_list() for c in getattr(d, "active_categories", [])}


@require_GET
@role_view(may_manage_commons)
def clusters(request: HttpRequest, actor: Actor) -> HttpResponse:
    """共性问题线索: the latest snapshot's clusters, with a form per cluster to make it a problem."""
    snapshot = cluster_latest()
    lead_of = {pk: code for pk, (_c, code) in _categories().items()}
    found = [{**c, "lead": lead_of.get(c.get("category_id") or 0, "")} for c in (snapshot.clusters if snapshot else [])]
    context = {
        "snapshot": snapshot,
        "clusters": found,
        "periods": PERIODS,
        "days": snapshot.days if snapshot else DEFAULT_DAYS,
        "min_enterprises": snapshot.min_enterprises if snapshot else DEFAULT_MIN_ENTERPRISES,
        "departments": _departments(),
    }
    return render(request, "commons/clusters.html", context)


@require_POST
@role_view(may_manage_commons)
def recompute(request: HttpRequest, actor: Actor) -> HttpResponse:
    """重新计算: queued for the worker (at city scale it takes tens of seconds); the page shows the
    snapshot's time, so the desk sees when the new one has arrived."""
    days = _int(request.POST.get("days"), DEFAULT_DAYS)
    least = _int(request.POST.get("min_enterprises"), DEFAULT_MIN_ENTERPRISES)
    try:
        clusters_check(actor=actor, days=days, min_enterprises=least)
    except QifuError as exc:
        messages.error(request, exc.message)
        return redirect("commons:clusters")
    commons_cluster_task(actor.id, days, least)
    messages.success(request, _("已开始重新计算，完成后本页显示新的计算时间。"))
    return redirect("commons:clusters")


@require_POST
@role_view(may_manage_commons)
def create_from_cluster(request: HttpRequest, actor: Actor) -> HttpResponse:
    try:
        cluster = cluster_find(request.POST.get("cluster", ""))
        category = _categories().get(cluster.get("category_id") or 0, (None, ""))[0]
        data = ProblemData(
            title=request.POST.get("title", ""),
            lead=request.POST.get("lead", ""),
            category=category.code if category else "",
            days=_int(request.POST.get("days"), 0) or None,
            terms="、".join(cluster.get("terms", [])),
        )
        problem = common_create(actor=actor, data=data, case_ids=[c["id"] for c in cluster["cases"]])
    except QifuError as exc:
        messages.error(request, exc.message)
        return redirect("commons:clusters")
    messages.success(request, _("已建立共性问题，并通知牵头部门。"))
    return redirect("commons:problem", problem_id=problem.pk)


@require_GET
@role_view(_may_read)
def problems(request: HttpRequest, actor: Actor) -> HttpResponse:
    state = request.GET.get("state", "")
    filters = ProblemFilters(
        state=state if state in ProblemState.values else "", category=_int(request.GET.get("category"), 0)
    )
    page = paginate(request, problem_list(actor=actor, filters=filters))
    rows = list(page.object_list)
    extra = member_rows(rows)
    items = [
        {
            "p": p,
            "industries": [str(INDUSTRY_SECTIONS.get(s, s)) for s in extra[p.pk]["industries"]],
            "parks": extra[p.pk]["parks"],
        }
        for p in rows
    ]
    context = {"page": page, "items": items, "state": filters.state, "states": ProblemState.choices}
    return render(request, "commons/problems.html", context)


@require_GET
@role_view(_may_read)  # type: ignore[arg-type]  # a FileResponse streams (HttpResponseBase)
def export(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    state = request.GET.get("state", "")
    file, name = problems_export(
        actor=actor, filters=ProblemFilters(state=state if state in ProblemState.values else "")
    )
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


def _detail(request: HttpRequest, actor: Actor, problem_id: int, status: int = 200) -> HttpResponse:
    problem = problem_get(actor=actor, problem_id=problem_id)
    context = {
        "problem": problem,
        "members": problem_members(problem),
        "may_manage": may_manage_commons(actor) and problem.state == ProblemState.OPEN,
        "may_answer": actor.is_department
        and actor.department_id == problem.lead_department_id
        and problem.state == ProblemState.OPEN,
    }
    return render(request, "commons/problem.html", context, status=status)


@require_GET
@role_view(_may_read)
def problem(request: HttpRequest, actor: Actor, problem_id: int) -> HttpResponse:
    return _detail(request, actor, problem_id)


@require_POST
@role_view(_may_read)
def problem_act(request: HttpRequest, actor: Actor, problem_id: int) -> HttpResponse:
    """The detail page's forms: add (case numbers), remove (a case id), answer."""
    action = request.POST.get("action", "")
    try:
        if action == "answer":
            done = common_answer(actor=actor, problem_id=problem_id, answer=request.POST.get("answer", ""))
            messages.success(request, _("已答复，%(n)s件诉求已办结并通知企业评价。") % {"n": len(done.resolved)})
        elif action == "remove":
            common_member_remove(actor=actor, problem_id=problem_id, case_id=_int(request.POST.get("case"), 0))
            messages.success(request, _("已移出。"))
        elif action == "add":
            numbers = request.POST.get("numbers", "").replace("，", ",").replace("、", ",").split(",")
            ids = _case_ids(actor, [n.strip() for n in numbers if n.strip()])
            common_members_add(actor=actor, problem_id=problem_id, case_ids=ids)
            messages.success(request, _("已加入。"))
        else:
            raise Http404
    except QifuError as exc:
        messages.error(request, exc.message)
    return redirect("commons:problem", problem_id=problem_id)


def _case_ids(actor: Actor, numbers: list[str]) -> list[int]:
    found = case_ids_by_number(actor=actor, numbers=numbers)
    missing = [n for n in numbers if n not in found]
    if missing:
        raise NotFound(_("没有找到诉求：%(numbers)s") % {"numbers": "、".join(missing)})
    return list(found.values())


@require_POST
@business_view
def similar(request: HttpRequest, actor: Actor) -> HttpResponse:
    """HTMX from 提诉求: the enterprise's open cases that say nearly the same as the text."""
    found: list[Any] = []
    text = request.POST.get("text", "")[:10000]
    enterprise_id = actor.enterprise_id if actor.is_enterprise else None
    if enterprise_id is None and request.POST.get("enterprise", "").strip():
        try:
            enterprise_id = resolve_enterprise(actor, request.POST["enterprise"]).pk
        except ValidationError:
            enterprise_id = None
    if enterprise_id:
        text = f"{request.POST.get('title', '')}\n{text}"
        found = similar_open_cases(actor=actor, enterprise_id=enterprise_id, text=text)
    return render(request, "commons/partials/_similar.html", {"found": found, "enterprise_view": actor.is_enterprise})


@require_POST
@role_view(may_manage_commons)
def merge(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """The desk's merge form on the case page: this case into another one (by number)."""
    number = request.POST.get("into", "").strip()
    into = case_ids_by_number(actor=actor, numbers=[number]).get(number) if number else None
    try:
        if into is None:
            raise NotFound(_("没有找到诉求%(number)s。") % {"number": number})
        case_merge(actor=actor, case_id=case_id, into_id=into, note=request.POST.get("note", ""))
    except QifuError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", case_id=case_id)
    messages.success(request, _("已合并到%(number)s。") % {"number": number})
    return redirect("cases:detail", case_id=into)
