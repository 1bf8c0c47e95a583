"""Reads of the knowledge base: every one starts from `access.scopes.scope_knowledge` (STYLE.md
§6.2.2), so the list, the search, the suggestions and the API show exactly the same entries.

Search ranks with the TF-IDF index (`knowledge.index`), then keeps the ranked ids the actor may
see — the index never decides visibility.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from qifu.access.actor import Actor
from qifu.access.scopes import scope_knowledge
from qifu.cases.models import Case
from qifu.core.errors import NotFound, RuleViolation
from qifu.knowledge import index
from qifu.knowledge.errors import KnowledgeErrorCode
from qifu.knowledge.models import EntryState, KnowledgeEntry
from qifu.reference.models import Category, Department
from qifu.reference.selectors import category_by_code, department_list

SEARCH_CANDIDATES = 500  # ranked ids passed through the scope; beyond this the tail is noise
SUGGEST_MIN_SCORE = 0.08  # below this a suggestion shares a word or two by chance
QUERY_MAX = 500  # a search box query is cut here (a pasted case text still searches)


@dataclass(frozen=True)
class KnowledgeFilters:
    q: str = ""
    category: Category | None = None
    department: Department | None = None
    public: bool | None = None
    state: str = ""  # "" = every state the actor sees


def department_by_code(code: str) -> Department | None:
    return next((d for d in department_list() if d.code == code), None)


def knowledge_filter_parse(
    *, q: str | None = None, category: str | None = None, department: str | None = None,
    public: str | None = None, state: str | None = None,
) -> KnowledgeFilters:  # fmt: skip
    """The filters of the pages and the API: an unknown category, department or state is 422."""
    cat = dept = None
    category, department, state = (category or "").strip(), (department or "").strip().upper(), (state or "").strip()
    if category:
        cat = category_by_code(category)
        if cat is None:
            raise RuleViolation(f"unknown category {category!r}", code=KnowledgeErrorCode.BAD_FILTER)
    if department:
        dept = department_by_code(department)
        if dept is None:
            raise RuleViolation(f"unknown department {department!r}", code=KnowledgeErrorCode.BAD_FILTER)
    if state and state not in EntryState.values:
        raise RuleViolation(f"unknown state {state!r}", code=KnowledgeErrorCode.BAD_FILTER)
    flag = (public or "").strip().lower()
    public_flag = True if flag in ("1", "true", "yes", "on") else False if flag in ("0", "false", "no", "off") else None
    return KnowledgeFilters(q=(q or "").strip()[:QUERY_MAX], category=cat, department=dept, public=public_flag,
                            state=state)  # fmt: skip


def knowledge_list(*, actor: Actor, filters: KnowledgeFilters | None = None) -> QuerySet[KnowledgeEntry]:
    """The entries the actor sees, filtered (not searched), most recently changed first."""
    f = filters or KnowledgeFilters()
    rows = scope_knowledge(actor)
    if f.category is not None:
        rows = rows.filter(category_id=f.category.pk)
    if f.department is not None:
        rows = rows.filter(department_id=f.department.pk)
    if f.public is not None:
        rows = rows.filter(public=f.public)
    if f.state:
        rows = rows.filter(state=f.state)
    return rows.select_related("category", "department").order_by("-updated_at", "-id")


@dataclass
class SearchResult:
    items: list[KnowledgeEntry]  # each with `.score` (0..1) when searched
    count: int
    searched: bool


def _visible_ranked(rows: QuerySet[KnowledgeEntry], ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The ranked (id, score) pairs the actor sees, best first: one query over ids only."""
    visible = set(rows.filter(pk__in=[pk for pk, _ in ranked]).order_by().values_list("pk", flat=True))
    return [(pk, score) for pk, score in ranked if pk in visible]


def _load(rows: QuerySet[KnowledgeEntry], ranked: list[tuple[int, float]]) -> list[KnowledgeEntry]:
    """The entries of RANKED (already visible, one page), in rank order, each with `.score`."""
    found = {e.pk: e for e in rows.filter(pk__in=[pk for pk, _ in ranked]).order_by()}
    out: list[KnowledgeEntry] = []
    for pk, score in ranked:
        entry = found.get(pk)
        if entry is not None:
            entry.score = score  # type: ignore[attr-defined]
            out.append(entry)
    return out


def knowledge_search(*, actor: Actor, filters: KnowledgeFilters, limit: int = 20, offset: int = 0) -> SearchResult:
    """One page of the list: by relevance when `q` has words (TF-IDF over title, keywords and
    answer), else newest first. A query of punctuation only has no words: nothing matches."""
    rows = knowledge_list(actor=actor, filters=filters)
    if not filters.q:
        return SearchResult(list(rows[offset : offset + limit]), rows.order_by().count(), False)
    ranked = index.rank(filters.q, limit=SEARCH_CANDIDATES)
    if not ranked:
        return SearchResult([], 0, True)
    visible = _visible_ranked(rows, ranked)
    return SearchResult(_load(rows, visible[offset : offset + limit]), len(visible), True)


class RankedEntries:
    """A searched list for Django's Paginator: its length is the visible matches, and a slice loads
    only that page's rows (in rank order, with `.score`)."""

    def __init__(self, rows: QuerySet[KnowledgeEntry], ranked: list[tuple[int, float]]) -> None:
        self.rows, self.ranked = rows, ranked

    def __len__(self) -> int:
        return len(self.ranked)

    def __getitem__(self, key: slice) -> list[KnowledgeEntry]:
        return _load(self.rows, self.ranked[key])


def knowledge_ranked(*, actor: Actor, filters: KnowledgeFilters) -> RankedEntries:
    """Every visible match of `filters.q` (up to SEARCH_CANDIDATES), by relevance, loaded per page."""
    rows = knowledge_list(actor=actor, filters=filters)
    ranked = index.rank(filters.q, limit=SEARCH_CANDIDATES) if filters.q else []
    return RankedEntries(rows, _visible_ranked(rows, ranked) if ranked else [])


def knowledge_get(*, actor: Actor, entry_id: int) -> KnowledgeEntry:
    """One entry the actor sees; NotFound for a missing and an invisible one alike."""
    rows = scope_knowledge(actor).select_related("category", "department", "source_case", "created_by", "updated_by")
    for entry in rows.filter(pk=entry_id).order_by()[:1]:
        return entry
    raise NotFound("没有这条答复口径。")


def knowledge_suggest(
    *, actor: Actor, text: str, category_id: int | None = None, limit: int = 3, min_score: float = SUGGEST_MIN_SCORE
) -> list[KnowledgeEntry]:
    """The published entries the actor sees that best fit TEXT (a case's title and text, or what
    an enterprise has typed so far), each with `.score`."""
    ranked = [(pk, s) for pk, s in index.rank(text, category_id=category_id, limit=SEARCH_CANDIDATES) if s >= min_score]
    if not ranked:
        return []
    rows = scope_knowledge(actor).filter(state=EntryState.PUBLISHED).select_related("category", "department")
    return _load(rows, _visible_ranked(rows, ranked)[:limit])


def knowledge_for_case(*, actor: Actor, case: Case, limit: int = 3) -> list[KnowledgeEntry]:
    """Suggestions for answering CASE (the caller has fetched it through `case_get`, in scope)."""
    return knowledge_suggest(actor=actor, text=f"{case.title}\n{case.text}", category_id=case.category_id, limit=limit)
