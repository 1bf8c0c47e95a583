"""API shapes for enterprises (formats.md 企业名录). Shape only: the rules live in the services.

Money is Decimal (万元), rendered as a JSON string, never a float. Contacts come out masked
(138****5678) for everyone (security checklist PI-2).
"""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, model_validator

from qifu.accounts.models import User
from qifu.enterprises.selectors import EnterpriseFilters, EnterpriseProfile
from qifu.enterprises.services import PLAIN_FIELDS, EnterpriseData, enterprise_contacts, mask_phone
from qifu.linkage.models import Linkage, LinkRole, TaskForce
from qifu.people.schemas import PersonBrief
from qifu.people.selectors import staff_phone
from qifu.projects.models import Project
from qifu.projects.selectors import milestone_is_late

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Ownership = Literal["domestic", "foreign", "taiwan", "hk_macao"]
Specialized = Literal["none", "provincial", "little_giant"]


def mask_name(name: str) -> str:
    """王经理 → 王**: the family name stays, so staff can still address the contact."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


# --- input ------------------------------------------------------------------------------------


class EnterpriseIn(Schema):
    """A new enterprise: the formats.md columns by their English names (the USCC check digit is verified)."""

    model_config = ConfigDict(extra="forbid")

    uscc: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    industry: str = Field("", max_length=5, description="GB/T 4754-2017 code, e.g. C3985")
    park: str = Field("", max_length=64)
    address: str = Field("", max_length=255)
    founded_on: date | None = None
    registered_capital: Money | None = None
    ownership: Ownership = "domestic"
    above_scale: bool = False
    high_tech: bool = False
    specialized: Specialized = "none"
    listed: bool = False
    employees: int | None = Field(None, ge=0, le=10_000_000)
    revenue_last_year: Money | None = None
    tax_last_year: Money | None = None
    output_last_year: Money | None = None
    rd_last_year: Money | None = None
    contact_name: str = Field("", max_length=64)
    contact_phone: str = Field("", max_length=32)

    def to_data(self) -> EnterpriseData:
        return EnterpriseData(**self.model_dump())


class EnterprisePatch(Schema):
    """Partial update: send only what changes. The USCC, liaison and status are not edited here."""

    model_config = ConfigDict(extra="forbid")

    # Non-nullable columns have defaults only so that they may be left out; null is refused.
    name: str = Field("", min_length=1, max_length=200)
    industry: str = Field("", max_length=5)
    park: str = Field("", max_length=64)
    address: str = Field("", max_length=255)
    founded_on: date | None = None
    registered_capital: Money | None = None
    ownership: Ownership = "domestic"
    above_scale: bool = False
    high_tech: bool = False
    specialized: Specialized = "none"
    listed: bool = False
    employees: int | None = Field(None, ge=0, le=10_000_000)
    revenue_last_year: Money | None = None
    tax_last_year: Money | None = None
    output_last_year: Money | None = None
    rd_last_year: Money | None = None
    contact_name: str = Field("", max_length=64)
    contact_phone: str = Field("", max_length=32)

    def apply_to(self, current: EnterpriseData) -> EnterpriseData:
        """The current values with only the fields the client sent replaced."""
        changes: dict[str, Any] = self.model_dump(exclude_unset=True)
        return replace(current, **changes)


class EnterpriseFilter(Schema):
    """List filters. They narrow the caller's scope and never widen it."""

    q: str = Field("", max_length=200, description="name contains, or USCC (prefix or exact)")
    industry: str = Field("", max_length=5, description="industry code prefix, e.g. C39")
    park: str = Field("", max_length=64)
    ownership: Ownership | None = None
    above_scale: bool | None = None
    high_tech: bool | None = None
    specialized: Specialized | None = None
    listed: bool | None = None
    liaison: str = Field("", max_length=150, description="username of the primary liaison")
    without_liaison: bool = False
    phone: str = Field("", max_length=32, description="contact phone, exact (matched through the blind index)")

    def to_filters(self) -> EnterpriseFilters:
        return EnterpriseFilters(
            q=self.q,
            industry=self.industry,
            park=self.park,
            ownership=self.ownership or "",
            above_scale=self.above_scale,
            high_tech=self.high_tech,
            specialized=self.specialized or "",
            listed=self.listed,
            liaison_username=self.liaison,
            without_liaison=self.without_liaison,
            phone=self.phone,
        )


# --- output -----------------------------------------------------------------------------------


class EnterpriseBrief(Schema):
    uscc: str
    name: str


class LiaisonOut(Schema):
    """A liaison as the enterprise sees them: the link is two-way, so the phone is the real one."""

    username: str
    name: str
    department: str | None
    phone: str

    @staticmethod
    def of(user: User) -> "LiaisonOut":
        staff = getattr(user, "staff", None)
        department = user.department.name if user.department else None
        return LiaisonOut(username=user.username, name=user.name, department=department, phone=staff_phone(staff))


class LinkHistoryOut(Schema):
    username: str
    name: str
    role: str
    project: str | None
    started_on: date
    ended_on: date | None
    reason: str

    @staticmethod
    def of(link: Linkage) -> "LinkHistoryOut":
        return LinkHistoryOut(
            username=link.liaison.username,
            name=link.liaison.name,
            role=link.role,
            project=link.project.code if link.project else None,
            started_on=link.started_on,
            ended_on=link.ended_on,
            reason=link.reason,
        )


class ProjectSummaryOut(Schema):
    code: str
    name: str
    status: str
    major: bool
    total_investment: Decimal
    completed_investment: Decimal
    delayed: bool

    @staticmethod
    def of(project: Project) -> "ProjectSummaryOut":
        return ProjectSummaryOut(
            code=project.code,
            name=project.name,
            status=project.status,
            major=project.major,
            total_investment=project.total_investment,
            completed_investment=project.completed_investment,
            delayed=any(milestone_is_late(m) for m in project.milestones.all()),  # prefetched
        )


class TaskForceMemberOut(Schema):
    username: str
    name: str
    department: str | None
    duty: str


class TaskForceOut(Schema):
    id: int
    name: str
    project: str | None
    lead: PersonBrief
    goal: str
    active: bool
    members: list[TaskForceMemberOut]

    @staticmethod
    def of(force: TaskForce, project_codes: dict[int, str]) -> "TaskForceOut":
        members = [
            TaskForceMemberOut(
                username=m.user.username,
                name=m.user.name,
                department=m.user.department.name if m.user.department else None,
                duty=m.duty,
            )
            for m in force.members.all()  # prefetched with user and department
        ]
        return TaskForceOut(
            id=force.pk,
            name=force.name,
            project=project_codes.get(force.project_id) if force.project_id else None,
            lead=PersonBrief(username=force.lead.username, name=force.lead.name),
            goal=force.goal,
            active=force.active,
            members=members,
        )


class LiaisonRef(BaseModel):
    username: str
    name: str


class EnterpriseListOut(BaseModel):
    """A row of the list, validated from the selector's plain rows (enterprise_rows).

    A pydantic model rather than a ninja Schema: ninja's attribute-resolving wrapper costs more than
    the database for a 20-row page, and these rows are already plain dicts.
    """

    uscc: str
    name: str
    industry: str
    park: str
    ownership: str
    above_scale: bool
    high_tech: bool
    specialized: str
    listed: bool
    employees: int | None
    primary_liaison: LiaisonRef | None

    @model_validator(mode="before")
    @classmethod
    def _nest_liaison(cls, row: Any) -> Any:
        if isinstance(row, dict) and "primary_liaison__username" in row:
            username = row["primary_liaison__username"]
            name = row["primary_liaison__display_name"] or username
            return {**row, "primary_liaison": {"username": username, "name": name} if username else None}
        return row


class EnterprisePageOut(BaseModel):
    items: list[EnterpriseListOut]
    count: int


class EnterpriseOut(Schema):
    uscc: str
    name: str
    industry: str
    park: str
    address: str
    founded_on: date | None
    registered_capital: Decimal | None
    ownership: str
    above_scale: bool
    high_tech: bool
    specialized: str
    listed: bool
    employees: int | None
    revenue_last_year: Decimal | None
    tax_last_year: Decimal | None
    output_last_year: Decimal | None
    rd_last_year: Decimal | None
    contact_name: str = Field(description="masked: 王**")
    contact_phone: str = Field(description="masked: 139****5678")
    tags: list[str]
    status: str
    created_at: datetime
    updated_at: datetime
    primary_liaison: LiaisonOut | None
    backups: list[LiaisonOut]
    liaison_history: list[LinkHistoryOut]
    projects: list[ProjectSummaryOut]
    task_forces: list[TaskForceOut]


# The registry columns copied as they are (contacts are masked separately).
PLAIN_OUT_FIELDS = (*PLAIN_FIELDS, "tags", "status", "created_at", "updated_at")


def enterprise_out(profile: EnterpriseProfile) -> EnterpriseOut:
    """The detail body from an EnterpriseProfile (no queries: the selector prefetched everything)."""
    enterprise = profile.enterprise
    name, phone = enterprise_contacts(enterprise)
    own_links = [link for link in profile.linkages if link.project_id is None]
    primary = next((link.liaison for link in own_links if link.role == LinkRole.PRIMARY), None)
    project_codes = {p.pk: p.code for p in profile.projects}
    return EnterpriseOut(
        **{field: getattr(enterprise, field) for field in PLAIN_OUT_FIELDS},
        contact_name=mask_name(name),
        contact_phone=mask_phone(phone) if phone else "",
        primary_liaison=LiaisonOut.of(primary) if primary else None,
        backups=[LiaisonOut.of(link.liaison) for link in own_links if link.role == LinkRole.BACKUP],
        liaison_history=[LinkHistoryOut.of(link) for link in profile.history],
        projects=[ProjectSummaryOut.of(p) for p in profile.projects],
        task_forces=[TaskForceOut.of(f, project_codes) for f in profile.task_forces],
    )
