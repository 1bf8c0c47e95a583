"""API shapes for fixed-asset investment projects (PRODUCT.md §2.1). Money in 万元 as Decimal strings."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from qifu.enterprises.schemas import EnterpriseBrief
from qifu.enterprises.validators import normalize_uscc
from qifu.people.schemas import PersonBrief
from qifu.projects.models import Milestone, MilestoneKind, Project
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
