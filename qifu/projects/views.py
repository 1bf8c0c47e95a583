"""Project pages: the list with filters in the URL, the progress board with its export, and the
project page with its investment chart and milestone timeline."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.access.web import business_view
from qifu.core.excel import XLSX_CONTENT_TYPE
from qifu.core.web import paginate, render_page
from qifu.enterprises.selectors import enterprise_parks
from qifu.projects.charts import board_chart, project_chart
from qifu.projects.exporting import export_filename, project_board_export
from qifu.projects.forms import board_filter_errors, board_filters_from_query, project_filters_from_query
from qifu.projects.progress import project_board, project_board_liaisons, project_board_summary
from qifu.projects.selectors import project_get, project_list


@business_view
def list_projects(request: HttpRequest, actor: Actor) -> HttpResponse:
    filters = project_filters_from_query(request.GET)
    page = paginate(request, project_list(actor=actor, filters=filters))
    context = {"page": page, "filters": filters, "parks": enterprise_parks}
    return render_page(request, "projects/list.html", context, partial="table")


@business_view
def show_board(request: HttpRequest, actor: Actor) -> HttpResponse:
    """§2.8 project progress: the chart of the filtered board first, then its table by lateness."""
    filters, today = board_filters_from_query(request.GET), timezone.localdate()
    board = project_board(actor=actor, filters=filters, today=today)
    summary = project_board_summary(board=board, today=today)
    context = {"page": paginate(request, board), "filters": filters, "summary": summary, "today": today,
               "chart": board_chart(summary), "ignored": board_filter_errors(request.GET),
               "parks": enterprise_parks, "liaisons": project_board_liaisons(actor=actor)}  # fmt: skip
    return render_page(request, "projects/board.html", context, partial="board")


# access.web types views as returning HttpResponse; a FileResponse streams (HttpResponseBase).
@business_view  # type: ignore[arg-type]
def export_board(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """UX.md §6 导出Excel: exactly the filtered board the actor sees, in its order."""
    file, _rows = project_board_export(actor=actor, filters=board_filters_from_query(request.GET))
    return FileResponse(file, as_attachment=True, filename=export_filename(), content_type=XLSX_CONTENT_TYPE)


@business_view
def show_project(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    project = project_get(actor=actor, code=code)
    chart = project_chart(project) if project.last_month else None  # type: ignore[attr-defined]  # annotated
    return render(request, "projects/detail.html", {"project": project, "chart": chart})
