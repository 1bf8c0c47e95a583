"""Page helpers shared by the HTML views: pagination and HTMX partial rendering (STYLE.md §6.2.4).

Pure Django: no other qifu app is imported here (core is the bottom layer).
"""

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

PER_PAGE = 20
M = TypeVar("M", bound=Model)


def paginate(request: HttpRequest, qs: "QuerySet[M]", per_page: int = PER_PAGE) -> "Page[M]":
    """One page of a queryset. The paginator counts once (a cached property); a bad or too-high
    page number falls back to the nearest valid page instead of answering 404."""
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator that never counts more than `cap` rows.

    COUNT(*) is the expensive part of a big list (a million cases at city scale): the database must
    visit every matching row, while the page itself reads only `per_page` rows along an index. Here
    the count is `SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)`, so it stops after cap + 1
    rows; beyond the cap the list says "10000+" (`capped`) and offers the first cap rows' pages.
    """

    def __init__(
        self, object_list: "QuerySet[Any]", per_page: int, *, cap: int, rows: "RowLoader | None" = None
    ) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.cap = cap
        self.rows = rows or _instances

    @cached_property
    def _seen(self) -> int:
        return int(self.queryset.select_related(None).order_by().values("pk")[: self.cap + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)

    @property
    def capped(self) -> bool:
        """More rows match than were counted."""
        return self._seen > self.cap

    def page(self, number: Any) -> "Page[Any]":
        """The page's keys first, then its rows: ordering and LIMIT run on the ids alone (an index,
        or a sort of narrow index entries), and only `per_page` whole rows with their joins are
        read — a queue sorted by deadline over thousands of matches stays a few milliseconds."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.queryset.select_related(None).values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = self.rows(self.queryset.order_by().filter(pk__in=ids))
        return Page([rows[pk] for pk in ids if pk in rows], number, self)


# Reads a page's rows (the queryset narrowed to the page's keys) as {key: row}: model instances by
# default; a list that shows a few columns of many rows may read plain rows instead (cases/rows.py).
RowLoader = Callable[["QuerySet[Any]"], Mapping[Any, Any]]


def _instances(qs: "QuerySet[Any]") -> dict[Any, Any]:
    return {row.pk: row for row in qs}


COUNT_CAP = 10_000


def paginate_capped(
    request: HttpRequest,
    qs: "QuerySet[M]",
    per_page: int = PER_PAGE,
    cap: int | None = None,
    rows: RowLoader | None = None,
) -> "Page[Any]":
    """`paginate` with a count capped at `cap` (default COUNT_CAP; see CappedPaginator);
    `page.paginator.capped` says whether more rows matched. `rows` reads the page's rows (default:
    model instances)."""
    return CappedPaginator(qs, per_page, cap=cap or COUNT_CAP, rows=rows).get_page(request.GET.get("page"))


def wants_partial(request: HttpRequest) -> bool:
    """An HTMX swap asks for the fragment; a history restore (cache miss) needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def render_page(
    request: HttpRequest, template: str, context: Mapping[str, Any], *, partial: str, status: int = 200
) -> HttpResponse:
    """Render `template`, or only its named partial (`template#partial`) for an HTMX request.

    `Vary: HX-Request` keeps a browser or proxy from serving the fragment for the page's URL.
    """
    name = f"{template}#{partial}" if wants_partial(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
