"""The suggestion pages (PRODUCT.md §2.3 建议): 提建议 and 我的建议 (enterprise, cadre, deputy), the
suggestion page with its steps, the desk's 建议分办 queue, the department's 建议答复 queue and the
leaders' 建议统计 by topic and month.

Parse → call one service or selector → render (STYLE.md §6.2.4). Scope and 404s come from the
selectors; a page for a role that does not use it is 404 (not advertised, STYLE.md §6.4); a
refused step shows its Chinese message beside the field and changes nothing.
"""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qifu.access.actor import Actor
from qifu.access.web import business_view, desk_view, role_view
from qifu.core.errors import Conflict, PermissionDenied, QifuError, RuleViolation
from qifu.core.web import paginate, paginate_capped, render_page
from qifu.suggestions.forms import AnswerForm, AssignForm, SuggestionForm, add_service_error, filters_from_query
from qifu.suggestions.models import SuggestionState
from qifu.suggestions.selectors import (
    answering_departments,
    department_queue,
    desk_counts,
    desk_queue,
    may_see_stats,
    may_submit,
    my_suggestions,
    suggestion_list,
    suggestion_overview,
    suggestion_page,
    topic_list,
)
from qifu.suggestions.services import suggestion_answer, suggestion_assign, suggestion_close, suggestion_submit

REFUSED = (Conflict, PermissionDenied, RuleViolation)


@role_view(may_submit)
def new(request: HttpRequest, actor: Actor) -> HttpResponse:
    """提建议: an enterprise for itself; a cadre or deputy, optionally about an enterprise in their scope."""
    form = SuggestionForm(request.POST or None, actor=actor, topics=topic_list())
    if request.method == "POST" and form.is_valid():
        try:
            suggestion_submit(actor=actor, **form.submit_kwargs())
        except QifuError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("建议已提交，服务专班会分办到相关部门答复，答复后会通知您。"))
            return redirect("suggestions:mine")
    return render(request, "suggestions/new.html", {"form": form})


@role_view(may_submit)
def mine(request: HttpRequest, actor: Actor) -> HttpResponse:
    """我的建议: newest first, each with its answer once answered."""
    page = paginate(request, my_suggestions(actor=actor))
    return render_page(request, "suggestions/mine.html", {"page": page}, partial="table")


@business_view
def detail(request: HttpRequest, actor: Actor, suggestion_id: int) -> HttpResponse:
    return _detail(request, actor, suggestion_id)


def _detail(
    request: HttpRequest,
    actor: Actor,
    suggestion_id: int,
    *,
    assign_form: AssignForm | None = None,
    answer_form: AnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = suggestion_page(actor=actor, suggestion_id=suggestion_id)
    s = page.suggestion
    context = {
        "page": page,
        "s": s,
        "assign_form": assign_form
        or AssignForm(
            initial={"topic": s.topic.code if s.topic else "", "department": s.department.code if s.department else ""},
            topics=topic_list(),
            departments=answering_departments(),
        ),
        "answer_form": answer_form or AnswerForm(),
    }
    return render(request, "suggestions/detail.html", context, status=status)


@require_POST
@desk_view
def assign(request: HttpRequest, actor: Actor, suggestion_id: int) -> HttpResponse:
    """分办 from the suggestion page or the desk queue (`next=desk`: back to the queue)."""
    form = AssignForm(request.POST, topics=topic_list(), departments=answering_departments())
    form.is_valid()
    try:
        done = suggestion_assign(
            actor=actor,
            suggestion=suggestion_id,
            department=form.cleaned_data.get("department") or None,
            topic=form.cleaned_data.get("topic") or None,
        )
    except REFUSED as exc:
        add_service_error(form, exc)
        return _detail(request, actor, suggestion_id, assign_form=form, status=exc.http_status)
    messages.success(request, _("已分办至%(department)s。") % {"department": done.department})
    if request.POST.get("next") == "desk":
        return redirect("suggestions:desk")
    return redirect("suggestions:detail", suggestion_id=suggestion_id)


@require_POST
@business_view
def answer(request: HttpRequest, actor: Actor, suggestion_id: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    form.is_valid()
    try:
        suggestion_answer(actor=actor, suggestion=suggestion_id, answer=form.cleaned_data.get("answer", ""))
    except REFUSED as exc:
        add_service_error(form, exc)
        return _detail(request, actor, suggestion_id, answer_form=form, status=exc.http_status)
    messages.success(request, _("答复已送达提出人。"))
    return redirect("suggestions:detail", suggestion_id=suggestion_id)


@require_POST
@business_view
def close(request: HttpRequest, actor: Actor, suggestion_id: int) -> HttpResponse:
    try:
        suggestion_close(actor=actor, suggestion=suggestion_id)
    except REFUSED as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("建议已关闭。"))
    return redirect("suggestions:detail", suggestion_id=suggestion_id)


@desk_view
def desk(request: HttpRequest, actor: Actor) -> HttpResponse:
    """建议分办: untagged/unassigned suggestions (`?tab=assigned`: assigned, awaiting an answer), oldest first."""
    tab = "assigned" if request.GET.get("tab") == "assigned" else "submitted"
    page = paginate_capped(request, desk_queue(actor=actor, tab=tab))
    context = {
        "page": page,
        "tab": tab,
        "counts": desk_counts(actor=actor),
        "topics": topic_list(),
        "departments": answering_departments(),
    }
    return render_page(request, "suggestions/desk.html", context, partial="table")


@role_view(lambda actor: actor.is_department)
def department(request: HttpRequest, actor: Actor) -> HttpResponse:
    """建议答复: the department's suggestions awaiting an answer (`?tab=answered`: answered ones)."""
    answered = request.GET.get("tab") == "answered"
    page = paginate_capped(request, department_queue(actor=actor, answered=answered))
    return render_page(request, "suggestions/department.html", {"page": page, "answered": answered}, partial="table")


@role_view(may_see_stats)
def stats(request: HttpRequest, actor: Actor) -> HttpResponse:
    """建议统计 (leaders, desk): a chart by month and topic, the counts by topic, then the suggestions."""
    filters = filters_from_query(request.GET)
    page = paginate_capped(request, suggestion_list(actor=actor, filters=filters))
    # Lazy (called once by the template's {% with %}, never for the HTMX table fragment).
    overview = partial(suggestion_overview, actor=actor, filters=filters)
    context = {
        "page": page,
        "filters": filters,
        "topics": topic_list(),
        "states": SuggestionState.choices,
        "overview": overview,
    }
    return render_page(request, "suggestions/stats.html", context, partial="table")
