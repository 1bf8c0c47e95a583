"""Schemas of the commons API (/api/v1/cases/similar, /api/v1/cases/{id}/merge, /api/v1/commons/…)."""

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from qifu.commons.models import CommonProblem
from qifu.commons.selectors import Similar


class SimilarOut(Schema):
    id: int
    number: str
    title: str
    state: str
    submitted_at: datetime
    score: float = Field(description="TF-IDF cosine with the text, 0-1")


def similar_out(s: Similar) -> dict[str, Any]:
    c = s.case
    return {
        "id": c.pk,
        "number": c.number,
        "title": c.title,
        "state": c.state,
        "submitted_at": c.submitted_at,
        "score": s.score,
    }


class MergeIn(Schema):
    into: int = Field(description="The id of the case that continues (same enterprise, open)")
    note: str = ""


class MergeOut(Schema):
    id: int
    number: str
    state: str
    into: int
    into_number: str


class ClusterCaseOut(Schema):
    id: int
    number: str
    title: str


class NamedOut(Schema):
    id: int
    name: str


class IndustryOut(Schema):
    code: str
    name: str


class ClusterOut(Schema):
    key: str
    category_id: int | None
    category: str
    size: int
    cases: list[ClusterCaseOut]
    enterprises: list[NamedOut]
    industries: list[IndustryOut]
    parks: list[str]
    terms: list[str]


class ClustersOut(Schema):
    computed_at: datetime | None
    days: int | None
    min_enterprises: int | None
    open_cases: int | None
    items: list[ClusterOut]


class RecomputeIn(Schema):
    days: int = 90
    min_enterprises: int = 3


class ProblemIn(Schema):
    cluster: str = Field("", description="A cluster key of the latest snapshot; its cases become members")
    cases: list[int] = Field(default_factory=list, description="Case ids (instead of, or beside, a cluster)")
    title: str
    lead: str = Field(description="The lead department's code")
    category: str = ""
    days: int | None = Field(None, description="Working days to answer (default: the category's)")


class MembersIn(Schema):
    cases: list[int]


class AnswerIn(Schema):
    answer: str


class MemberOut(Schema):
    case_id: int
    number: str
    title: str
    state: str
    enterprise: str
    uscc: str


class ProblemOut(Schema):
    id: int
    title: str
    category: str | None
    lead_department: str
    lead_department_name: str
    deadline: date
    days: int
    state: str
    answer: str
    terms: str
    cases: int
    enterprises: int
    created_at: datetime
    answered_at: datetime | None


class ProblemDetailOut(ProblemOut):
    members: list[MemberOut]


class ProblemPageOut(Schema):
    items: list[ProblemOut]
    count: int


class AnsweredOut(Schema):
    problem: ProblemOut
    resolved: list[str]
    skipped: list[str]


def problem_out(p: CommonProblem) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "category": p.category.code if p.category else None,
        "lead_department": p.lead_department.code,
        "lead_department_name": p.lead_department.name,
        "deadline": p.deadline,
        "days": p.days,
        "state": p.state,
        "answer": p.answer,
        "terms": p.terms,
        "cases": getattr(p, "n_cases", 0),
        "enterprises": getattr(p, "n_enterprises", 0),
        "created_at": p.created_at,
        "answered_at": p.answered_at,
    }
