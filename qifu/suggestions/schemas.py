"""API shapes for suggestions (PRODUCT.md §2.3, §3): separate in and out schemas, codes not labels."""

import re
from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from qifu.suggestions.models import Suggestion
from qifu.suggestions.selectors import SuggestionFilters
from qifu.suggestions.services import TEXT_MAX, TITLE_MAX

StateCode = Literal["submitted", "assigned", "answered", "closed"]
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(value: str) -> date | None:
    """'2026-11' → 2026-11-01; '' → None; anything else → ValueError."""
    value = (value or "").strip()
    if not value:
        return None
    found = MONTH.match(value)
    if found is None:
        raise ValueError("month is YYYY-MM")
    return date(int(found.group(1)), int(found.group(2)), 1)


class SuggestionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description=f"1–{TEXT_MAX} characters")
    title: str = Field("", max_length=200, description=f"≤{TITLE_MAX} characters; empty: the text's first line")
    topic: str = Field("", max_length=32, description="topic code, optional (the desk tags untagged ones)")
    enterprise: str = Field(
        "",
        max_length=32,
        description="USCC of the enterprise concerned (staff, optional; an enterprise files for itself)",
    )


class AssignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    department: str = Field(max_length=16, description="code of the answering department")
    topic: str = Field("", max_length=32, description="topic code; required when the suggestion has none yet")


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(description=f"1–{TEXT_MAX} characters")


class SuggestionFilter(Schema):
    topic: str = Field("", max_length=32, description="topic code; `none`: not yet tagged")
    month: str = Field("", max_length=7, description="YYYY-MM (Beijing month of filing)")
    state: list[StateCode] = Field(default_factory=list)

    @field_validator("month")
    @classmethod
    def _month(cls, value: str) -> str:
        parse_month(value)
        return value

    def to_filters(self) -> SuggestionFilters:
        return SuggestionFilters(topic=self.topic, month=parse_month(self.month), state=tuple(self.state))


class SuggestionOut(Schema):
    id: int
    state: StateCode
    state_text: str
    title: str
    text: str
    topic: str | None = Field(description="topic code")
    topic_name: str | None
    enterprise: str | None = Field(description="USCC")
    enterprise_name: str | None
    author_name: str
    author_role: str
    source: str
    source_id: int | None
    month: str = Field(description="YYYY-MM")
    department: str | None = Field(description="answering department code")
    department_name: str | None
    answer: str
    created_at: datetime
    assigned_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None


class SuggestionPageOut(Schema):
    items: list[SuggestionOut]
    count: int


def suggestion_out(s: Suggestion) -> dict[str, Any]:
    """One suggestion as the API shows it (its topic, department, enterprise and author already joined)."""
    return {
        "id": s.pk,
        "state": s.state,
        "state_text": str(s.get_state_display()),
        "title": s.title,
        "text": s.text,
        "topic": s.topic.code if s.topic else None,
        "topic_name": s.topic.name if s.topic else None,
        "enterprise": s.enterprise.uscc if s.enterprise else None,
        "enterprise_name": s.enterprise.name if s.enterprise else None,
        "author_name": s.author.name,
        "author_role": s.author_role,
        "source": s.source,
        "source_id": s.source_id,
        "month": f"{s.month.year}-{s.month.month:02d}",
        "department": s.department.code if s.department else None,
        "department_name": s.department.name if s.department else None,
        "answer": s.answer,
        "created_at": s.created_at,
        "assigned_at": s.assigned_at,
        "answered_at": s.answered_at,
        "closed_at": s.closed_at,
    }
