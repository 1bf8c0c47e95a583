"""The monthly work report's download (issue 6 item 6): /cockpit/report/<YYYY-MM>.docx for leaders
and the service desk. Other signed-in people get 403, as on the cockpit itself (docs/COCKPIT.md);
a month that does not exist (2026-13) is 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qifu.access.actor import Actor
from qifu.access.scopes import may_open_cockpit
from qifu.access.web import actor_view
from qifu.cockpit.months import month_parse
from qifu.cockpit.report import DOCX_CONTENT_TYPE, monthly_report, report_docx, report_filename
from qifu.core.errors import RuleViolation


@require_GET
@actor_view
def report_download(request: HttpRequest, actor: Actor, month: str) -> HttpResponse:
    if not may_open_cockpit(actor):
        raise PermissionDenied(_("月度工作报告仅供领导和服务专班下载。"))
    try:
        first = month_parse(month)
    except RuleViolation as exc:
        raise Http404(exc.message) from exc
    report = monthly_report(actor=actor, month=first)
    response = HttpResponse(report_docx(report), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
    return response
