"""The monthly work report's download (issue 6 item 6): /cockpit/report/<YYYY-MM>.docx for leaders
and the service desk (everyone else: 404, the page is not advertised, STYLE.md §6.4)."""

from django.http import Http404, HttpRequest, HttpResponse

from qifu.access.actor import Actor
from qifu.access.scopes import may_open_cockpit
from qifu.access.web import role_view
from qifu.assessment.periods import period_parse
from qifu.cockpit.report import DOCX_CONTENT_TYPE, monthly_report, report_docx, report_filename
from qifu.core.errors import RuleViolation


@role_view(may_open_cockpit)
def report_download(request: HttpRequest, actor: Actor, month: str) -> HttpResponse:
    try:
        first = period_parse(period=month).since
    except RuleViolation as exc:  # 2026-13: no such month
        raise Http404(exc.message) from exc
    report = monthly_report(actor=actor, month=first)
    response = HttpResponse(report_docx(report), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
    return response
