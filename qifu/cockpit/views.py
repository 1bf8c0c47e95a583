"""驾驶舱 page (/cockpit/) and its Excel exports: the same figures as /api/v1/cockpit.

Leaders and the service desk only (`access.scopes.may_open_cockpit`); other signed-in people get
403 (the cockpit is announced in their nav to no one, but a shared link should say why it does not
open). A bad `month` shows the current month with a message."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qifu.access.actor import Actor
from qifu.access.scopes import may_open_cockpit
from qifu.access.web import actor_view
from qifu.cockpit.charts import chart_data
from qifu.cockpit.exporting import SECTIONS, cockpit_export
from qifu.cockpit.figures import as_json, cockpit_figures, previous_months
from qifu.cockpit.months import month_parse
from qifu.core.errors import NotFound, RuleViolation
from qifu.core.excel import XLSX_CONTENT_TYPE


def _allowed(actor: Actor) -> None:
    if not may_open_cockpit(actor):
        raise PermissionDenied(_("驾驶舱仅供领导和服务专班查看。"))


@require_GET
@actor_view
def cockpit(request: HttpRequest, actor: Actor) -> HttpResponse:
    _allowed(actor)
    error = ""
    try:
        month = month_parse(request.GET.get("month"))
    except RuleViolation:
        month, error = month_parse(""), _("月份无效，已改为显示本月。")
    figures = cockpit_figures(actor=actor, month=month)
    context = {
        "f": figures,
        "chart": chart_data(as_json(figures)),
        "months": previous_months(month_parse("")),
        "month": month,
        "error": error,
        "trend_rows": list(
            zip(figures.trend.months, figures.trend.urls, figures.trend.filed, figures.trend.done, strict=True)
        ),
    }
    return render(request, "cockpit/cockpit.html", context)


@require_GET
@actor_view  # type: ignore[arg-type]  # a FileResponse streams (HttpResponseBase)
def export(request: HttpRequest, actor: Actor, section: str = "") -> HttpResponseBase:
    """Every table of the month as one workbook, or one table (`section`)."""
    _allowed(actor)
    if section and section not in SECTIONS:
        raise NotFound("no such table")
    try:
        month = month_parse(request.GET.get("month"))
    except RuleViolation as exc:
        raise NotFound(exc.message) from exc
    figures = cockpit_figures(actor=actor, month=month)
    file, name = cockpit_export(actor=actor, figures=figures, section=section)
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
