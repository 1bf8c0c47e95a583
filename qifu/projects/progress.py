"""Project progress (issue 6 item 4, PRODUCT.md §2.1 delay detection, §2.8 project progress): the
board's figures and status per project, computed in SQL as annotations on the scoped project list
(one query for a page of any size, no per-row queries). The rules are in docs/PROJECTS.md.

Days are calendar days (not working days): a milestone plan is a calendar date agreed with the
enterprise, and the board measures slippage the way the project ledger (项目台账) does.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qifu.access.actor import Actor
from qifu.access.scopes import scope_projects
from qifu.indicators.models import ProjectInvestment
from qifu.projects.models import Milestone, MilestoneKind, Project, ProjectStatus

# 开工, 竣工, 投产: done more than PROJECT_LATE_DAYS late, they keep an unfinished project late.
CRITICAL_MILESTONES = (MilestoneKind.START, MilestoneKind.COMPLETION, MilestoneKind.PRODUCTION)
# The investment rule applies while the project is being prepared or built.
INVESTING = (ProjectStatus.PLANNED, ProjectStatus.UNDER_CONSTRUCTION)
MONEY: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=16, decimal_places=2)


class BoardStatus(StrEnum):
    LATE = "late"
    AT_RISK = "at_risk"
    ON_SCHEDULE = "on_schedule"


BOARD_STATUS_LABELS = {
    BoardStatus.LATE: _("滞后"),
    BoardStatus.AT_RISK: _("有风险"),
    BoardStatus.ON_SCHEDULE: _("正常"),
}
BOARD_STATUS_RANK = {BoardStatus.LATE: 0, BoardStatus.AT_RISK: 1, BoardStatus.ON_SCHEDULE: 2}


@dataclass(frozen=True)
class Thresholds:
    """The status rules' numbers (settings, documented in docs/PROJECTS.md and README.md)."""

    late_days: int
    risk_window_days: int
    risk_investment: Decimal

    @staticmethod
    def from_settings() -> "Thresholds":
        return Thresholds(
            late_days=settings.PROJECT_LATE_DAYS,
            risk_window_days=settings.PROJECT_RISK_WINDOW_DAYS,
            risk_investment=Decimal(str(settings.PROJECT_RISK_INVESTMENT)),
        )


@dataclass(frozen=True)
class YearClock:
    """Where `today` falls in the plan year: the months whose investment is due (those before the
    current month: a month is reported after it ends) and the pro-rata share of the annual plan."""

    today: date

    @property
    def year_start(self) -> date:
        return date(self.today.year, 1, 1)

    @property
    def months_due(self) -> int:
        return self.today.month - 1

    @property
    def elapsed(self) -> Decimal:
        """The share of the plan year whose figures are due (0 in January, 11/12 in December)."""
        return (Decimal(self.months_due) / 12).quantize(Decimal("0.000001"))


@dataclass(frozen=True)
class BoardFilters:
    status: str = ""  # a BoardStatus value
    park: str = ""
    major: bool | None = None
    liaison: int | None = None
    liaison_username: str = ""  # the API names people by username
    q: str = ""


def _open() -> Q:
    return Q(actual_on__isnull=True)


def _slip() -> "ExpressionWrapper[CombinedExpression]":
    return ExpressionWrapper(F("actual_on") - F("planned_on"), output_field=DurationField())


def with_progress(
    qs: QuerySet[Project], *, today: date | None = None, thresholds: Thresholds | None = None
) -> QuerySet[Project]:
    """Annotate each project with its progress figures and `board_status` (docs/PROJECTS.md):

    ytd_invested (this year's months up to today), last_month (the latest month reported),
    first_overdue_on (plan date of the earliest milestone not done and past its plan),
    late_milestones (done after plan, or not done with the plan passed), next_kind / next_on (the
    earliest milestone not done, overdue or not), board_status and board_rank (0 late, 1 at risk,
    2 on schedule)."""
    today = today or timezone.localdate()
    t = thresholds or Thresholds.from_settings()
    clock = YearClock(today)
    milestones = Milestone.objects.filter(project_id=OuterRef("pk")).order_by()
    investments = ProjectInvestment.objects.filter(project_id=OuterRef("pk")).order_by()
    ytd = (
        investments.filter(month__gte=clock.year_start, month__lte=today)
        .values("project_id")
        .annotate(s=Sum("invested"))
        .values("s")
    )
    last_month = investments.filter(invested__isnull=False, month__lte=today).order_by("-month").values("month")[:1]
    overdue = milestones.filter(_open(), planned_on__lt=today)
    upcoming = milestones.filter(_open()).order_by("planned_on", "seq")
    late_count = (
        milestones.filter(Q(_open(), planned_on__lt=today) | Q(actual_on__gt=F("planned_on")))
        .values("project_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # The latest critical milestone reached was reached late: a project that caught up (竣工 on
    # time after a late 开工) is judged by the later one.
    later_critical = Milestone.objects.filter(
        project_id=OuterRef("project_id"),
        kind__in=CRITICAL_MILESTONES,
        actual_on__isnull=False,
        seq__gt=OuterRef("seq"),
    )
    critical_late = (
        milestones.annotate(slip=_slip())
        .filter(kind__in=CRITICAL_MILESTONES, actual_on__isnull=False, slip__gt=timedelta(days=t.late_days))
        .exclude(Exists(later_critical))
    )
    # A milestone due within the window whose predecessor (an earlier step) was done late.
    predecessor_late = Milestone.objects.filter(
        project_id=OuterRef("project_id"), seq__lt=OuterRef("seq"), actual_on__gt=F("planned_on")
    )
    window_after_slip = milestones.filter(
        _open(), planned_on__gte=today, planned_on__lte=today + timedelta(days=t.risk_window_days)
    ).filter(Exists(predecessor_late))
    qs = qs.annotate(
        ytd_invested=Coalesce(Subquery(ytd, output_field=MONEY), Value(Decimal(0)), output_field=MONEY),
        last_month=Subquery(last_month, output_field=DateField()),
        first_overdue_on=Subquery(overdue.order_by("planned_on").values("planned_on")[:1], output_field=DateField()),
        late_milestones=Coalesce(Subquery(late_count, output_field=IntegerField()), Value(0)),
        next_kind=Subquery(upcoming.values("kind")[:1], output_field=CharField()),
        next_on=Subquery(upcoming.values("planned_on")[:1], output_field=DateField()),
        critical_late=Exists(critical_late) & Exists(milestones.filter(_open())),
        risk_window=Exists(window_after_slip),
    )
    late = Q(first_overdue_on__lt=today - timedelta(days=t.late_days)) | Q(critical_late=True)
    at_risk = Q(first_overdue_on__isnull=False) | Q(risk_window=True)
    if clock.months_due > 0:
        # below X of the pro-rata plan: ytd < X × annual plan × months due / 12
        share = (t.risk_investment * clock.elapsed).quantize(Decimal("0.000001"))
        at_risk |= Q(
            status__in=INVESTING,
            annual_planned__gt=0,
            ytd_invested__lt=ExpressionWrapper(F("annual_planned") * Value(share), output_field=MONEY),
        )
    return qs.annotate(
        board_status=Case(
            When(late, then=Value(BoardStatus.LATE.value)),
            When(at_risk, then=Value(BoardStatus.AT_RISK.value)),
            default=Value(BoardStatus.ON_SCHEDULE.value),
            output_field=CharField(),
        ),
        board_rank=Case(
            When(late, then=Value(0)), When(at_risk, then=Value(1)), default=Value(2), output_field=IntegerField()
        ),
    )


def project_board(*, actor: Actor, filters: BoardFilters | None = None, today: date | None = None) -> QuerySet[Project]:
    """§2.8 project progress: the actor's projects (the project list's scope) with their figures
    and status, filtered, sorted by lateness (late first, then the longest overdue, then the most
    late milestones)."""
    f = filters or BoardFilters()
    qs = with_progress(scope_projects(actor), today=today)
    if f.status in BoardStatus.__members__.values():
        qs = qs.filter(Q(board_status=f.status))  # Q: django-stubs cannot see the annotation
    if f.park:
        qs = qs.filter(park=f.park)
    if f.major is not None:
        qs = qs.filter(major=f.major)
    if f.liaison:
        qs = qs.filter(primary_liaison_id=f.liaison)
    if f.liaison_username:
        qs = qs.filter(primary_liaison__username=f.liaison_username)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__startswith=f.q.strip()))
    return qs.select_related("enterprise", "primary_liaison").order_by(
        "board_rank", F("first_overdue_on").asc(nulls_last=True), "-late_milestones", "code"
    )


@dataclass(frozen=True)
class ParkRow:
    park: str
    late: int
    at_risk: int
    on_schedule: int
    annual_planned: Decimal
    ytd_invested: Decimal


@dataclass(frozen=True)
class BoardSummary:
    """The board's chart figures over exactly the filtered projects."""

    counts: dict[str, int]
    parks: list[ParkRow]
    total: int
    annual_planned: Decimal
    ytd_invested: Decimal
    elapsed: Decimal

    @property
    def ytd_share(self) -> Decimal | None:
        return self.ytd_invested / self.annual_planned if self.annual_planned else None


def project_board_summary(*, board: QuerySet[Project], today: date | None = None) -> BoardSummary:
    """Counts by status and by park, and this year's investment against the plan, in one query
    over the filtered board (one row per project of the filter: a few hundred at zone scale)."""
    clock = YearClock(today or timezone.localdate())
    rows = board.order_by().values_list("park", "board_status", "annual_planned", "ytd_invested")  # type: ignore[misc]
    counts = {s.value: 0 for s in BoardStatus}
    parks: dict[str, dict[str, Decimal | int]] = {}
    for park, status, planned, invested in rows:
        counts[status] += 1
        p = parks.setdefault(park or "", {s.value: 0 for s in BoardStatus} | {"plan": Decimal(0), "ytd": Decimal(0)})
        p[status] += 1
        p["plan"] += Decimal(planned or 0)
        p["ytd"] += Decimal(invested or 0)
    park_rows = sorted(
        (
            ParkRow(
                park=name,
                late=int(v["late"]),
                at_risk=int(v["at_risk"]),
                on_schedule=int(v["on_schedule"]),
                annual_planned=Decimal(v["plan"]),
                ytd_invested=Decimal(v["ytd"]),
            )
            for name, v in parks.items()
        ),
        key=lambda r: (-(r.late + r.at_risk + r.on_schedule), r.park),
    )
    return BoardSummary(
        counts=counts,
        parks=park_rows,
        total=sum(counts.values()),
        annual_planned=sum((r.annual_planned for r in park_rows), Decimal(0)),
        ytd_invested=sum((r.ytd_invested for r in park_rows), Decimal(0)),
        elapsed=clock.elapsed,
    )


def project_board_liaisons(*, actor: Actor) -> list[tuple[int, str]]:
    """The primary liaisons of the actor's projects (the board's liaison filter), by name."""
    rows = (
        scope_projects(actor)
        .filter(primary_liaison__isnull=False)
        .order_by()
        .values_list("primary_liaison_id", "primary_liaison__display_name", "primary_liaison__username")
        .distinct()
    )
    return sorted(((pk, shown or username) for pk, shown, username in rows), key=lambda r: (r[1], r[0]))


@dataclass(frozen=True)
class MilestoneSlip:
    """One milestone against its plan, in calendar days: done on time, done late (days after the
    plan), overdue (not done, days past the plan) or pending (days left)."""

    state: str  # done | done_late | overdue | pending
    days: int

    @property
    def late(self) -> bool:
        return self.state in ("done_late", "overdue")


def milestone_slip(milestone: Milestone, today: date | None = None) -> MilestoneSlip:
    today = today or timezone.localdate()
    if milestone.actual_on is not None:
        days = (milestone.actual_on - milestone.planned_on).days
        return MilestoneSlip("done_late" if days > 0 else "done", max(days, 0))
    if milestone.planned_on < today:
        return MilestoneSlip("overdue", (today - milestone.planned_on).days)
    return MilestoneSlip("pending", (milestone.planned_on - today).days)


def project_investment_months(*, project: Project, today: date | None = None) -> dict[str, Any]:
    """The project page's chart: this year's and last year's months — invested per month, this
    year's running total, and the pro-rata annual plan (plan × m / 12) — in 万元 as floats."""
    today = today or timezone.localdate()
    start = date(today.year - 1, 1, 1)
    rows = dict(
        ProjectInvestment.objects.filter(project_id=project.pk, month__gte=start, month__lte=today)
        .order_by()
        .values_list("month", "invested")
    )
    labels: list[str] = []
    invested: list[float | None] = []
    running: list[float | None] = []
    plan: list[float | None] = []
    total = Decimal(0)
    for year in (today.year - 1, today.year):
        for m in range(1, 13):
            month = date(year, m, 1)
            if month > today:
                break
            value = rows.get(month)
            labels.append(f"{year}-{m:02d}")
            invested.append(float(value) if value is not None else None)
            if year == today.year:
                total += value or Decimal(0)
                running.append(float(total))
                plan.append(float(project.annual_planned * m / 12))
            else:
                running.append(None)
                plan.append(None)
    return {"labels": labels, "invested": invested, "ytd": running, "plan": plan}
