"""Indicator pages: the upload (月度指标导入) and the edit form of one enterprise-month.

Parse → call one service or selector → render (STYLE.md §6.2.4). People who write no indicators
get 404 (the pages are not advertised); an enterprise outside the actor's editing scope is 404 too.
"""

from datetime import date
from typing import IO, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qifu.access.actor import Actor
from qifu.access.scopes import may_edit_indicators
from qifu.access.web import role_view
from qifu.core.errors import QifuError
from qifu.core.excel import XLSX_CONTENT_TYPE
from qifu.core.web import render_page
from qifu.indicators.exporting import template_tempfile
from qifu.indicators.forms import IndicatorForm, IndicatorImportForm
from qifu.indicators.importing import INDICATOR_COLUMNS, INVESTMENT_COLUMNS, indicator_import, investment_import
from qifu.indicators.selectors import indicator_editable_get, indicator_month_get
from qifu.indicators.services import current_month, indicator_set

MAX_ERRORS_SHOWN = 1000
editor_view = role_view(may_edit_indicators)


@require_http_methods(["GET", "POST"])
@editor_view
def import_indicators(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Upload → check every row → upsert (all or nothing, or skip invalid rows) → the report."""
    context = {
        "form": IndicatorImportForm(),
        "kinds": (("indicators", INDICATOR_COLUMNS), ("project_investment", INVESTMENT_COLUMNS)),
        "max_errors": MAX_ERRORS_SHOWN,
    }
    if request.method == "GET":
        return render(request, "indicators/import.html", context)
    form = IndicatorImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload, skip = form.cleaned_data["file"], form.cleaned_data["skip_invalid"]
        run = investment_import if form.cleaned_data["kind"] == "project_investment" else indicator_import
        report = run(actor=actor, file=cast(IO[bytes], upload), filename=upload.name, skip_invalid=skip)
    context.update(form=form, report=report)
    return render_page(request, "indicators/import.html", context, partial="result")


@require_GET
@editor_view  # type: ignore[arg-type]
def import_template(request: HttpRequest, actor: Actor, kind: str) -> HttpResponseBase:
    """An empty workbook with the formats.md headers and a sheet of notes."""
    if kind not in ("indicators", "project_investment"):
        raise Http404
    name = "月度指标导入模板.xlsx" if kind == "indicators" else "项目月度投资导入模板.xlsx"
    return FileResponse(template_tempfile(kind), as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


def _month(text: str | None) -> date:
    """?month=YYYY-MM, else last month (the month usually being reported)."""
    try:
        year, month = (text or "").split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        this = current_month()
        return date(this.year - 1, 12, 1) if this.month == 1 else this.replace(month=this.month - 1)


@require_http_methods(["GET", "POST"])
@editor_view
def edit_indicators(request: HttpRequest, actor: Actor, uscc: str) -> HttpResponse:
    """§2.5 填报/修改 one enterprise-month: the liaison, the desk or the economic department."""
    enterprise = indicator_editable_get(actor=actor, uscc=uscc)
    month = _month(request.POST.get("month") or request.GET.get("month"))
    stored = indicator_month_get(actor=actor, enterprise=enterprise, month=month)
    form = IndicatorForm(request.POST or None, initial={} if stored is None else vars(stored))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            indicator_set(actor=actor, enterprise=enterprise, month=month, values=form.values())
        except QifuError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存 %(month)s 的指标。") % {"month": f"{month:%Y-%m}"})
            return redirect("enterprises:detail", uscc=enterprise.uscc)
    if form.errors:
        status = 422
    context = {"enterprise": enterprise, "month": month, "form": form, "stored": stored, "max_month": current_month()}
    return render(request, "indicators/edit.html", context, status=status)
