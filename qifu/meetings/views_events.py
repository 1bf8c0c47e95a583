"""Event pages (企业沙龙, PRODUCT.md §2.7): the list, 发布活动, the event page with the register /
cancel buttons for an invited enterprise and the attendance list for the organisers.

Parse → call one service or selector → render; refusals show the service's message.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.web import business_view, role_view
from qifu.core.errors import QifuError
from qifu.core.web import paginate, render_page
from qifu.meetings.forms import EventForm, InviteForm
from qifu.meetings.selectors import event_get, event_list, event_page, may_plan
from qifu.meetings.services_events import (
    event_attendance,
    event_cancel,
    event_create,
    event_invite,
    event_register,
)
from qifu.meetings.wording import done

WHEN = ("upcoming", "past", "all")


def _detail(event_id: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("meetings:event_detail", args=[event_id]) + (f"#{anchor}" if anchor else ""))


@require_GET
@business_view
def event_index(request: HttpRequest, actor: Actor) -> HttpResponse:
    """活动: upcoming salons first, with registrations and seats."""
    when = request.GET.get("when", "upcoming")
    when = when if when in WHEN else "upcoming"
    page = paginate(request, event_list(actor=actor, when="" if when == "all" else when))
    context = {"page": page, "when": when, "may_plan": may_plan(actor), "now": timezone.now()}
    return render_page(request, "meetings/events/list.html", context, partial="table")


@role_view(may_plan)
def event_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = EventForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=actor, data=form.data_out())
        except QifuError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, done("event_create"))
            return _detail(event.pk)
    return render(request, "meetings/events/form.html", {"form": form})


def _context(actor: Actor, event_id: int, **extra: object) -> dict[str, object]:
    page = event_page(actor=actor, event_id=event_id)
    context: dict[str, object] = {"page": page, "event": page.event}
    if page.can_manage:
        context["invite_form"] = InviteForm(actor=actor)
    context.update(extra)
    return context


@require_GET
@business_view
def event_detail(request: HttpRequest, actor: Actor, event_id: int) -> HttpResponse:
    return render(request, "meetings/events/detail.html", _context(actor, event_id))


@require_POST
@business_view
def event_invite_view(request: HttpRequest, actor: Actor, event_id: int) -> HttpResponse:
    event_get(actor=actor, event_id=event_id)
    form = InviteForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            made = event_invite(actor=actor, event_id=event_id, enterprises=form.cleaned_data["enterprises"])
        except QifuError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, done("event_invite", n=len(made)))
            return _detail(event_id, "invites")
    return render(request, "meetings/events/detail.html", _context(actor, event_id, invite_form=form), status=422)


def _run(request: HttpRequest, event_id: int, key: str, call: Callable[[], object], anchor: str = "") -> HttpResponse:
    try:
        call()
    except QifuError as exc:
        if exc.http_status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done(key))
    return _detail(event_id, anchor)


@require_POST
@business_view
def event_register_view(request: HttpRequest, actor: Actor, event_id: int) -> HttpResponse:
    attendees = request.POST.get("attendees", "1")
    return _run(
        request, event_id, "event_register", lambda: event_register(actor=actor, event_id=event_id, attendees=attendees)
    )


@require_POST
@business_view
def event_cancel_view(request: HttpRequest, actor: Actor, event_id: int) -> HttpResponse:
    return _run(request, event_id, "event_cancel", lambda: event_cancel(actor=actor, event_id=event_id))


@require_POST
@business_view
def event_attendance_view(request: HttpRequest, actor: Actor, event_id: int, registration_id: int) -> HttpResponse:
    attended = request.POST.get("attended") == "1"
    return _run(
        request,
        event_id,
        "event_attendance",
        lambda: event_attendance(actor=actor, event_id=event_id, registration_id=registration_id, attended=attended),
        "registrations",
    )
