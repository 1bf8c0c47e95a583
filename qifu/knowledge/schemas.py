"""API schemas of the knowledge base (shape only; lengths and rights are checked by the services,
so the API and the pages give the same `knowledge_invalid` / `knowledge_forbidden` answers)."""

from datetime import datetime

from ninja import Field, Schema

from qifu.access.actor import Actor
from qifu.knowledge.models import KnowledgeEntry


class KnowledgeOut(Schema):
    id: int
    title: str
    answer: str
    category: str | None = Field(description="category code (taxonomy.yaml)")
    category_name: str | None
    department: str = Field(description="the owning department's code")
    department_name: str
    public: bool = Field(description="visible to enterprises once published")
    state: str = Field(description="draft | published | retired")
    keywords: str
    source_case: str | None = Field(description="number of the case it was saved from (staff only)")
    use_count: int
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime
    score: float | None = Field(None, description="relevance 0..1 when searched or suggested")


class KnowledgePageOut(Schema):
    items: list[KnowledgeOut]
    count: int


class KnowledgeIn(Schema):
    title: str
    answer: str
    category: str | None = Field(None, description="category code; null = none")
    department: str | None = Field(
        None, description="owning department's code; default: the caller's own (staff) or the category's (desk)"
    )
    public: bool = False
    keywords: str = ""
    state: str = Field("published", description="draft | published | retired")


def knowledge_out(entry: KnowledgeEntry, actor: Actor) -> dict[str, object]:
    case = entry.source_case if entry.source_case_id and not actor.is_enterprise else None
    return {
        "id": entry.pk,
        "title": entry.title,
        "answer": entry.answer,
        "category": entry.category.code if entry.category else None,
        "category_name": entry.category.name if entry.category else None,
        "department": entry.department.code,
        "department_name": entry.department.name,
        "public": entry.public,
        "state": entry.state,
        "keywords": entry.keywords,
        "source_case": case.number if case is not None else None,
        "use_count": entry.use_count,
        "last_used_at": entry.last_used_at,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "score": round(float(getattr(entry, "score", 0.0)), 4) if hasattr(entry, "score") else None,
    }
