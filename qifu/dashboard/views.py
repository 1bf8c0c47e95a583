"""工作台: each role lands on its own to-do list with counts (UX.md principle 1)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qifu.access.actor import Actor
from qifu.access.web import actor_view
from qifu.dashboard.selectors import department_home, desk_home, enterprise_home, leader_home, liaison_home

HOMES: dict[str, tuple[str, Callable[..., Any]]] = {
    "cadre": ("dashboard/home_liaison.html", liaison_home),
    "deputy": ("dashboard/home_liaison.html", liaison_home),
    "desk": ("dashboard/home_desk.html", desk_home),
    "leader": ("dashboard/home_leader.html", leader_home),
    "handler": ("dashboard/home_department.html", department_home),
    "dept_head": ("dashboard/home_department.html", department_home),
    "enterprise": ("dashboard/home_enterprise.html", enterprise_home),
}


@actor_view
def home(request: HttpRequest, actor: Actor) -> HttpResponse:
    if actor.role not in HOMES:  # the three admins: links to their own areas, no business data
        return render(request, "dashboard/home_admin.html", {})
    template, selector = HOMES[actor.role]
    return render(request, template, {"home": selector(actor=actor)})
