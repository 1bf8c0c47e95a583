"""The case pages (issue 3 items 5–6): 提诉求, 我的诉求, the case page with its action forms, its
live updates and attachment downloads.

Parse → call one service or selector → render (STYLE.md §6.2.4). Scope and 404s come from the
selectors (`case_get` answers NotFound for a case outside the actor's scope); a refused action
shows its Chinese message on the page and changes nothing (the service raised before writing).
"""

from typing import ParamSpec

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.web import business_view, role_view
from qifu.cases.forms_case import CaseFileForm, action_error, action_payload, done_message
from qifu.cases.selectors import case_attachment_get
from qifu.cases.selectors_pages import (
    Failure,
    case_page,
    case_rows,
    case_updates,
    dispatch_departments,
    may_file,
    my_cases,
)
from qifu.cases.services import case_act, case_file
from qifu.core.errors import Conflict, QifuError, RuleViolation
from qifu.core.web import paginate, render_page
from qifu.enterprises.selectors import EnterpriseFilters, enterprise_list
from qifu.files.web import file_response
from qifu.knowledge.services import knowledge_answer_sent

P = ParamSpec("P")


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@role_view(may_file)
def file_request(request: HttpRequest, actor: Actor) -> HttpResponse:
    """提诉求: the enterprise for itself; a liaison or the desk for an enterprise in their scope."""
    form = CaseFileForm(request.POST or None, request.FILES or None, actor=actor, departments=dispatch_departments())
    if request.method == "POST" and form.is_valid():
        try:
            case = case_file(actor=actor, enterprise=form.filed_for(), data=form.case_data(), files=form.uploads())
        except QifuError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, done_message("file", number=case.number))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/new.html", {"form": form})


@role_view(lambda actor: actor.is_enterprise)
def my_requests(request: HttpRequest, actor: Actor) -> HttpResponse:
    """我的诉求: the enterprise's own requests, newest first, with plain status and days left."""
    page = paginate(request, my_cases(actor=actor))
    context = {"page": page, "rows": case_rows(list(page.object_list))}
    return render_page(request, "cases/mine.html", context, partial="table")


@require_GET
@business_view
def show_case(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    return render(request, "cases/detail.html", {"page": case_page(actor=actor, case_id=case_id)})


@require_POST
@business_view
def act(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """One action from the case page, through the same service as the API."""
    action = request.POST.get("action", "")
    payload, files = action_payload(action, request.POST, actor), request.FILES.getlist("attachments")
    try:
        case_act(actor=actor, case_id=case_id, action=action, payload=payload, files=files)
    except (Conflict, RuleViolation) as exc:
        failed = Failure(action, action_error(exc, action), request.POST)
        page = case_page(actor=actor, case_id=case_id, failed=failed)
        return render(request, "cases/detail.html", {"page": page}, status=exc.http_status)
    if action in ("answer", "resolve") and request.POST.getlist("knowledge_entry"):  # 使用此答复 (docs/KNOWLEDGE.md)
        knowledge_answer_sent(actor=actor, case_id=case_id, post=request.POST)
    messages.success(request, done_message(action))
    return redirect(reverse("cases:detail", args=[case_id]) + "#case-timeline")


@require_GET
@business_view
def updates(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """The case page's poll (every 3 s): 204 after one query when nothing visible changed; else
    the new timeline rows and the redrawn header (and action forms, when they changed)."""
    after, stamp, sig = _int(request.GET.get("after")), request.GET.get("stamp", ""), request.GET.get("sig", "")
    found = case_updates(actor=actor, case_id=case_id, after=after, stamp=stamp, signature=sig)
    if found is None:
        return HttpResponse(status=204)
    return render(request, "cases/detail.html#updates", {"page": found.page, "updates": found})


@require_GET
@business_view  # type: ignore[arg-type]  # a FileResponse streams (HttpResponseBase)
def attachment(request: HttpRequest, actor: Actor, case_id: int, attachment_id: int) -> FileResponse:
    """A download, after the scope check (the enterprise never gets an internal attachment)."""
    found = case_attachment_get(actor=actor, case_id=case_id, attachment_id=attachment_id)
    return file_response(actor=actor, stored=found.file)


@require_GET
@role_view(lambda actor: may_file(actor) and not actor.is_enterprise)
def enterprise_options(request: HttpRequest, actor: Actor) -> HttpResponse:
    """HTMX: <option>s for the filing form's enterprise field (name or USCC, within the scope)."""
    term = request.GET.get("enterprise", "").strip()
    found = enterprise_list(actor=actor, filters=EnterpriseFilters(q=term))[:10] if len(term) >= 2 else []
    return render(request, "linkage/partials/_enterprise_options.html", {"found": found})
