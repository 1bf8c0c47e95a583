"""The deadline job (PRODUCT.md §2.2, 12345 practice): 催办 at 80% of the time, the overdue flag and
notice the working day after the deadline (the case enters supervision and the department head is
told), a 通报 to the leaders beyond 5 working days late; late acceptance and late signing are
chased too.

Idempotent by construction: each step first inserts its `SlaNotice(case, kind, due)` row; the
unique constraint lets exactly one run or worker win, and only the winner notifies. Each case is
handled in its own short transaction. `qifu sla run --now …` and the Huey periodic task call
`sla_run`.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.cases import deadlines
from qifu.cases.models import Case, CaseState, SlaKind, SlaNotice
from qifu.cases.services import add_event
from qifu.cockpit.cube import cube_moved, cube_state
from qifu.notify.services import notify
from qifu.workcal.calendar import WorkCalendar, unsupported_years, zone_calendar

S = CaseState
WORKING = (S.DISPATCHED, S.IN_PROGRESS)
BATCH = 500


@dataclass
class SlaResult:
    today: date
    sent: dict[str, int] = field(default_factory=lambda: {k.value: 0 for k in SlaKind})
    uncovered_years: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def _not_sent(kind: str, due_field: str) -> Exists:
    return Exists(SlaNotice.objects.filter(case=OuterRef("pk"), kind=kind, due=OuterRef(due_field)))


def _candidates(kind: SlaKind, today: date, cal: WorkCalendar) -> QuerySet[Case]:
    open_ = Case.objects.filter(paused=False)
    if kind == SlaKind.RESPOND_LATE:
        qs, due_field = open_.filter(state=S.SUBMITTED, respond_by__lt=today), "respond_by"
    elif kind == SlaKind.SIGN_LATE:
        qs, due_field = open_.filter(state=S.DISPATCHED, sign_by__lt=today), "sign_by"
    elif kind == SlaKind.REMIND:
        qs = open_.filter(state=S.IN_PROGRESS, remind_on__lte=today, resolve_by__gte=today)
        due_field = "resolve_by"
    elif kind == SlaKind.OVERDUE:
        # "the working day after": on a non-working day the notice waits for the next working day
        if not cal.is_workday(today):
            return Case.objects.none()
        qs, due_field = open_.filter(state__in=WORKING, resolve_by__lt=today), "resolve_by"
    else:
        latest_due = _date_workdays_before(cal, today, deadlines.REPORT_AFTER + 1)
        qs, due_field = open_.filter(state__in=WORKING, resolve_by__lte=latest_due), "resolve_by"
    return qs.filter(~_not_sent(kind, due_field)).order_by("id")


def _date_workdays_before(cal: WorkCalendar, today: date, n: int) -> date:
    """A bound for the query: due dates on or before it may be more than REPORT_AFTER working days
    late (each case is checked exactly in `_step`)."""
    day, seen = today, 0
    while seen < n:
        day -= timedelta(days=1)
        if cal.is_workday(day):
            seen += 1
    return day


def _ids(qs: QuerySet[Case]) -> Iterator[int]:
    last = 0
    while True:
        chunk = list(qs.filter(id__gt=last).values_list("id", flat=True)[:BATCH])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1]


def warn_uncovered_years(today: date) -> list[int]:
    """This year and the next that the holiday package does not know: deadlines then count
    Monday–Friday plus the zone's overrides, so the system administrators are told once per year
    to enter that year's holidays and 调休 days as overrides (or upgrade the package)."""
    years = unsupported_years(range(today.year, today.year + 2))
    admins = list(User.objects.filter(role=Role.SYSADMIN, is_active=True))
    for year in years:
        if admins:
            notify(
                recipients=admins,
                kind="workcal_uncovered",
                title=_("工作日历缺少%(year)s年的节假日数据") % {"year": year},
                body=_(
                    "节假日软件包尚无%(year)s年的法定节假日和调休安排，办理时限暂按周一至周五计算。"
                    "请在“工作日调整”中录入%(year)s年的节假日与调休，或升级节假日软件包。"
                )
                % {"year": year},
                url="/admin/workcal/calendaroverride/",
                urgent=False,
                dedup_key=f"workcal:uncovered:{year}",
            )
    return years


def sla_run(*, now: datetime | None = None) -> SlaResult:
    now = now or timezone.now()
    today = timezone.localdate(now)
    cal = zone_calendar()
    result = SlaResult(today=today, uncovered_years=warn_uncovered_years(today))
    for kind in SlaKind:
        for case_id in _ids(_candidates(kind, today, cal)):
            if _step(case_id, kind, today=today, now=now, cal=cal):
                result.sent[kind.value] += 1
    return result


@transaction.atomic
def _step(case_id: int, kind: SlaKind, *, today: date, now: datetime, cal: WorkCalendar) -> bool:
    case = Case.objects.select_for_update(of=("self",)).select_related("lead_department").filter(pk=case_id).first()
    if case is None:
        return False
    due = _due_of(case, kind)
    if due is None:
        return False
    late = deadlines.days_late(cal, today, due)
    if kind == SlaKind.REPORT and late <= deadlines.REPORT_AFTER:
        return False
    try:
        with transaction.atomic():
            SlaNotice.objects.create(case=case, enterprise_id=case.enterprise_id, kind=kind, due=due, sent_at=now)
    except IntegrityError:
        return False  # another run or worker sent it
    if kind in (SlaKind.OVERDUE, SlaKind.REPORT):
        dims = cube_state(case)
        case.overdue = True
        case.supervised = True
        case.save(update_fields=["overdue", "supervised", "updated_at"])
        cube_moved(case, dims)  # the cockpit's counts, in this transaction
    text = sla_text(kind, due, dept=case.lead_department.name if case.lead_department else "", late=late)
    add_event(
        case,
        None,
        f"sla_{kind}",
        at=now,
        from_state=case.state,
        public=False,
        text=text,
        data={"due": due.isoformat(), "days_late": late},
    )
    recipients = list(User.objects.filter(_recipients(case, kind), is_active=True))
    if recipients:
        notify(
            recipients=recipients,
            kind=f"sla_{kind}",
            title=f"{SlaKind(kind).label}：{case.number} {case.title}",
            body=text,
            url=f"/cases/{case.pk}/",
            urgent=kind in (SlaKind.OVERDUE, SlaKind.REPORT),
            enterprise_id=case.enterprise_id,
            dedup_key=f"sla:{case.pk}:{kind}:{due.isoformat()}",
        )
    return True


def _due_of(case: Case, kind: SlaKind) -> date | None:
    if kind == SlaKind.RESPOND_LATE:
        return case.respond_by
    if kind == SlaKind.SIGN_LATE:
        return case.sign_by
    return case.resolve_by


def _recipients(case: Case, kind: SlaKind) -> Q:
    dept = case.lead_department_id
    workers = Q(pk=case.handler_id) if case.handler_id else Q(role=Role.HANDLER, department_id=dept)
    head = Q(role=Role.DEPT_HEAD, department_id=dept)
    if kind == SlaKind.RESPOND_LATE:
        return Q(role=Role.DESK)
    if kind == SlaKind.SIGN_LATE:
        return workers | head
    if kind == SlaKind.REMIND:
        return workers
    if kind == SlaKind.OVERDUE:
        return workers | head | Q(role=Role.DESK)
    return Q(role=Role.LEADER) | head | Q(role=Role.DESK)


def sla_text(kind: str, due: date, *, dept: str, late: int = 0) -> str:
    """The words of one escalation step (the job's notices and timeline lines; the seed uses them
    too, so the demo reads like the real thing)."""
    day = deadlines.cn_date(due)
    if kind == SlaKind.RESPOND_LATE:
        return _("诉求已超过受理时限（%(day)s），请尽快受理。") % {"day": day}
    if kind == SlaKind.SIGN_LATE:
        return _("%(dept)s超过签收时限（%(day)s）未签收。") % {"dept": dept, "day": day}
    if kind == SlaKind.REMIND:
        return _("催办：办理时限为%(day)s，请抓紧办理。") % {"day": day}
    if kind == SlaKind.OVERDUE:
        return _("%(dept)s办理已超期（时限%(day)s），已列入督办。") % {"dept": dept, "day": day}
    return _("通报：%(dept)s办理已超期%(n)s个工作日（时限%(day)s）。") % {"dept": dept, "n": late, "day": day}
