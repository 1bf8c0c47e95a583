"""The demo meetings and salons (PRODUCT.md §2.7): a handful of on-site office days and coordination
meetings around the seed's day — the past ones held, with outcomes per case, decisions linked to
the seeded `onsite_office` cases and minutes; the coming ones planned with invitations and an
agenda — and a few enterprise salons with registrations and attendance.

Deterministic (one random stream per seed, dates relative to the writer's `as_of`). Every
invitation is a contact on the disturbance ledger (visits.Contact and its monthly rollup), written
through the writer's batched INSERT like the other phases. The demo enterprise (`ent`) is invited
to the first past and the first coming meeting and to every salon.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from typing import TYPE_CHECKING, Any

from django.db.models import F

from qifu.cases.models import Case
from qifu.meetings.models import (
    Event,
    EventInvite,
    EventRegistration,
    Meeting,
    MeetingDecision,
    MeetingDepartment,
    MeetingInvite,
    MeetingItem,
)
from qifu.ops.seeding.people import People
from qifu.ops.seeding.registry import RegistryPlanner
from qifu.reference.models import Department
from qifu.visits.models import Contact, ContactMonth
from qifu.workcal.calendar import WorkCalendar, zone_calendar

if TYPE_CHECKING:
    from qifu.ops.seeding.writer import Writer

CST = dt_timezone(timedelta(hours=8))  # Asia/Shanghai
MIN_MEETINGS, MAX_MEETINGS = 4, 24  # zone ~6, city 24
MINUTES = (
    "一、会议听取了企业反映的问题和诉求。\n二、明确了各项问题的责任部门和办结时限。\n"
    "三、需政策研究的事项由营商办汇总报区领导。"
)
PLACES = ["管委会三楼会议室", "光电产业园服务中心", "精密机械产业园服务站", "科创中心路演厅", "综保区企业服务中心"]
TOPICS = ["集中现场办公", "现场协调会", "用工用能专题协调会", "项目推进现场办公", "政策兑现现场办公"]
PARKS = ["光电产业园", "精密机械产业园", "综保区", "科创园", "生物医药产业园"]
# the outcome a held meeting recorded, by the state the case is in now
OUTCOME_BY_STATE = {
    "resolved": "resolved_on_spot",
    "closed": "resolved_on_spot",
    "dispatched": "assigned",
    "in_progress": "assigned",
    "submitted": "needs_policy",
    "accepted": "needs_policy",
}
OPEN = ("submitted", "accepted", "dispatched", "in_progress")
SALONS = [("专精特新企业沙龙：政策解读与融资对接", 60), ("人力资源沙龙：校企合作与稳岗", 40), ("数字化转型沙龙", 50)]


def _workday_at(cal: WorkCalendar, day: date, hour: int) -> datetime:
    while not cal.is_workday(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=CST).astimezone(UTC)


class _Ledger:
    """Contacts for the invitations and their monthly rollup."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.months: Counter[tuple[int, date, bool]] = Counter()

    def add(self, *, enterprise_id: int, on: date, source: str, source_id: int, kind: str, requested: bool) -> None:
        month = on.replace(day=1)
        self.rows.append(
            {
                "enterprise_id": enterprise_id,
                "on": on,
                "month": month,
                "kind": kind,
                "source": source,
                "source_id": source_id,
                "requested": requested,
                "counted": not requested,
            }
        )
        self.months[(enterprise_id, month, not requested)] += 1

    def write(self, writer: Writer) -> None:
        writer._insert(Contact, self.rows, count=False)
        totals: dict[tuple[int, date], list[int]] = {}
        for (enterprise_id, month, is_counted), n in self.months.items():
            pair = totals.setdefault((enterprise_id, month), [0, 0])
            pair[0] += n
            pair[1] += n if is_counted else 0
        fresh = []
        for (enterprise_id, month), (total, counted) in totals.items():
            updated = ContactMonth.objects.filter(enterprise_id=enterprise_id, month=month).update(
                total=F("total") + total, counted=F("counted") + counted
            )
            if not updated:
                fresh.append({"enterprise_id": enterprise_id, "month": month, "total": total, "counted": counted})
        if fresh:
            writer._insert(ContactMonth, fresh, count=False)


def seed_meetings(writer: Writer, *, registry: RegistryPlanner, people: People) -> None:
    """Plan and insert the demo meetings and salons (one phase of the writer's run)."""
    if not writer.enterprise_ids or not people.desk:
        return
    rng = random.Random(f"{writer.seed}:meetings")  # noqa: S311 - demo data, deterministic on purpose
    cal = zone_calendar()
    total = min(MAX_MEETINGS, max(MIN_MEETINGS, writer.scale.enterprises // 150))
    started = writer._phase("meetings", total)
    departments = list(
        Department.objects.filter(active=True).order_by("sort", "code").values_list("pk", "is_service_desk")
    )
    desk_dept = next((pk for pk, is_desk in departments if is_desk), departments[0][0])
    other_depts = [pk for pk, is_desk in departments if not is_desk]
    desk_uid = writer.uid[people.desk[0].username]
    demo = writer.enterprise_ids[registry.by_liaison[0][0]] if registry.by_liaison and registry.by_liaison[0] else None
    onsite = list(
        Case.objects.filter(channel="onsite_office", submitted_at__date__lte=writer.as_of)
        .order_by("-submitted_at")
        .values_list("pk", "enterprise_id", "title", "lead_department_id", "resolve_days", "submitted_at")[: total * 2]
    )
    ledger = _Ledger()
    held = total // 2
    meetings, departments_rows, invites, items, decisions = [], [], [], [], []
    plans: list[dict[str, Any]] = []
    for k in range(total):
        past = k < held
        linked = onsite[k * 2 : k * 2 + 2] if past else []
        if past:
            when = linked[0][5] if linked else _workday_at(cal, writer.as_of - timedelta(days=14 * (k + 1)), 9)
            when = _workday_at(cal, when.astimezone(CST).date(), 9)
        else:
            when = _workday_at(cal, writer.as_of + timedelta(days=3 + 9 * (k - held)), 9)
        host = rng.choice([desk_dept, *other_depts[:8]]) if other_depts else desk_dept
        invited = {e for _pk, e, *_rest in linked}
        if demo is not None and k in (0, held):
            invited.add(demo)
        while len(invited) < 4:
            invited.add(rng.choice(writer.enterprise_ids))
        plans.append({"past": past, "when": when, "host": host, "invited": sorted(invited), "linked": linked})
        meetings.append(
            {
                "kind": "onsite_office" if k % 2 == 0 else "coordination",
                "title": f"{rng.choice(PARKS)}{TOPICS[k % len(TOPICS)]}",
                "starts_at": when,
                "place": rng.choice(PLACES),
                "organiser_id": desk_uid,
                "host_department_id": host,
                "state": "held" if past else ("cancelled" if k == total - 1 and total > 4 else "planned"),
                "minutes": MINUTES if past else "",
                "held_at": when + timedelta(hours=3) if past else None,
            }
        )
    ids = writer._insert(Meeting, meetings)
    cases_of: dict[int, list[tuple[int, int | None, str]]] = {}
    all_invited = sorted({e for p in plans for e in p["invited"]})
    for pk, enterprise_id, lead_id, case_state in (
        Case.objects.filter(enterprise_id__in=all_invited)
        .exclude(state__in=("rejected", "withdrawn"))
        .exclude(channel="onsite_office")
        .order_by("-id")
        .values_list("pk", "enterprise_id", "lead_department_id", "state")
    ):
        cases_of.setdefault(enterprise_id, []).append((pk, lead_id, case_state))
    for meeting_id, p in zip(ids, plans, strict=True):
        depts = {p["host"], *rng.sample(other_depts, min(2, len(other_depts)))}
        departments_rows += [{"meeting_id": meeting_id, "department_id": d} for d in sorted(depts)]
        day = p["when"].astimezone(CST).date()
        for enterprise_id in p["invited"]:
            requested = rng.random() < 0.2
            state = rng.choice(["attending", "attending", "declined"]) if p["past"] else "invited"
            invites.append(
                {"meeting_id": meeting_id, "enterprise_id": enterprise_id, "state": state, "requested": requested}
            )
            ledger.add(
                enterprise_id=enterprise_id,
                on=day,
                source="meeting",
                source_id=meeting_id,
                kind="meeting",
                requested=requested,
            )
        sort = 0
        for enterprise_id in p["invited"]:
            fitting = [c for c in cases_of.get(enterprise_id, []) if p["past"] or c[2] in OPEN]
            for case_id, dept, case_state in fitting[:1]:
                sort += 1
                row: dict[str, Any] = {
                    "meeting_id": meeting_id,
                    "case_id": case_id,
                    "enterprise_id": enterprise_id,
                    "outcome": "pending",
                    "sort": sort,
                    "note": "",
                }
                if p["past"]:
                    outcome = OUTCOME_BY_STATE.get(case_state, "needs_policy")
                    row.update(outcome=outcome, decided_by_id=desk_uid, decided_at=p["when"] + timedelta(hours=1))
                    if outcome == "assigned":
                        days = rng.choice([5, 10])
                        row.update(
                            department_id=dept or rng.choice(other_depts or [desk_dept]),
                            deadline_days=days,
                            due_on=cal.add_workdays(day, days),
                        )
                    elif outcome == "resolved_on_spot":
                        row["note"] = "相关部门现场答复并明确了办理路径。"
                    else:
                        row["note"] = "涉及政策调整，会后由营商办牵头研究。"
                items.append(row)
        for case_id, enterprise_id, title, lead, resolve_days, _submitted in p["linked"]:
            days = resolve_days or 10
            decisions.append(
                {
                    "meeting_id": meeting_id,
                    "enterprise_id": enterprise_id,
                    "text": title,
                    "department_id": lead or p["host"],
                    "deadline_days": days,
                    "due_on": cal.add_workdays(day, days),
                    "case_id": case_id,
                    "created_by_id": desk_uid,
                }
            )
    writer._insert(MeetingDepartment, departments_rows, count=False)
    writer._insert(MeetingInvite, invites, count=False)
    if items:
        writer._insert(MeetingItem, items, count=False)
    if decisions:
        writer._insert(MeetingDecision, decisions, count=False)
    events = _salons(writer, rng, cal, desk_uid, demo, ledger)
    ledger.write(writer)
    counts = writer.result.counts
    counts.update(meetings=len(ids), meeting_items=len(items), meeting_decisions=len(decisions), events=events)
    writer._done("meetings", started)


def _salons(
    writer: Writer, rng: random.Random, cal: WorkCalendar, desk_uid: int, demo: int | None, ledger: _Ledger
) -> int:
    """One past salon (attendance marked) and the coming ones (registration open)."""
    with_portal = sorted(writer.portal_uid)
    rows: list[dict[str, Any]] = []
    plans: list[tuple[datetime, int, list[int]]] = []
    for k, (title, capacity) in enumerate(SALONS):
        starts = _workday_at(cal, writer.as_of + timedelta(days=-20 + 14 * k), 14)
        rows.append(
            {
                "title": title,
                "starts_at": starts,
                "place": PLACES[(k + 3) % len(PLACES)],
                "capacity": capacity,
                "description": "面向园区企业的主题沙龙，邀请相关部门和专家现场交流。",
                "registration_closes_at": starts - timedelta(days=1),
                "state": "open",
                "organiser_id": desk_uid,
            }
        )
        chosen = set(rng.sample(with_portal, min(12, len(with_portal))))
        demo_index = writer.enterprise_ids.index(demo) if demo is not None and demo in writer.enterprise_ids else None
        if demo_index is not None:
            chosen.add(demo_index)
        plans.append((starts, capacity, sorted(chosen)))
    ids = writer._insert(Event, rows, count=False)
    invites, registrations = [], []
    for event_id, (starts, seats, invited) in zip(ids, plans, strict=True):
        past = starts.date() < writer.as_of
        for index in invited:
            enterprise_id = writer.enterprise_ids[index]
            invites.append({"event_id": event_id, "enterprise_id": enterprise_id})
            user = writer.portal_uid.get(index)
            if user is None or rng.random() < 0.4 or (demo is not None and enterprise_id == demo and not past):
                continue  # the demo enterprise registers itself for the coming salons
            n = rng.randint(1, 3)
            if n > seats:
                continue
            seats -= n
            attended = (rng.random() < 0.85) if past else None
            registrations.append(
                {
                    "event_id": event_id,
                    "enterprise_id": enterprise_id,
                    "user_id": user,
                    "attendees": n,
                    "state": "registered",
                    "attended": attended,
                }
            )
            if attended:
                ledger.add(
                    enterprise_id=enterprise_id,
                    on=starts.astimezone(CST).date(),
                    source="event",
                    source_id=event_id,
                    kind="event",
                    requested=True,
                )
    writer._insert(EventInvite, invites, count=False)
    if registrations:
        writer._insert(EventRegistration, registrations, count=False)
    return len(ids)
