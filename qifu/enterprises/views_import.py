"""Import and export pages of the enterprise registry (PRODUCT.md §2.1, UX.md §6, formats.md).

Import and its template are the service desk's (others get 404, not 403: the page is not
advertised). Export serves anyone on staff the list they can see, with the list page's filters.
"""

from typing import IO, cast

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from qifu.access.actor import Actor
from qifu.access.web import actor_view, desk_view
from qifu.core.excel import XLSX_CONTENT_TYPE
from qifu.core.web import render_page
from qifu.enterprises.exporting import enterprise_export, export_filename, template_tempfile
from qifu.enterprises.forms import filters_from_query
from qifu.enterprises.importing import COLUMNS, enterprise_import

MAX_ERRORS_SHOWN = 1000


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("企业名录文件"),
        help_text=_("Excel 工作簿（.xlsx，读取第一个工作表）或 UTF-8 编码的 CSV；第一行为表头，中文或英文列名均可。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )
    skip_invalid = forms.BooleanField(
        required=False,
        label=_("跳过无效行，只导入有效行"),
        help_text=_("不勾选时，只要有一行有误，整个文件都不导入。"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


@require_http_methods(["GET", "POST"])
@desk_view
def import_enterprises(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Upload → check every row → upsert (all or nothing, or skip invalid rows) → the report."""
    context = {"form": EnterpriseImportForm(), "columns": COLUMNS, "max_errors": MAX_ERRORS_SHOWN}
    if request.method == "GET":
        return render(request, "enterprises/import.html", context)
    form = EnterpriseImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        skip = form.cleaned_data["skip_invalid"]
        report = enterprise_import(actor=actor, file=cast(IO[bytes], upload), filename=upload.name, skip_invalid=skip)
    context.update(form=form, report=report)
    return render_page(request, "enterprises/import.html", context, partial="result")


# access.web types views as returning HttpResponse; a FileResponse streams (HttpResponseBase).
@require_GET
@desk_view  # type: ignore[arg-type]
def import_template(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """An empty workbook with the formats.md headers and a sheet of notes."""
    return FileResponse(
        template_tempfile(), as_attachment=True, filename="企业名录导入模板.xlsx", content_type=XLSX_CONTENT_TYPE
    )


@require_GET
@actor_view  # type: ignore[arg-type]
def export_enterprises(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """UX.md §6 导出Excel: exactly the filtered list the actor sees (same GET filters as the list)."""
    if not actor.is_staff_role:
        raise Http404
    file, _rows, _truncated = enterprise_export(actor=actor, filters=filters_from_query(request.GET))
    return FileResponse(file, as_attachment=True, filename=export_filename(), content_type=XLSX_CONTENT_TYPE)
