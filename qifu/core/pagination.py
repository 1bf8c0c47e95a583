"""`{"items": [...], "count": n}` with `limit`/`offset` (PRODUCT.md §3), the limit capped, not refused.

ninja's LimitOffsetPagination answers 422 to `limit` above NINJA_PAGINATION_MAX_LIMIT; a client asking
for 100000 rows gets the first 200 instead (security checklist AP-6: page size is capped).
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = int(getattr(settings, "NINJA_PAGINATION_PER_PAGE", 20))
MAX_LIMIT = int(getattr(settings, "NINJA_PAGINATION_MAX_LIMIT", 200))
MAX_OFFSET = 10_000_000  # beyond any real list; keeps the SQL OFFSET inside a 64-bit integer


class LimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, description=f"page size; values above {MAX_LIMIT} are capped")
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

    def paginate_queryset(
        self, queryset: "QuerySet[Any] | list[Any]", pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        # One COUNT and one page query, whatever the page size: no per-row work here.
        limit = min(int(pagination.limit), MAX_LIMIT)
        offset = int(pagination.offset)
        count = len(queryset) if isinstance(queryset, list) else queryset.count()  # a cached list, or SQL
        return {"items": list(queryset[offset : offset + limit]), "count": count}


class PageIn(Schema):
    """limit/offset for operations that page by hand (see `page_of`)."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, description=f"page size; values above {MAX_LIMIT} are capped")
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def page_of(rows: QuerySet[Any, Any], *, count_from: QuerySet[Any], page: PageIn) -> dict[str, Any]:
    """`{"items", "count"}` where the count runs on the bare filtered queryset (`count_from`): the
    rows' display joins (e.g. the liaison's name) would otherwise ride along into the COUNT."""
    limit = min(page.limit, MAX_LIMIT)
    return {"items": list(rows[page.offset : page.offset + limit]), "count": count_from.count()}
