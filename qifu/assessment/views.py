"""考核 page: the same report as /api/v1/metrics/assessment, as a chart, the 红黑榜 and a table.

The period and grouping stay in the URL (`?period=2026-11&by=liaison`, or `?since=…&until=…`), so
a view can be bookmarked and shared. A bad period shows the current month with a message.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.web import staff_view
from qifu.assessment.models import Dimension
from qifu.assessment.periods import period_parse
from qifu.assessment.selectors import assessment_access, assessment_report
from qifu.core.errors import RuleViolation

PER_PAGE = 50  # by liaison, a city has thousands of rows


@staff_view
def assessment_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    assessment_access(actor)
    q, error = request.GET, ""
    try:
        period = period_parse(period=q.get("period", ""), since=q.get("since", ""), until=q.get("until", ""))
    except RuleViolation:
        period, error = period_parse(), _("时间段无效，已改为显示本月。")
    default = Dimension.LIAISON if actor.is_liaison else Dimension.DEPARTMENT
    by = q.get("by") if q.get("by") in Dimension.values else default
    number = int(q["page"]) if q.get("page", "").isdigit() and 0 < int(q["page"]) < 10_000 else 1
    report = assessment_report(actor=actor, period=period, by=str(by), limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    page = Paginator(range(report.count), PER_PAGE).get_page(number)  # page arithmetic only
    if page.number != number:  # past the end: the last page
        offset = page.start_index() - 1
        report = assessment_report(actor=actor, period=period, by=str(by), limit=PER_PAGE, offset=offset)
    return render(request, "assessment/index.html", {"report": report, "page": page, "error": error})
