"""The ledger (台账) and the work queues (PRODUCT.md §2.2, UX.md principles 1, 2, 5, 6).

Parse → call one selector → render (STYLE.md §6.2.4); scope comes from the selectors, so a filter
only narrows. Each queue is 404 for the roles that do not use it (not advertised, STYLE.md §6.4).
The one-click buttons (受理, 同意/不同意) post here and call the same `case_act` service as the
case page and the API.
"""

from functools import partial
from typing import ParamSpec

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.web import desk_view, role_view, staff_view
from qifu.cases.exporting import case_export, export_filename
from qifu.cases.forms import filters_from_query, inbox_tab
from qifu.cases.models import RoutingMode
from qifu.cases.rows import case_rows
from qifu.cases.selectors import approvals, department_counts, routing_department, routing_rows
from qifu.cases.selectors_lists import inbox_list, intake_list, ledger_list, ledger_subject, supervision_list
from qifu.cases.services import case_act, routing_set
from qifu.core.errors import Conflict, PermissionDenied, RuleViolation
from qifu.core.excel import XLSX_CONTENT_TYPE
from qifu.core.web import paginate_capped, render_page
from qifu.reference.selectors import department_list

P = ParamSpec("P")
DECISIONS = ("approve_extension", "deny_extension", "approve_return", "deny_return")


department_view = role_view(lambda a: a.is_department)
head_view = role_view(lambda a: a.role == "dept_head")
leader_view = role_view(lambda a: a.role == "leader")


@staff_view
def ledger(request: HttpRequest, actor: Actor) -> HttpResponse:
    """诉求台账: the actor's scope, narrowed by the filters in the URL."""
    filters = filters_from_query(request.GET)
    page = paginate_capped(request, ledger_list(actor=actor, filters=filters), rows=case_rows)
    # Lazy (called by the template, never for the HTMX table fragment).
    subject = partial(ledger_subject, actor=actor, filters=filters)
    context = {"page": page, "filters": filters, "departments": department_list, "subject": subject}
    return render_page(request, "cases/lists/ledger.html", context, partial="table")


@require_GET
@staff_view  # type: ignore[arg-type]  # a FileResponse streams (HttpResponseBase)
def export(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """导出Excel: exactly the filtered ledger (same GET parameters), streamed from a temp file."""
    file, _rows, _truncated = case_export(actor=actor, filters=filters_from_query(request.GET))
    return FileResponse(file, as_attachment=True, filename=export_filename(), content_type=XLSX_CONTENT_TYPE)


@desk_view
def intake(request: HttpRequest, actor: Actor) -> HttpResponse:
    """受理分办: submitted and accepted cases, oldest first, with the response deadline."""
    page = paginate_capped(request, intake_list(actor=actor))
    return render_page(request, "cases/lists/intake.html", {"page": page}, partial="table")


@require_POST
@desk_view
def accept(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """One-click 受理 from the intake list."""
    _act(request, actor, case_id, "accept", _("已受理。"))
    return redirect("ledger:intake")


@department_view
def inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    """部门待办: 待签收 / 办理中 / 即将到期 / 已超期 / 协办 (`?mine=1`: my own cases)."""
    tab, mine = inbox_tab(request.GET), request.GET.get("mine") == "1"
    page = paginate_capped(request, inbox_list(actor=actor, tab=tab, mine=mine), rows=case_rows)
    counts = partial(department_counts, actor=actor)  # lazy: not for the HTMX table fragment
    context = {"page": page, "tab": tab, "mine": mine, "counts": counts}
    return render_page(request, "cases/lists/inbox.html", context, partial="table")


@head_view
def approvals_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """审批: the pending extensions and returns of the head's department."""
    extensions, returns = approvals(actor=actor)
    context = {"extensions": extensions, "returns": returns, "total": len(extensions) + len(returns)}
    return render_page(request, "cases/lists/approvals.html", context, partial="table")


@require_POST
@head_view
def decide(request: HttpRequest, actor: Actor, case_id: int, decision: str) -> HttpResponse:
    """同意 / 不同意 an extension or a return, from the approvals list."""
    if decision not in DECISIONS:
        raise Http404
    _act(request, actor, case_id, decision, _("已处理。"), reason=request.POST.get("reason", ""))
    return redirect("ledger:approvals")


routing_view = role_view(lambda a: a.role in ("desk", "dept_head"))


@routing_view
def routing_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """分办规则: how a dispatched case reaches one handler (the desk: every department; a head: their own)."""
    context = {"rows": routing_rows(actor=actor), "modes": RoutingMode.choices}
    return render(request, "cases/lists/routing.html", context)


@require_POST
@routing_view
def routing_update(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    department = routing_department(actor=actor, code=code)
    try:
        routing_set(actor=actor, department=department, mode=request.POST.get("mode", ""))
    except (PermissionDenied, RuleViolation) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(dept)s的分办规则已更新。") % {"dept": department.name})
    return redirect("ledger:routing")


@leader_view
def supervision(request: HttpRequest, actor: Actor) -> HttpResponse:
    """督办: supervised or late open cases, the longest overdue first."""
    page = paginate_capped(request, supervision_list(actor=actor), rows=case_rows)
    return render_page(request, "cases/lists/supervision.html", {"page": page}, partial="table")


def _act(request: HttpRequest, actor: Actor, case_id: int, action: str, done: str, **payload: str) -> None:
    """Run an action; a refusal (409/422) becomes a message on the list, nothing changes."""
    try:
        case_act(actor=actor, case_id=case_id, action=action, payload=payload)
    except (Conflict, RuleViolation) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
