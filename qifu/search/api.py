"""/api/v1/search — Chinese full-text search (issue 7 item 1, docs/SEARCH.md).

`GET /search?q=…&type=cases|enterprises|policies&limit=&offset=` answers `{"items", "count",
"terms"}`, ranked, within the caller's scope (the same as the lists). 422 `search_unknown_type`
for another type. A query of punctuation only answers an empty page; a long one is cut.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from qifu.api import actor_of
from qifu.core.schemas import errors
from qifu.search.schemas import SearchPageOut
from qifu.search.selectors import MAX_LIMIT, MAX_OFFSET, search

router = Router(tags=["search"])


class SearchIn(Schema):
    q: str = Field("", description="what to look for: words, a company name or part of it, a USCC, a phone")
    type: str = Field("cases", description="cases | enterprises | policies")
    limit: int = Field(20, ge=1, description=f"page size; values above {MAX_LIMIT} are capped")
    offset: int = Field(0, ge=0, description=f"values above {MAX_OFFSET} are capped")


@router.get(
    "",
    response={200: SearchPageOut, **errors()},
    summary="Full-text search over cases, enterprises or policies the caller sees",
    description="All terms must match (jieba segmentation, the zone's dictionary). Ranked by relevance "
    "(bm25 on SQLite, ts_rank on PostgreSQL). Enterprise users match only what they may read: their own "
    "cases (never internal notes), their own enterprise, published policies. "
    "422 `search_unknown_type` for an unknown `type`.",
)
def search_api(request: HttpRequest, params: Query[SearchIn]) -> dict[str, Any]:
    page = search(actor=actor_of(request), q=params.q, type=params.type, limit=params.limit, offset=params.offset)
    return {
        "items": [
            {"type": h.type, "key": h.key, "title": h.title, "snippet": str(h.snippet), "url": h.url}
            for h in page.items
        ],
        "count": page.count,
        "terms": page.terms,
    }
