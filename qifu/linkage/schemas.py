"""API shapes for linkage (挂钩关系, PRODUCT.md §2.1): who serves which enterprise, kept with history."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from qifu.enterprises.schemas import EnterpriseBrief
from qifu.enterprises.validators import normalize_uscc
from qifu.linkage.models import Linkage
from qifu.linkage.selectors import LinkageFilters

Role = Literal["primary", "backup"]


class LinkageIn(Schema):
    """Link a cadre or deputy to an enterprise (or one of its projects)."""

    model_config = ConfigDict(extra="forbid")

    enterprise: str = Field(min_length=1, max_length=32, description="USCC")
    liaison: str = Field(min_length=1, max_length=150, description="username of a cadre or deputy")
    role: Role = "primary"
    project: str | None = Field(None, max_length=32, description="project code, for a project link")
    reason: str = Field("", max_length=255)


class LinkageReassignIn(Schema):
    """Hand the primary link to another liaison; the old link ends today and stays as history."""

    model_config = ConfigDict(extra="forbid")

    enterprise: str = Field(min_length=1, max_length=32, description="USCC")
    liaison: str = Field(min_length=1, max_length=150, description="username of the new primary liaison")
    reason: str = Field(max_length=255, description="required")
    project: str | None = Field(None, max_length=32)


class LinkageEndIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=255)


class LinkageFilter(Schema):
    liaison: str = Field("", max_length=150, description="username")
    enterprise: str = Field("", max_length=32, description="USCC")
    role: Role | None = None
    include_ended: bool = Field(False, description="also the links that have ended (history)")

    def to_filters(self) -> LinkageFilters:
        return LinkageFilters(
            liaison_username=self.liaison,
            enterprise=normalize_uscc(self.enterprise) if self.enterprise else "",
            role=self.role or "",
            open_only=not self.include_ended,
        )


class LiaisonBrief(Schema):
    username: str
    name: str
    department: str | None


class LinkageOut(Schema):
    id: int
    enterprise: EnterpriseBrief
    project: str | None
    liaison: LiaisonBrief
    role: str
    started_on: date
    ended_on: date | None
    reason: str
    created_at: datetime

    @staticmethod
    def resolve_project(obj: Linkage) -> str | None:
        return obj.project.code if obj.project_id and obj.project else None

    @staticmethod
    def resolve_liaison(obj: Linkage) -> LiaisonBrief:
        user = obj.liaison
        department = user.department.name if user.department else None
        return LiaisonBrief(username=user.username, name=user.name, department=department)
