"""API shapes for the policy package (PRODUCT.md §2.6, §3; formats.md "Policies"). Shape only: a
policy object is checked by `services.policy_check`, which names the path of every bad part, so
the input schema lets every key through to it (typed schemas would answer a bare `invalid`)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from qifu.enterprises.models import Enterprise
from qifu.policies.conditions import FIELDS, names_enterprises, redact_named
from qifu.policies.models import Policy
from qifu.policies.selectors import PolicyFilters, PolicyFit
from qifu.policies.services import ImportResult
from qifu.policies.wording import leaf_reason

StatusCode = Literal["draft", "published", "expired"]
OutcomeCode = Literal["true", "false", "unknown"]


# --- input ------------------------------------------------------------------------------------------


class PolicyIn(BaseModel):
    """A policy object of formats.md. Every key is checked by the service (unknown keys too), and each
    fault comes back in `faults` with its path: 422 `invalid_policy`. (A pydantic model, not a ninja
    Schema: ninja's Schema drops unknown keys, and the service must see them to name them.)"""

    model_config = ConfigDict(extra="allow")

    code: Any = Field(None, description="stable key: 2–64 letters, digits, . _ -  (ignored by PUT)")
    title: Any = Field(None, description="≤200 characters")
    category: Any = Field(None, description="a policy category code of taxonomy.yaml")
    department: Any = Field(None, description="issuing department code, e.g. KJJ")
    document_no: Any = Field(None, description="文号")
    valid_from: Any = Field(None, description="YYYY-MM-DD")
    valid_to: Any = Field(None, description="YYYY-MM-DD")
    apply_from: Any = Field(None, description="YYYY-MM-DD")
    apply_to: Any = Field(None, description="YYYY-MM-DD")
    benefit: Any = Field(None, description="扶持内容")
    auto_grant: Any = Field(None, description="免申即享")
    summary: Any = Field(None)
    interpretation: Any = Field(None, description="解读, plain language")
    full_text: Any = Field(None)
    status: Any = Field(None, description="draft or published (default published)")
    conditions: Any = Field(None, description="the condition tree of formats.md")

    def to_data(self) -> dict[str, Any]:
        """The keys the client sent (extra ones included, for the service to name)."""
        return self.model_dump(exclude_unset=True)


class PolicyFilter(Schema):
    q: str = Field("", max_length=200, description="title, code, document number or summary contains")
    category: str = Field("", max_length=32, description="policy category code")
    status: StatusCode | None = None
    current: bool = Field(False, description="only published policies in force on `on` (default today)")
    on: date | None = None

    def to_filters(self) -> PolicyFilters:
        return PolicyFilters(q=self.q, category=self.category, status=self.status or "", current=self.current)


class OnIn(Schema):
    on: date | None = Field(None, description="evaluate on this day (default today, Beijing time)")


# --- output -----------------------------------------------------------------------------------------
# Plain pydantic models filled from dicts: ninja's Schema runs its Django-object getter on every
# nested object, a fifth of the time of an enterprise's policies (hundreds of leaves a page).


class PolicyBriefOut(BaseModel):
    code: str
    title: str
    category: str
    department: str = Field(description="issuing department code")
    department_name: str
    document_no: str
    valid_from: date | None
    valid_to: date | None
    apply_from: date | None
    apply_to: date | None
    benefit: str
    auto_grant: bool
    summary: str
    status: StatusCode
    published_at: datetime | None


class AttachmentOut(BaseModel):
    name: str
    content_type: str
    size: int


class PolicyOut(PolicyBriefOut):
    interpretation: str
    full_text: str
    conditions: dict[str, Any]
    attachments: list[AttachmentOut]


class PolicyPageOut(BaseModel):
    items: list[PolicyBriefOut]
    count: int


class ImportOut(BaseModel):
    created: list[str]
    updated: list[str]
    unchanged: list[str]


class MatchOut(BaseModel):
    uscc: str
    name: str


class MatchPageOut(BaseModel):
    items: list[MatchOut]
    count: int


class LeafOut(BaseModel):
    path: str
    field: str
    op: str
    value: Any
    actual: Any
    outcome: OutcomeCode
    reason: str = Field(description="the leaf in plain Chinese, with the enterprise's value")


class MissingOut(BaseModel):
    field: str
    label: str


class PolicyFitOut(BaseModel):
    policy: PolicyBriefOut
    eligible: bool | None = Field(description="null: unknown because of missing data")
    leaves: list[LeafOut]
    missing: list[MissingOut] = Field(description="the fields whose missing value left the answer unknown")


class PolicyFitPageOut(BaseModel):
    items: list[PolicyFitOut]
    count: int


def policy_brief(p: Policy) -> dict[str, Any]:
    return {
        "code": p.code,
        "title": p.title,
        "category": p.category,
        "department": p.department.code,
        "department_name": p.department.name,
        "document_no": p.document_no,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "apply_from": p.apply_from,
        "apply_to": p.apply_to,
        "benefit": p.benefit,
        "auto_grant": p.auto_grant,
        "summary": p.summary,
        "status": p.status,
        "published_at": p.published_at,
    }


def policy_out(p: Policy, *, redact: bool = False) -> dict[str, Any]:
    """REDACT (an enterprise user): the enterprises a condition names are not listed."""
    return {
        **policy_brief(p),
        "interpretation": p.interpretation,
        "full_text": p.full_text,
        "conditions": redact_named(p.conditions) if redact else p.conditions,
        "attachments": [{"name": a.name, "content_type": a.content_type, "size": a.size} for a in p.attachments.all()],
    }


def import_out(result: ImportResult) -> dict[str, Any]:
    return result.as_json()


def match_out(e: Enterprise) -> dict[str, Any]:
    return {"uscc": e.uscc, "name": e.name}


def fit_out(fit: PolicyFit, list_names: dict[str, str], *, redact: bool = False) -> dict[str, Any]:
    explanation = fit.explanation

    def leaf_out(r: Any) -> dict[str, Any]:
        out = {**r.as_json(), "reason": leaf_reason(r, list_names)}
        if redact and names_enterprises(r.leaf.field, r.leaf.op):
            out["value"] = None
        return out

    return {
        "policy": policy_brief(fit.policy),
        "eligible": explanation.eligible,
        "leaves": [leaf_out(r) for r in explanation.leaves],
        "missing": [{"field": f, "label": str(FIELDS[f].label)} for f in explanation.missing],
    }
