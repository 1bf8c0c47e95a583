"""API shapes for fixed-asset investment projects (PRODUCT.md §2.1). Money in 万元 as Decimal strings."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import ConfigDict

from qifu.enterprises.schemas import EnterpriseBrief
from qifu.enterprises.validators import normalize_uscc
from qifu.people.schemas import PersonBrief
from qifu.projects.models import Milestone, MilestoneKind, Project
from qifu.projects.progress import BoardFilters, YearClock
from qifu.projects.selectors import ProjectFilters, milestone_is_late
from qifu.projects.services import ProjectData

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
StatusCode = Literal["planned", "construction", "completed", "operating"]
MILESTONE_KINDS = ", ".join(f"`{k}` {label}" for k, label in MilestoneKind.choices)


class ProjectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    enterprise: str = Field(min_length=1, max_length=32, description="USCC of the owner enterprise")
    total_investment: Money
    annual_planned: Money = Decimal(0)
    completed_investment: Money = Decimal(0)
    industrial: bool = True
    major: bool = False
    status: StatusCode = "planned"
    park: str = Field("", max_length=64)

    def to_data(self) -> ProjectData:
        return ProjectData(**self.model_dump(exclude={"enterprise"}))


class ProjectPatch(Schema):
    """Partial update; the code and the owner enterprise do not change."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", min_length=1, max_length=200)
    total_investment: Money = Decimal(0)
    annual_planned: Money = Decimal(0)
    completed_investment: Money = Decimal(0)
    industrial: bool = True
    major: bool = False
    status: StatusCode = "planned"
    park: str = Field("", max_length=64)

    def apply_to(self, current: ProjectData) -> ProjectData:
        """The current values with only the fields the client sent replaced."""
        changes: dict[str, Any] = self.model_dump(exclude_unset=True)
        return replace(current, **changes)


class MilestoneIn(Schema):
    model_config = ConfigDict(extra="forbid")

    planned_on: date
    actual_on: date | None = Field(None, description="not in the future")
    note: str = Field("", max_length=255)


class ProjectFilter(Schema):
    q: str = Field("", max_length=200, description="name contains, or code prefix")
    park: str = Field("", max_length=64)
    major: bool | None = None
    status: StatusCode | None = None
    delayed: bool | None = None
    liaison: str = Field("", max_length=150, description="username of the primary liaison")
    enterprise: str = Field("", max_length=32, description="USCC of the owner enterprise")

    def to_filters(self) -> ProjectFilters:
        return ProjectFilters(
            q=self.q,
            park=self.park,
            major=self.major,
            status=self.status or "",
            delayed=self.delayed,
            liaison_username=self.liaison,
            enterprise=normalize_uscc(self.enterprise) if self.enterprise else "",
        )


class MilestoneOut(Schema):
    kind: str
    label: str
    seq: int
    planned_on: date
    actual_on: date | None
    note: str
    late: bool

    @staticmethod
    def of(milestone: Milestone) -> "MilestoneOut":
        return MilestoneOut(
            kind=milestone.kind,
            label=str(MilestoneKind(milestone.kind).label),
            seq=milestone.seq,
            planned_on=milestone.planned_on,
            actual_on=milestone.actual_on,
            note=milestone.note,
            late=milestone_is_late(milestone),
        )


class ProjectListOut(Schema):
    code: str
    name: str
    enterprise: EnterpriseBrief
    industrial: bool
    major: bool
    status: str
    park: str
    total_investment: Decimal
    annual_planned: Decimal
    completed_investment: Decimal
    primary_liaison: PersonBrief | None
    delayed: bool = Field(description="a milestone is late: done after its plan date, or not done and overdue")

    @staticmethod
    def resolve_primary_liaison(obj: Project) -> PersonBrief | None:
        user = obj.primary_liaison
        return PersonBrief(username=user.username, name=user.name) if user else None


class ProjectOut(ProjectListOut):
    created_at: datetime
    updated_at: datetime
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_milestones(obj: Project) -> list[MilestoneOut]:
        return [MilestoneOut.of(m) for m in obj.milestones.all()]  # prefetched by project_get


BoardStatusCode = Literal["late", "at_risk", "on_schedule"]


class BoardFilter(Schema):
    status: BoardStatusCode | None = Field(None, description="`late` 滞后, `at_risk` 有风险, `on_schedule` 正常")
    park: str = Field("", max_length=64)
    major: bool | None = None
    liaison: str = Field("", max_length=150, description="username of the primary liaison")
    q: str = Field("", max_length=200, description="name contains, or code prefix")

    def to_filters(self) -> BoardFilters:
        return BoardFilters(
            status=self.status or "",
            park=self.park,
            major=self.major,
            liaison_username=self.liaison,
            q=self.q,
        )


class NextMilestoneOut(Schema):
    kind: str
    label: str
    planned_on: date


class BoardRowOut(Schema):
    """One project on the progress board (docs/PROJECTS.md): money in 万元, days in calendar days."""

    code: str
    name: str
    enterprise: EnterpriseBrief
    park: str
    major: bool
    status: str = Field(description="the project's stage: planned, construction, completed, operating")
    progress: str = Field(description="`late`, `at_risk` or `on_schedule` (docs/PROJECTS.md)")
    total_investment: Decimal
    annual_planned: Decimal
    ytd_invested: Decimal = Field(description="this year's monthly investment up to today")
    ytd_share: Decimal | None = Field(description="ytd_invested / annual_planned; null without a plan")
    year_elapsed: Decimal = Field(description="months due this year / 12, for comparison with ytd_share")
    completed_investment: Decimal = Field(description="the sum of the months reported")
    completed_share: Decimal | None = Field(description="completed_investment / total_investment")
    last_month: str | None = Field(description="YYYY-MM of the latest month reported")
    days_overdue: int = Field(description="calendar days the earliest milestone not done is past its plan; 0 if none")
    late_milestones: int = Field(description="milestones done after their plan, or not done with the plan passed")
    next_milestone: NextMilestoneOut | None = Field(description="the earliest milestone not done")
    primary_liaison: PersonBrief | None

    @staticmethod
    def of(p: Project, today: date) -> "BoardRowOut":
        a: Any = p  # the board's annotations (progress.with_progress)
        user = p.primary_liaison
        share = (a.ytd_invested / p.annual_planned).quantize(Decimal("0.0001")) if p.annual_planned else None
        done = (p.completed_investment / p.total_investment).quantize(Decimal("0.0001")) if p.total_investment else None
        return BoardRowOut(
            code=p.code,
            name=p.name,
            enterprise=EnterpriseBrief(uscc=p.enterprise.uscc, name=p.enterprise.name),
            park=p.park,
            major=p.major,
            status=p.status,
            progress=a.board_status,
            total_investment=p.total_investment,
            annual_planned=p.annual_planned,
            ytd_invested=Decimal(a.ytd_invested).quantize(Decimal("0.01")),
            ytd_share=share,
            year_elapsed=YearClock(today).elapsed.normalize(),
            completed_investment=p.completed_investment,
            completed_share=done,
            last_month=f"{a.last_month:%Y-%m}" if a.last_month else None,
            days_overdue=(today - a.first_overdue_on).days if a.first_overdue_on else 0,
            late_milestones=a.late_milestones,
            next_milestone=NextMilestoneOut(
                kind=a.next_kind, label=str(MilestoneKind(a.next_kind).label), planned_on=a.next_on
            )
            if a.next_kind
            else None,
            primary_liaison=PersonBrief(username=user.username, name=user.name) if user else None,
        )


class BoardRows:
    """The board's queryset for `@paginate(LimitOffset)`: counted in SQL, and only the page sliced
    is turned into BoardRowOut (the annotations need today's date)."""

    def __init__(self, projects: QuerySet[Project], today: date) -> None:
        self.projects, self.today = projects, today

    def count(self) -> int:
        return self.projects.count()

    def __getitem__(self, page: slice) -> list[BoardRowOut]:
        return [BoardRowOut.of(p, self.today) for p in self.projects[page]]
