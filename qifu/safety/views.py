"""The safety pages: fill the checklist after a safety visit, the rectification list and page.

Parse → call one service or selector → render (STYLE.md §6.2.4). Scope and 404s come from the
selectors; a refused action shows its Chinese message and changes nothing.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.web import business_view
from qifu.core.errors import QifuError
from qifu.core.web import paginate_capped, render_page
from qifu.files.web import file_response
from qifu.safety.forms import rect_filters, results_from_post
from qifu.safety.models import RectState, Severity
from qifu.safety.pages import check_rows, rect_rows, rectification_page
from qifu.safety.selectors import check_page, rectification_counts, rectification_get, rectification_list
from qifu.safety.services import (
    check_record,
    rectification_escalate,
    rectification_reopen,
    rectification_submit,
    rectification_verify,
)


@business_view
def fill_check(request: HttpRequest, actor: Actor, visit_id: int) -> HttpResponse:
    """安全检查表 for one safety visit: big 合格/不合格/不适用 toggles per item, phone first."""
    page, error, status = check_page(actor=actor, visit_id=visit_id), None, 200
    if request.method == "POST":
        results = results_from_post(request.POST, [i.pk for i in page.items])
        try:
            check = check_record(actor=actor, visit_id=visit_id, results=results)
        except QifuError as exc:
            error, status = exc.message, exc.http_status
        else:
            messages.success(request, _("检查结果已保存，不合格项%(n)s项。") % {"n": check.failed})
            return redirect("safety:check", visit_id=visit_id)
    context = {"page": page, "rows": check_rows(page, request.POST if error else None), "error": error}
    return render(request, "safety/check.html", context, status=status)


@require_GET
@business_view
def rectifications(request: HttpRequest, actor: Actor) -> HttpResponse:
    """隐患整改 list: filters state/overdue/severity, nearest deadline first, the deadline always shown."""
    filters = rect_filters(request.GET)
    page = paginate_capped(request, rectification_list(actor=actor, filters=filters))
    context = {
        "page": page,
        "rows": rect_rows(list(page.object_list)),
        "filters": filters,
        "counts": rectification_counts(actor=actor),
        "states": RectState.choices,
        "severities": Severity.choices,
    }
    return render_page(request, "safety/list.html", context, partial="table")


@require_GET
@business_view
def rectification(request: HttpRequest, actor: Actor, rectification_id: int) -> HttpResponse:
    return render(
        request, "safety/detail.html", {"page": rectification_page(actor=actor, rectification_id=rectification_id)}
    )


def _done(action: str) -> str:
    return {
        "submit": _("已报告整改情况。"),
        "verify": _("已验收。"),
        "reopen": _("已退回企业重新整改。"),
        "escalate": _("已转为诉求，由责任部门协助办理。"),
    }[action]


@require_POST
@business_view
def rectification_act(request: HttpRequest, actor: Actor, rectification_id: int) -> HttpResponse:
    action, post = request.POST.get("action", ""), request.POST
    try:
        if action == "submit":
            photo = request.FILES.get("photo")
            rectification_submit(actor=actor, rectification_id=rectification_id, note=post.get("note", ""), photo=photo)
        elif action == "verify":
            rectification_verify(actor=actor, rectification_id=rectification_id, note=post.get("note", ""))
        elif action == "reopen":
            days = int(post["days"]) if post.get("days", "").isdigit() and len(post["days"]) < 4 else None
            rectification_reopen(actor=actor, rectification_id=rectification_id, note=post.get("note", ""), days=days)
        elif action == "escalate":
            rectification_escalate(actor=actor, rectification_id=rectification_id, text=post.get("text", ""))
        else:
            raise Http404
    except QifuError as exc:
        if exc.http_status == 404:
            raise Http404 from exc
        page = rectification_page(actor=actor, rectification_id=rectification_id)
        return render(request, "safety/detail.html", {"page": page, "error": exc.message}, status=exc.http_status)
    messages.success(request, _done(action))
    return redirect("safety:detail", rectification_id=rectification_id)


@require_GET
@business_view  # type: ignore[arg-type]  # a FileResponse streams (HttpResponseBase)
def photo(request: HttpRequest, actor: Actor, rectification_id: int) -> FileResponse:
    """The enterprise's photo of the fix, after the scope check."""
    rect = rectification_get(actor=actor, rectification_id=rectification_id)
    if rect.fix_photo is None:
        raise Http404
    return file_response(actor=actor, stored=rect.fix_photo)
