"""Enterprise pages: the list (filters in the URL, HTMX table), the 360 page and 我的企业.

Parse → call one selector → render (STYLE.md §6.2.4); scope and 404s come from the selectors.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from qifu.access.actor import Actor
from qifu.access.web import business_view, staff_view
from qifu.core.web import paginate, render_page
from qifu.enterprises.forms import filters_from_query
from qifu.enterprises.selectors import enterprise_list, enterprise_parks, enterprise_profile
from qifu.linkage.selectors import my_enterprises
from qifu.people.selectors import staff_list


@staff_view
def list_enterprises(request: HttpRequest, actor: Actor) -> HttpResponse:
    filters = filters_from_query(request.GET)
    page = paginate(request, enterprise_list(actor=actor, filters=filters))
    # parks and the chosen liaison are lazy: the HTMX table fragment never evaluates them. No list
    # of every liaison: a city has thousands, so the filter takes a name instead.
    chosen = staff_list(actor=actor).filter(pk=filters.liaison) if filters.liaison else None
    context = {"page": page, "filters": filters, "parks": enterprise_parks, "chosen_liaison": chosen}
    return render_page(request, "enterprises/list.html", context, partial="table")


@business_view
def show_enterprise(request: HttpRequest, actor: Actor, uscc: str) -> HttpResponse:
    profile = enterprise_profile(actor=actor, uscc=uscc)
    return render(request, "enterprises/detail.html", {"profile": profile, "enterprise": profile.enterprise})


@business_view
def my_enterprises_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Liaisons: 我的企业. An enterprise user: 我的挂钩干部 (same nav entry, its own page)."""
    if actor.is_enterprise:
        profile = enterprise_profile(actor=actor, uscc=actor.user.enterprise.uscc)  # type: ignore[union-attr]
        return render(request, "enterprises/my_liaison.html", {"profile": profile})
    if not actor.is_liaison:
        return redirect("enterprises:list")
    return render(request, "enterprises/mine.html", {"enterprises": my_enterprises(actor=actor)})
