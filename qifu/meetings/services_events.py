"""Event writes (企业沙龙, PRODUCT.md §2.7): plan, invite, register, cancel, attendance.

Registration rules: only an invited enterprise (others get 404, as if the event did not exist),
before registration closes, one active registration per enterprise, and never more people than the
capacity — the event row is locked while the seats are counted, so two last-minute registrations
cannot both take the last seat.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.errors import Conflict, NotFound, PermissionDenied
from qifu.enterprises.models import Enterprise
from qifu.meetings.disturbance import record_contact
from qifu.meetings.errors import EventErrorCode as E
from qifu.meetings.errors import MeetingErrorCode as M
from qifu.meetings.models import (
    Event,
    EventInvite,
    EventRegistration,
    EventState,
    RegistrationState,
)
from qifu.meetings.selectors import may_manage_event, may_plan, scope_events
from qifu.meetings.services import bad, clean_text

MAX_ATTENDEES = 20
MAX_CAPACITY = 5000


@dataclass(frozen=True)
class EventData:
    title: str
    starts_at: datetime | None
    place: str
    capacity: int | None
    registration_closes_at: datetime | None
    description: str = ""


def _int(value: object, *, key: str, low: int, high: int, label: str) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise bad(
            _("%(field)s请填写%(low)s到%(high)s之间的整数。") % {"field": label, "low": low, "high": high},
            M.OUT_OF_RANGE,
            key,
        )
    return number


@transaction.atomic
def event_create(*, actor: Actor, data: EventData, now: datetime | None = None) -> Event:
    """Plan a salon: in the future, registration closing no later than its start."""
    now = now or timezone.now()
    if not may_plan(actor):
        raise PermissionDenied(_("只有服务专班或部门负责人可以组织活动。"), code=E.FORBIDDEN)
    title = clean_text(data.title, label=_("活动名称"), key="title", limit=120)
    place = clean_text(data.place, label=_("地点"), key="place", limit=200)
    description = clean_text(data.description, label=_("活动介绍"), key="description", limit=5000, required=False)
    capacity = _int(data.capacity, key="capacity", low=1, high=MAX_CAPACITY, label=_("名额"))
    if data.starts_at is None:
        raise bad(_("请填写开始时间。"), M.REQUIRED, "starts_at")
    if data.starts_at <= now:
        raise bad(_("开始时间已过，请安排在将来的时间。"), E.IN_PAST, "starts_at")
    closes = data.registration_closes_at or data.starts_at
    if not now < closes <= data.starts_at:
        raise bad(_("报名截止时间须晚于现在、不晚于活动开始时间。"), E.BAD_CLOSE, "registration_closes_at")
    event = Event(
        title=title,
        starts_at=data.starts_at,
        place=place,
        capacity=capacity,
        description=description,
        registration_closes_at=closes,
        organiser=actor.user,
    )
    event.full_clean()
    event.save()
    audit_record(
        actor=actor,
        action="event_create",
        object_type="event",
        object_id=event.pk,
        changes={"title": title, "starts_at": event.starts_at, "capacity": capacity},
    )
    return event


def _locked(actor: Actor, event_id: int) -> Event:
    event = scope_events(actor).select_for_update().filter(pk=event_id).first()
    if event is None:
        raise NotFound("event not found")
    return event


def _managed(actor: Actor, event_id: int) -> Event:
    event = _locked(actor, event_id)
    if not may_manage_event(actor, event):
        raise PermissionDenied(_("只有活动组织人或服务专班可以管理本活动。"), code=E.FORBIDDEN)
    return event


def _open(event: Event) -> None:
    if event.state == EventState.CANCELLED:
        raise Conflict(_("活动已取消。"), code=E.CANCELLED)


@transaction.atomic
def event_invite(*, actor: Actor, event_id: int, enterprises: Sequence[Enterprise]) -> list[EventInvite]:
    """Invite enterprises (already invited ones are kept as they are)."""
    event = _managed(actor, event_id)
    _open(event)
    if not enterprises:
        raise bad(_("请选择要邀请的企业。"), M.REQUIRED, "enterprises")
    known = set(EventInvite.objects.filter(event=event).values_list("enterprise_id", flat=True))
    created = [
        EventInvite.objects.create(event=event, enterprise=e) for e in dict.fromkeys(enterprises) if e.pk not in known
    ]
    if created:
        audit_record(
            actor=actor,
            action="event_invite",
            object_type="event",
            object_id=event.pk,
            changes={"enterprises": [i.enterprise.uscc for i in created]},
        )
    return created


def _active(event: Event, enterprise_id: int) -> EventRegistration | None:
    return EventRegistration.objects.filter(
        event=event, enterprise_id=enterprise_id, state=RegistrationState.REGISTERED
    ).first()


def _seats_taken(event: Event) -> int:
    taken = EventRegistration.objects.filter(event=event, state=RegistrationState.REGISTERED).values_list(
        "attendees", flat=True
    )
    return sum(taken)


@transaction.atomic
def event_register(
    *, actor: Actor, event_id: int, attendees: object = 1, now: datetime | None = None
) -> EventRegistration:
    """报名: an invited enterprise, once, before registration closes, within the capacity."""
    now = now or timezone.now()
    if not actor.is_enterprise or actor.enterprise_id is None:
        raise PermissionDenied(_("活动由受邀企业自行报名。"), code=E.ENTERPRISE_ONLY)
    event = _locked(actor, event_id)  # invited events only: any other is NotFound
    _open(event)
    n = _int(attendees, key="attendees", low=1, high=MAX_ATTENDEES, label=_("参加人数"))
    if now >= event.registration_closes_at:
        raise Conflict(
            _("报名已于%(t)s截止。")
            % {"t": timezone.localtime(event.registration_closes_at).strftime("%m月%d日 %H:%M")},
            code=E.CLOSED,
        )
    if _active(event, actor.enterprise_id) is not None:
        raise Conflict(_("贵单位已报名本活动，如需调整人数请先取消报名。"), code=E.ALREADY)
    left = event.capacity - _seats_taken(event)
    if n > left:
        message = (
            _("名额已满。")
            if left <= 0
            else _("名额不足：还剩%(left)s个名额，您报了%(n)s人。") % {"left": left, "n": n}
        )
        raise Conflict(message, code=E.FULL, data={"seats_left": max(0, left)})
    registration = EventRegistration(event=event, enterprise_id=actor.enterprise_id, user=actor.user, attendees=n)
    registration.full_clean(validate_constraints=False)
    registration.save()
    audit_record(
        actor=actor, action="event_register", object_type="event", object_id=event.pk, changes={"attendees": n}
    )
    return registration


@transaction.atomic
def event_cancel(*, actor: Actor, event_id: int, now: datetime | None = None) -> EventRegistration:
    """取消报名: the enterprise's own active registration, before the event starts."""
    now = now or timezone.now()
    if not actor.is_enterprise or actor.enterprise_id is None:
        raise PermissionDenied(_("活动由受邀企业自行取消报名。"), code=E.ENTERPRISE_ONLY)
    event = _locked(actor, event_id)
    registration = _active(event, actor.enterprise_id)
    if registration is None:
        raise Conflict(_("贵单位尚未报名本活动。"), code=E.NOT_REGISTERED)
    if now >= event.starts_at:
        raise Conflict(_("活动已开始，不能取消报名。"), code=E.CLOSED)
    registration.state, registration.cancelled_at = RegistrationState.CANCELLED, now
    registration.save(update_fields=["state", "cancelled_at", "updated_at"])
    audit_record(actor=actor, action="event_cancel", object_type="event", object_id=event.pk, changes={})
    return registration


@transaction.atomic
def event_attendance(
    *, actor: Actor, event_id: int, registration_id: int, attended: bool, now: datetime | None = None
) -> EventRegistration:
    """签到: the organisers mark who came, from the event's day on. A visit to the salon is a contact
    the enterprise asked for (it registered), so it is on the ledger but not in the budget."""
    now = now or timezone.now()
    event = _managed(actor, event_id)
    _open(event)
    if timezone.localdate(now) < timezone.localdate(event.starts_at):
        raise Conflict(_("活动当天起才能登记签到。"), code=E.NOT_STARTED)
    registration = (
        EventRegistration.objects.select_for_update()
        .select_related("enterprise")
        .filter(event=event, pk=registration_id, state=RegistrationState.REGISTERED)
        .first()
    )
    if registration is None:
        raise NotFound("registration not found")
    registration.attended = bool(attended)
    registration.save(update_fields=["attended", "updated_at"])
    if registration.attended:
        record_contact(
            enterprise=registration.enterprise,
            on=timezone.localdate(event.starts_at),
            kind="event",
            source="event",
            source_id=event.pk,
            requested=True,
        )
    audit_record(
        actor=actor,
        action="event_attendance",
        object_type="event",
        object_id=event.pk,
        changes={"registration": registration.pk, "attended": registration.attended},
    )
    return registration


__all__ = ["EventData", "event_attendance", "event_cancel", "event_create", "event_invite", "event_register"]
