"""Meeting and event reads (PRODUCT.md §2.7). Visibility lives here, in one place, built on the
`qifu.access.scopes` helpers:

- service desk and leaders: every meeting and event;
- department staff: meetings their department hosts or takes part in; every event;
- liaison (cadre, deputy): meetings inviting an enterprise linked to them; every event; of a
  meeting's invitations, agenda and decisions only the rows of enterprises in their scope;
- enterprise user: meetings and events it is invited to; of a meeting only its own invitation,
  its own cases on the agenda and its own decisions — never another enterprise's;
- the three administrators: nothing.
Everything outside the scope answers NotFound (404), the same as missing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.access.scopes import enterprise_filter, scope_cases
from qifu.accounts.roles import Role
from qifu.cases.models import OPEN_STATES, Case, CaseState
from qifu.core.errors import NotFound
from qifu.meetings.models import (
    Event,
    EventInvite,
    EventRegistration,
    EventState,
    Meeting,
    MeetingDecision,
    MeetingDepartment,
    MeetingInvite,
    MeetingItem,
    MeetingState,
    RegistrationState,
)

# ---------------------------------------------------------------------------------------------
# Scope


def meeting_filter(actor: Actor) -> Q:
    """A Q over Meeting admitting exactly the meetings the actor may see."""
    if actor.is_admin:
        return Q(pk__in=[])
    if actor.is_zone_wide:
        return Q()
    if actor.is_department:
        taking_part = MeetingDepartment.objects.filter(department_id=actor.dept).values("meeting_id")
        return Q(host_department_id=actor.dept) | Q(pk__in=taking_part)
    if actor.is_liaison or actor.is_enterprise:
        invited = MeetingInvite.objects.filter(enterprise_filter(actor, "enterprise")).values("meeting_id")
        return Q(pk__in=invited)
    return Q(pk__in=[])


def part_filter(actor: Actor) -> Q:
    """Which rows of a visible meeting (invitations, agenda items, decisions) the actor sees, by
    their enterprise: all for the desk, leaders and department staff; those of enterprises in
    scope for a liaison; its own for an enterprise."""
    if actor.is_zone_wide or actor.is_department:
        return Q()
    return enterprise_filter(actor, "enterprise")


def scope_meetings(actor: Actor) -> QuerySet[Meeting]:
    return Meeting.objects.filter(meeting_filter(actor))


def scope_events(actor: Actor) -> QuerySet[Event]:
    if actor.is_admin:
        return Event.objects.none()
    if actor.is_enterprise:
        invited = EventInvite.objects.filter(enterprise_id=actor.enterprise_id or 0).values("event_id")
        return Event.objects.filter(pk__in=invited)
    if actor.is_staff_role:
        return Event.objects.all()
    return Event.objects.none()


def may_manage_meeting(actor: Actor, meeting: Meeting) -> bool:
    """The service desk, or the head of the host department."""
    return actor.role == Role.DESK or (
        actor.role == Role.DEPT_HEAD and actor.department_id == meeting.host_department_id
    )


def may_plan(actor: Actor) -> bool:
    """Who may arrange meetings and events: the service desk and department heads."""
    return actor.role in (Role.DESK, Role.DEPT_HEAD)


def may_manage_event(actor: Actor, event: Event) -> bool:
    return actor.role == Role.DESK or event.organiser_id == actor.id


# ---------------------------------------------------------------------------------------------
# Meetings


def meeting_list(*, actor: Actor, when: str = "", now: datetime | None = None) -> QuerySet[Meeting]:
    """Meetings in scope: `upcoming` (planned, not yet started) soonest first; `past` newest first;
    otherwise all, newest first. For an enterprise each row carries `my_invite_state`."""
    now = now or timezone.now()
    qs = scope_meetings(actor).select_related("host_department")
    if when == "upcoming":
        qs = qs.filter(starts_at__gte=now, state=MeetingState.PLANNED).order_by("starts_at", "id")
    elif when == "past":
        qs = qs.filter(starts_at__lt=now).order_by("-starts_at", "-id")
    else:
        qs = qs.order_by("-starts_at", "-id")
    if actor.is_enterprise:
        mine = MeetingInvite.objects.filter(meeting=OuterRef("pk"), enterprise_id=actor.enterprise_id or 0)
        qs = qs.annotate(my_invite_state=Subquery(mine.values("state")[:1]))
    return qs


def meeting_get(*, actor: Actor, meeting_id: int) -> Meeting:
    meeting = scope_meetings(actor).select_related("host_department", "organiser").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("meeting not found")
    return meeting


@dataclass
class MeetingPage:
    meeting: Meeting
    departments: list[str]
    department_codes: list[str]
    invites: list[MeetingInvite]
    items: list[MeetingItem]
    decisions: list[MeetingDecision]
    can_manage: bool
    can_decide: bool
    my_invite: MeetingInvite | None = None
    started: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def meeting_page(*, actor: Actor, meeting_id: int, now: datetime | None = None) -> MeetingPage:
    """Everything the meeting page (and the minutes) shows, in a fixed number of queries."""
    meeting = meeting_get(actor=actor, meeting_id=meeting_id)
    parts = part_filter(actor)
    taking_part = list(
        MeetingDepartment.objects.filter(meeting=meeting)
        .order_by("department__sort", "department__code")
        .values_list("department__code", "department__name")
    )
    invites = list(
        MeetingInvite.objects.filter(parts, meeting=meeting).select_related("enterprise").order_by("enterprise__name")
    )
    items = list(
        MeetingItem.objects.filter(parts, meeting=meeting)
        .select_related("case", "enterprise", "department", "case__lead_department")
        .order_by("sort", "id")
    )
    decisions = list(
        MeetingDecision.objects.filter(parts, meeting=meeting)
        .select_related("enterprise", "department", "case")
        .order_by("id")
    )
    mine = next((i for i in invites if i.enterprise_id == actor.enterprise_id), None) if actor.is_enterprise else None
    manage = may_manage_meeting(actor, meeting)
    counts = {
        "invited": len(invites),
        "attending": sum(1 for i in invites if i.state == "attending"),
        "items": len(items),
        "decided": sum(1 for i in items if i.outcome != "pending"),
        "decisions": len(decisions),
    }
    return MeetingPage(
        meeting=meeting,
        departments=[name for _code, name in taking_part],
        department_codes=[code for code, _name in taking_part],
        invites=invites,
        items=items,
        decisions=decisions,
        can_manage=manage,
        can_decide=manage and actor.role == Role.DESK,
        my_invite=mine,
        started=meeting.starts_at <= (now or timezone.now()),
        counts=counts,
    )


def meeting_item_get(*, actor: Actor, meeting: Meeting, item_id: int) -> MeetingItem:
    item = MeetingItem.objects.filter(part_filter(actor), meeting=meeting, pk=item_id).first()
    if item is None:
        raise NotFound("agenda item not found")
    return item


def agenda_candidates(*, actor: Actor, meeting: Meeting, limit: int = 50) -> list[Case]:
    """Open cases (in the actor's case scope) of the invited enterprises, not yet on the agenda."""
    invited = MeetingInvite.objects.filter(meeting=meeting).values("enterprise_id")
    taken = MeetingItem.objects.filter(meeting=meeting).values("case_id")
    return list(
        scope_cases(actor)
        .filter(enterprise_id__in=invited, state__in=[*OPEN_STATES, CaseState.RESOLVED])
        .exclude(pk__in=taken)
        .select_related("enterprise")
        .order_by("-id")[:limit]
    )


def agenda_case_id(*, actor: Actor, ref: str) -> int:
    """A case by its number (QF-2026-000123) or id, in the actor's scope; NotFound otherwise."""
    ref = (ref or "").strip().upper()
    qs = scope_cases(actor)
    found = qs.filter(pk=int(ref)) if ref.isdigit() else qs.filter(number=ref)
    case_id = found.values_list("pk", flat=True).first()
    if case_id is None:
        raise NotFound("case not found")
    return int(case_id)


# ---------------------------------------------------------------------------------------------
# Events


def _registered() -> Q:
    return Q(registrations__state=RegistrationState.REGISTERED)


def event_list(*, actor: Actor, when: str = "", now: datetime | None = None) -> QuerySet[Event]:
    """Events in scope with their counts (`registered_n` enterprises, `attendees_n` people); for an
    enterprise also `my_registration_state`."""
    now = now or timezone.now()
    qs = scope_events(actor).annotate(
        registered_n=Count("registrations", filter=_registered()),
        attendees_n=Sum("registrations__attendees", filter=_registered()),
    )
    if when == "upcoming":
        qs = qs.filter(starts_at__gte=now, state=EventState.OPEN).order_by("starts_at", "id")
    elif when == "past":
        qs = qs.filter(starts_at__lt=now).order_by("-starts_at", "-id")
    else:
        qs = qs.order_by("-starts_at", "-id")
    if actor.is_enterprise:
        mine = EventRegistration.objects.filter(
            event=OuterRef("pk"), enterprise_id=actor.enterprise_id or 0, state=RegistrationState.REGISTERED
        )
        qs = qs.annotate(my_registration_state=Subquery(mine.values("state")[:1]))
    return qs


def event_get(*, actor: Actor, event_id: int) -> Event:
    event = scope_events(actor).select_related("organiser").filter(pk=event_id).first()
    if event is None:
        raise NotFound("event not found")
    return event


@dataclass
class EventPage:
    event: Event
    registrations: list[EventRegistration]
    invites: list[EventInvite]
    registered: int
    attendees: int
    attended: int
    seats_left: int
    can_manage: bool
    my_registration: EventRegistration | None
    closed: bool
    started: bool
    invited_n: int = 0


def event_page(*, actor: Actor, event_id: int, now: datetime | None = None) -> EventPage:
    """The event with its counts; the organisers see every registration, a liaison those of its
    enterprises, an enterprise its own."""
    now = now or timezone.now()
    event = event_get(actor=actor, event_id=event_id)
    manage = may_manage_event(actor, event)
    active = EventRegistration.objects.filter(event=event, state=RegistrationState.REGISTERED)
    totals = active.aggregate(n=Count("id"), people=Sum("attendees"), came=Count("id", filter=Q(attended=True)))
    seen = Q() if manage or actor.is_zone_wide or actor.is_department else enterprise_filter(actor, "enterprise")
    registrations = list(
        EventRegistration.objects.filter(seen, event=event).select_related("enterprise", "user").order_by("id")
    )
    invites = list(EventInvite.objects.filter(seen, event=event).select_related("enterprise").order_by("id"))
    mine = next(
        (
            r
            for r in registrations
            if r.enterprise_id == actor.enterprise_id and r.state == RegistrationState.REGISTERED
        ),
        None,
    )
    people = int(totals["people"] or 0)
    return EventPage(
        event=event,
        registrations=registrations if not actor.is_enterprise else [r for r in registrations if r is mine],
        invites=invites,
        registered=int(totals["n"] or 0),
        attendees=people,
        attended=int(totals["came"] or 0),
        seats_left=max(0, event.capacity - people),
        can_manage=manage,
        my_registration=mine if actor.is_enterprise else None,
        closed=now >= event.registration_closes_at,
        started=now >= event.starts_at,
        invited_n=len(invites),
    )
