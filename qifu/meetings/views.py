"""Meeting pages (PRODUCT.md §2.7): the list (a calendar of what is coming), 安排会议, the meeting
page with invitations, agenda, outcomes, decisions and minutes, and the minutes as Word.

Parse → call one service or selector → render. A refused action shows the service's Chinese
message and changes nothing; a meeting outside the scope is 404 (selectors).
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.web import business_view, role_view
from qifu.core.errors import NotFound, QifuError
from qifu.core.web import paginate, render_page
from qifu.meetings.forms import DecisionForm, InviteForm, MeetingForm, OutcomeForm
from qifu.meetings.minutes import DOCX_CONTENT_TYPE, minutes_docx, minutes_filename
from qifu.meetings.selectors import (
    agenda_candidates,
    agenda_case_id,
    may_plan,
    meeting_get,
    meeting_list,
    meeting_page,
)
from qifu.meetings.services import (
    meeting_cancel,
    meeting_create,
    meeting_decide,
    meeting_invite,
    meeting_item_add,
    meeting_item_outcome,
    meeting_minutes,
    meeting_respond,
    meeting_update,
)
from qifu.meetings.wording import done
from qifu.reference.selectors import department_list

WHEN = ("upcoming", "past", "all")


def _detail(meeting_id: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("meetings:detail", args=[meeting_id]) + (f"#{anchor}" if anchor else ""))


@require_GET
@business_view
def meeting_index(request: HttpRequest, actor: Actor) -> HttpResponse:
    """会议: upcoming first (soonest on top), or past, or all."""
    when = request.GET.get("when", "upcoming")
    when = when if when in WHEN else "upcoming"
    page = paginate(request, meeting_list(actor=actor, when="" if when == "all" else when))
    context = {"page": page, "when": when, "may_plan": may_plan(actor), "now": timezone.now()}
    return render_page(request, "meetings/list.html", context, partial="table")


@role_view(may_plan)
def meeting_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    """安排会议: the desk, or a department head for their own department."""
    form = MeetingForm(request.POST or None, actor=actor, departments=list(department_list()))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(actor=actor, data=form.data_out())
        except QifuError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, done("meeting_create"))
            return _detail(meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "meeting": None})


@business_view
def meeting_edit(request: HttpRequest, actor: Actor, meeting_id: int) -> HttpResponse:
    page = meeting_page(actor=actor, meeting_id=meeting_id)
    if not page.can_manage:
        raise Http404
    meeting = page.meeting
    codes = [c for c in page.department_codes if c != meeting.host_department.code]
    initial = MeetingForm.initial_for(meeting, codes)
    form = MeetingForm(request.POST or None, actor=actor, departments=list(department_list()), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(actor=actor, meeting_id=meeting_id, data=form.data_out())
        except QifuError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, done("meeting_update"))
            return _detail(meeting_id)
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting})


def _page_context(actor: Actor, meeting_id: int, **forms: object) -> dict[str, object]:
    page = meeting_page(actor=actor, meeting_id=meeting_id)
    context: dict[str, object] = {"page": page, "meeting": page.meeting, "departments": list(department_list())}
    if page.can_manage:
        context["candidates"] = agenda_candidates(actor=actor, meeting=page.meeting)
        context.setdefault("invite_form", InviteForm(actor=actor))
        context.setdefault("decision_form", DecisionForm(actor=actor))
    context.update(forms)
    return context


@require_GET
@business_view
def meeting_detail(request: HttpRequest, actor: Actor, meeting_id: int) -> HttpResponse:
    return render(request, "meetings/detail.html", _page_context(actor, meeting_id))


@require_POST
@business_view
def meeting_invite_view(request: HttpRequest, actor: Actor, meeting_id: int) -> HttpResponse:
    meeting_get(actor=actor, meeting_id=meeting_id)
    form = InviteForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            made = meeting_invite(
                actor=actor,
                meeting_id=meeting_id,
                enterprises=form.cleaned_data["enterprises"],
                requested=bool(form.cleaned_data.get("requested")),
            )
        except QifuError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, done("meeting_invite", n=len(made)))
            return _detail(meeting_id, "invites")
    context = _page_context(actor, meeting_id, invite_form=form)
    return render(request, "meetings/detail.html", context, status=422)


def _run(request: HttpRequest, meeting_id: int, anchor: str, key: str, call: Callable[[], object]) -> HttpResponse:
    """Run one service call; its refusal becomes a message on the meeting page (nothing changed)."""
    try:
        result = call()
    except NotFound:
        raise
    except QifuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done(key, n=result if isinstance(result, int) else 0))
    return _detail(meeting_id, anchor)


@require_POST
@business_view
def meeting_respond_view(request: HttpRequest, actor: Actor, meeting_id: int) -> HttpResponse:
    state = request.POST.get("state", "")
    enterprise_id = int(request.POST["enterprise"]) if request.POST.get("enterprise", "").isdigit() else None

    def call() -> object:
        return meeting_respond(actor=actor, meeting_id=meeting_id, state=state, enterprise_id=enterprise_id)

    return _run(request, meeting_id, "invites", "meeting_respond", call)


@require_POST
@business_view
def meeting_item_add_view(request: HttpRequest, actor: Actor, meeting_id: int) -> HttpResponse:
    ref = request.POST.get("case", "")

    def call() -> object:
        try:
            case_id = agenda_case_id(actor=actor, ref=ref)
        except NotFound:
            raise QifuError(done("case_not_found", ref=ref), code="not_found") from None
        return meeting_item_add(actor=actor, meeting_id=meeting_id, case_id=case_id)

    return _run(request, meeting_id, "agenda", "meeting_item_add", call)


@require_POST
@business_view
def meeting_outcome_view(request: HttpRequest, actor: Actor, meeting_id: int, item_id: int) -> HttpResponse:
    form = OutcomeForm(request.POST)
    form.is_valid()

    def call() -> object:
        if "outcome" in form.errors:
            raise QifuError(done("outcome_missing"), code="invalid_choice")
        return meeting_item_outcome(actor=actor, meeting_id=meeting_id, item_id=item_id, data=form.data_out())

    return _run(request, meeting_id, f"item-{item_id}", "meeting_item_outcome", call)


@require_POST
@business_view
def meeting_decide_view(request: HttpRequest, actor: Actor, meeting_id: int) -> HttpResponse:
    meeting_get(actor=actor, meeting_id=meeting_id)
    form = DecisionForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            decision = meeting_decide(actor=actor, meeting_id=meeting_id, data=form.data_out())
        except QifuError as exc:
            form.add_service_error(exc)
        else:
            number = decision.case.number if decision.case else ""
            messages.success(request, done("meeting_decide", number=number))
            return _detail(meeting_id, "decisions")
    context = _page_context(actor, meeting_id, decision_form=form)
    return render(request, "meetings/detail.html", context, status=422)


@require_POST
@business_view
def meeting_minutes_view(request: HttpRequest, actor: Actor, meeting_id: int) -> HttpResponse:
    text = request.POST.get("minutes", "")

    def call() -> object:
        return meeting_minutes(actor=actor, meeting_id=meeting_id, minutes=text)

    return _run(request, meeting_id, "minutes", "meeting_minutes", call)


@require_POST
@business_view
def meeting_cancel_view(request: HttpRequest, actor: Actor, meeting_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")

    def call() -> object:
        return meeting_cancel(actor=actor, meeting_id=meeting_id, reason=reason)

    return _run(request, meeting_id, "", "meeting_cancel", call)


@require_GET
@business_view
def meeting_docx(request: HttpRequest, actor: Actor, meeting_id: int) -> HttpResponse:
    """会议纪要.docx: what the actor may see of the meeting."""
    page = meeting_page(actor=actor, meeting_id=meeting_id)
    response = HttpResponse(minutes_docx(page), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{minutes_filename(page)}"'
    return response
