"""The visit pages (issue 4; PRODUCT.md §2.4): the liaison's plan, 记录走访 (built for a phone on
site), the visit page with its photos and the enterprise's rating, the ledger with its export,
coverage, the desk's most-contacted list with the merge of planned visits, and the enterprise's
preferences (quiet periods, preferred channel).

Parse → call one service or selector → render (STYLE.md §6.2.4). Scope and 404s come from the
selectors; a refused write shows the service's Chinese message beside its field and writes nothing.
"""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.web import business_view, desk_view, role_view, staff_view
from qifu.cases.models import Urgency
from qifu.core.errors import PermissionDenied, QifuError, RuleViolation
from qifu.core.excel import XLSX_CONTENT_TYPE
from qifu.core.web import paginate, paginate_capped, render_page
from qifu.enterprises.models import Enterprise
from qifu.enterprises.selectors import enterprise_get
from qifu.files.web import file_response
from qifu.visits import services
from qifu.visits.exporting import export_filename, visit_export
from qifu.visits.forms import (
    IdsField,
    PlanVisitForm,
    PreferenceForm,
    QuietPeriodForm,
    RateForm,
    VisitForm,
    visit_filters,
)
from qifu.visits.models import PlannedVisit, Visit, VisitKind
from qifu.visits.selectors import (
    coverage_by_department,
    coverage_liaison_totals,
    coverage_row,
    coverage_total,
    merge_groups,
    most_contacted,
    plan_liaison,
    staff_by_ids,
    staff_options,
    visit_get,
    visit_list,
    visit_photo_get,
    visit_plan,
)
from qifu.visits.selectors_pages import (
    coverage_access,
    departments,
    month_parse,
    my_preferences,
    my_quiet_period,
    plan_for,
    visit_budget,
    visit_enterprise,
    visit_page,
)
from qifu.visits.selectors_pages import may_log_visits as _may_log

enterprise_view = role_view(lambda a: a.is_enterprise)
log_view = role_view(_may_log)


LIAISONS_PER_PAGE = 50


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 10 else 0


@staff_view
def plan(request: HttpRequest, actor: Actor) -> HttpResponse:
    """走访计划: the liaison's month (their own; the desk, leaders and heads may open another's)."""
    named = request.GET.get("liaison", "")  # a username, or an id (the coverage table links by id)
    liaison = plan_liaison(actor=actor, liaison_id=_int(named) or None, username="" if _int(named) else named)
    month = month_parse(request.GET.get("month"))
    found = visit_plan(actor=actor, month=month.first, liaison=liaison)
    return render(request, "visits/plan.html", {"plan": found, "month": month, "own": liaison.pk == actor.id})


@log_view
def new_visit(request: HttpRequest, actor: Actor) -> HttpResponse:
    """记录走访: one post → `visit_log` (problems become cases, photos are cleaned) → the visit page."""
    enterprise = visit_enterprise(actor=actor, uscc=request.GET.get("enterprise") or request.POST.get("enterprise", ""))
    post = request.POST if request.method == "POST" else None
    form = VisitForm(post, request.FILES or None, initial=VisitForm.initial_now(request.GET))
    if post is not None and form.is_valid():
        try:
            recheck = form.cleaned_data.get("recheck_of")
            recheck_of = visit_get(actor=actor, visit_id=recheck) if recheck else None
            visit = _log(
                actor, enterprise, form, plan_for(actor=actor, plan_id=form.cleaned_data.get("plan")), recheck_of
            )
        except QifuError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("走访已记录。"))
            if visit.kind == VisitKind.SAFETY:  # straight on to the checklist of this safety visit
                return redirect("safety:check", visit_id=visit.pk)
            return redirect(reverse("visits:detail", args=[visit.pk]) + "?saved=1")
    chosen = staff_by_ids(actor=actor, ids=IdsField().to_python(request.POST.getlist("participants")))
    context = {
        "form": form,
        "enterprise": enterprise,
        "budget": visit_budget(enterprise, timezone.localdate()),
        "chosen": chosen,
        "plan_id": _int(request.GET.get("plan") or request.POST.get("plan")),
        "categories": _categories(),
        "urgencies": Urgency.choices,
    }
    return render(request, "visits/new.html", context, status=422 if post is not None else 200)


def _log(
    actor: Actor, enterprise: Enterprise, form: VisitForm, planned: PlannedVisit | None, recheck_of: Visit | None
) -> Visit:
    d = form.cleaned_data
    return services.visit_log(
        actor=actor,
        enterprise=enterprise,
        visited_at=form.visited_at(),
        kind=d["kind"],
        participant_ids=d.get("participants") or [],
        requested=bool(d.get("requested")),
        location=form.location(),
        learnt=form.learnt(),
        notes=d.get("notes", ""),
        suggestions=d.get("suggestions", ""),
        problems=form.problems,
        photos=form.uploads(),
        reason=d.get("reason", ""),
        planned=planned,
        recheck_of=recheck_of,
    )


def _categories() -> list[object]:
    from qifu.cases.selectors_pages import dispatch_departments

    return list(dispatch_departments())


@require_POST
@log_view
def plan_visit(request: HttpRequest, actor: Actor) -> HttpResponse:
    """计划走访 from the enterprise page: a planned visit the desk can merge with other departments'."""
    enterprise = enterprise_get(actor=actor, uscc=request.POST.get("enterprise", ""))  # scoped: NotFound → 404
    form = PlanVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.planned_visit_create(actor=actor, enterprise=enterprise, **form.cleaned_data)
        except (RuleViolation, PermissionDenied) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已加入走访计划；其他部门也计划上门时，服务专班会合并为一次联合走访。"))
    return redirect(reverse("enterprises:detail", args=[enterprise.uscc]) + "#enterprise-visits")


@require_GET
@log_view
def staff_picker(request: HttpRequest, actor: Actor) -> HttpResponse:
    """HTMX: the participant picker's results (staff of any department by name)."""
    found = staff_options(actor=actor, term=request.GET.get("q", ""))
    return render(request, "visits/partials/_staff_options.html", {"found": found})


@require_GET
@business_view
def detail(request: HttpRequest, actor: Actor, visit_id: int) -> HttpResponse:
    page = visit_page(actor=actor, visit_id=visit_id)
    return render(request, "visits/detail.html", {"page": page, "form": RateForm(), "saved": "saved" in request.GET})


@require_POST
@enterprise_view
def rate(request: HttpRequest, actor: Actor, visit_id: int) -> HttpResponse:
    """帮上了 / 一般 / 打扰了, once, by the visited enterprise."""
    visit = visit_get(actor=actor, visit_id=visit_id)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.visit_rate(
                actor=actor, visit=visit, feedback=form.cleaned_data["feedback"], comment=form.cleaned_data["comment"]
            )
        except QifuError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect("visits:detail", visit_id=visit.pk)
    page = visit_page(actor=actor, visit_id=visit_id)
    return render(request, "visits/detail.html", {"page": page, "form": form}, status=422)


@require_GET
@business_view  # type: ignore[arg-type]  # a FileResponse streams (HttpResponseBase)
def photo(request: HttpRequest, actor: Actor, visit_id: int, photo_id: int) -> FileResponse:
    """A visit photo, after the visit's scope check."""
    found = visit_photo_get(actor=actor, visit_id=visit_id, photo_id=photo_id)
    response = file_response(actor=actor, stored=found.file)
    response["Content-Disposition"] = "inline"  # shown in the page (an <img>); the sandbox CSP stays
    return response


@business_view
def ledger(request: HttpRequest, actor: Actor) -> HttpResponse:
    """走访台账: the scope, narrowed by the filters in the URL; 导出Excel exports exactly these. An
    enterprise sees its own visits here (to rate them), without the staff filters."""
    filters = visit_filters(request.GET)
    page = paginate_capped(request, visit_list(actor=actor, filters=filters))
    context = {"page": page, "filters": filters, "departments": departments, "kinds": VisitKind.choices}
    return render_page(request, "visits/ledger.html", context, partial="table")


@require_GET
@staff_view  # type: ignore[arg-type]  # a FileResponse streams (HttpResponseBase)
def export(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """导出Excel: the filtered ledger (same GET parameters) and the month's coverage, streamed."""
    file, _rows, _truncated = visit_export(actor=actor, filters=visit_filters(request.GET))
    return FileResponse(file, as_attachment=True, filename=export_filename(), content_type=XLSX_CONTENT_TYPE)


@staff_view
def coverage(request: HttpRequest, actor: Actor) -> HttpResponse:
    """走访覆盖率 per department and liaison for a month: the chart first, then the tables."""
    coverage_access(actor)
    month = month_parse(request.GET.get("month"))
    by_department = coverage_by_department(actor=actor, month=month.first)
    department = _int(request.GET.get("department")) or None
    # the liaisons a page at a time, optionally of one department: a city has 5,000 of them
    page = paginate(
        request,
        coverage_liaison_totals(actor=actor, month=month.first, department_id=department),
        per_page=LIAISONS_PER_PAGE,
    )
    by_liaison = [coverage_row(t) for t in page.object_list]
    rows, by = (by_department, "department") if len(by_department) > 1 else (by_liaison[:40], "liaison")
    chart = {
        "by": by,
        "labels": [r.name for r in rows],
        "values": [round(100 * r.rate) if r.rate is not None else 0 for r in rows],
        "unit": "%",
        "series": _("走访覆盖率"),
    }
    total = coverage_total(actor=actor, month=month.first)
    context = {
        "month": month,
        "by_department": by_department,
        "by_liaison": by_liaison,
        "page": page,
        "department": department,
        "chart": chart,
        "total": total,
    }
    return render(request, "visits/coverage.html", context)


@desk_view
def contacts(request: HttpRequest, actor: Actor) -> HttpResponse:
    """无事不扰 for the desk: the most contacted enterprises this month and planned visits to merge."""
    month = month_parse(request.GET.get("month"))
    rows = most_contacted(actor=actor, month=month.first, limit=30, uncounted=True)
    context = {"month": month, "rows": rows, "groups": merge_groups(actor=actor)}
    return render(request, "visits/contacts.html", context)


@require_POST
@desk_view
def merge(request: HttpRequest, actor: Actor) -> HttpResponse:
    """合并为联合走访: the chosen planned visits of one enterprise become one joint visit."""
    ids = [int(v) for v in request.POST.getlist("plan") if v.isdigit()]
    try:
        services.planned_visits_merge(actor=actor, ids=ids)
    except (RuleViolation, PermissionDenied) as exc:  # NotFound (another's or no plan) → 404
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已合并为一次联合走访。"))
    return redirect("visits:contacts")


@enterprise_view
def preferences(request: HttpRequest, actor: Actor) -> HttpResponse:
    """服务偏好: the enterprise's quiet periods and preferred channel; its monthly budget is shown."""
    prefs = my_preferences(actor=actor)
    channel = prefs.preference.preferred_channel if prefs.preference else None
    form = PreferenceForm(request.POST if "channel" in request.POST else None, initial={"preferred_channel": channel})
    quiet = QuietPeriodForm(request.POST if "quiet" in request.POST else None)
    if form.is_bound and form.is_valid():
        services.preference_set(
            actor=actor, enterprise=prefs.enterprise, preferred_channel=form.cleaned_data["preferred_channel"]
        )
        messages.success(request, _("首选联系方式已保存。"))
        return redirect("visits:preferences")
    if quiet.is_bound and quiet.is_valid():
        try:
            services.quiet_period_add(actor=actor, enterprise=prefs.enterprise, **quiet.cleaned_data)
        except QifuError as exc:
            quiet.add_service_error(exc)
        else:
            messages.success(request, _("免打扰期已添加。"))
            return redirect("visits:preferences")
    status = 422 if request.method == "POST" else 200
    return render(request, "visits/preferences.html", {"prefs": prefs, "form": form, "quiet": quiet}, status=status)


@require_POST
@enterprise_view
def quiet_remove(request: HttpRequest, actor: Actor, period_id: int) -> HttpResponse:
    period = my_quiet_period(actor=actor, period_id=period_id)  # NotFound → 404
    try:
        services.quiet_period_remove(actor=actor, period=period)
    except QifuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("免打扰期已取消。"))
    return redirect("visits:preferences")
