"""Project pages: the list with filters in the URL and the project page with its milestone timeline."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qifu.access.actor import Actor
from qifu.access.web import business_view
from qifu.core.web import paginate, render_page
from qifu.enterprises.selectors import enterprise_parks
from qifu.projects.forms import project_filters_from_query
from qifu.projects.selectors import project_get, project_list


@business_view
def list_projects(request: HttpRequest, actor: Actor) -> HttpResponse:
    filters = project_filters_from_query(request.GET)
    page = paginate(request, project_list(actor=actor, filters=filters))
    context = {"page": page, "filters": filters, "parks": enterprise_parks}
    return render_page(request, "projects/list.html", context, partial="table")


@business_view
def show_project(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    project = project_get(actor=actor, code=code)
    return render(request, "projects/detail.html", {"project": project})
