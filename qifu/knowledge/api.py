"""/api/v1/knowledge — the knowledge base (issue 7 item 5; docs/KNOWLEDGE.md). Operations only.

`GET /knowledge?q=&category=&department=&public=&state=` ({items, count}; by relevance when `q`
has words), `GET /knowledge/{id}`, `POST /knowledge`, `PUT /knowledge/{id}` (staff of the owning
department, or the desk), `GET /cases/{id}/knowledge` (suggestions for a case the caller sees).
Who sees what: `access.scopes.scope_knowledge`.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from qifu.api import actor_of
from qifu.cases.selectors import case_get
from qifu.core.errors import RuleViolation
from qifu.core.pagination import PageIn
from qifu.core.schemas import errors
from qifu.knowledge.errors import KnowledgeErrorCode
from qifu.knowledge.schemas import KnowledgeIn, KnowledgeOut, KnowledgePageOut, knowledge_out
from qifu.knowledge.selectors import (
    department_by_code,
    knowledge_filter_parse,
    knowledge_for_case,
    knowledge_get,
    knowledge_search,
)
from qifu.knowledge.services import EntryData, knowledge_create, knowledge_update
from qifu.reference.selectors import category_by_code

router = Router(tags=["knowledge"])


def _data(payload: KnowledgeIn) -> EntryData:
    category = department = None
    if payload.category:
        category = category_by_code(payload.category)
        if category is None:
            raise RuleViolation(f"unknown category {payload.category!r}", code=KnowledgeErrorCode.INVALID,
                                data={"field": "category"})  # fmt: skip
    if payload.department:
        department = department_by_code(payload.department.upper())
        if department is None:
            raise RuleViolation(f"unknown department {payload.department!r}", code=KnowledgeErrorCode.INVALID,
                                data={"field": "department"})  # fmt: skip
    return EntryData(
        title=payload.title, answer=payload.answer, category=category, department=department,
        public=payload.public, keywords=payload.keywords, state=payload.state,
    )  # fmt: skip


@router.get(
    "/knowledge",
    response={200: KnowledgePageOut, **errors()},
    summary="Knowledge entries the caller sees",
    description="`q`: Chinese words (title, keywords, answer; ranked by TF-IDF, each item with `score`); "
    "`category`, `department` (codes), `public` (1|0), `state` (draft|published|retired). "
    "Enterprises see public published entries only. 422 `knowledge_bad_filter` for an unknown code.",
)
def list_knowledge(
    request: HttpRequest, page: Query[PageIn], q: str = "", category: str = "", department: str = "",
    public: str = "", state: str = "",
) -> dict[str, Any]:  # fmt: skip
    actor = actor_of(request)
    filters = knowledge_filter_parse(q=q, category=category, department=department, public=public, state=state)
    result = knowledge_search(actor=actor, filters=filters, limit=min(page.limit, 200), offset=page.offset)
    return {"items": [knowledge_out(e, actor) for e in result.items], "count": result.count}


@router.get("/knowledge/{int:entry_id}", response={200: KnowledgeOut, **errors(404)}, summary="One entry")
def get_knowledge(request: HttpRequest, entry_id: int) -> dict[str, object]:
    actor = actor_of(request)
    return knowledge_out(knowledge_get(actor=actor, entry_id=entry_id), actor)


@router.post(
    "/knowledge",
    response={201: KnowledgeOut, **errors()},
    summary="Create an entry (staff of the owning department, or the desk)",
    description="403 `knowledge_forbidden`; 422 `knowledge_invalid` with `field` (empty or too long title or "
    "answer — answers up to 10,000 characters —, unknown category or department).",
)
def create_knowledge(request: HttpRequest, payload: KnowledgeIn) -> Status[dict[str, object]]:
    actor = actor_of(request)
    entry = knowledge_create(actor=actor, data=_data(payload))
    return Status(201, knowledge_out(knowledge_get(actor=actor, entry_id=entry.pk), actor))


@router.put(
    "/knowledge/{int:entry_id}",
    response={200: KnowledgeOut, **errors(404)},
    summary="Replace an entry (staff of the owning department, or the desk)",
    description="404 for an entry the caller does not see; 403 `knowledge_forbidden` for one it sees but "
    "does not own; 422 `knowledge_invalid` as for POST.",
)
def put_knowledge(request: HttpRequest, entry_id: int, payload: KnowledgeIn) -> dict[str, object]:
    actor = actor_of(request)
    entry = knowledge_update(actor=actor, entry=knowledge_get(actor=actor, entry_id=entry_id), data=_data(payload))
    return knowledge_out(knowledge_get(actor=actor, entry_id=entry.pk), actor)


@router.get(
    "/cases/{int:case_id}/knowledge",
    response={200: KnowledgePageOut, **errors(404)},
    summary="Published entries that fit a case (the caller's scope)",
    description="At most `limit` (default 3, up to 10) entries with `score`; 404 for a case the caller does not see.",
)
def case_knowledge(request: HttpRequest, case_id: int, limit: int = 3) -> dict[str, Any]:
    actor = actor_of(request)
    case = case_get(actor=actor, case_id=case_id)
    found = knowledge_for_case(actor=actor, case=case, limit=max(1, min(limit, 10)))
    return {"items": [knowledge_out(e, actor) for e in found], "count": len(found)}
