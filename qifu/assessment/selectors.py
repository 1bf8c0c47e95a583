"""The assessment report (PRODUCT.md §2.2 考核): rows per department or liaison, and the 红黑榜.

Who sees what. The assessment is management data about groups, not a list of cases, so it is
not narrowed by `scope_cases` (a department's rate counts every case it led, including cases
the reader could not open); instead each role sees whole rows:

- service desk and leaders: every row, and the 红黑榜 with the scores;
- a department head: their department's row; a liaison (cadre or deputy): their own row;
  both see the names on the zone's 红黑榜 (the list is announced zone-wide), not the scores;
- handlers, enterprise users and the three administrators: NotFound (404), as for other
  staff-only pages, so the report's existence is not advertised.

Groups: a department is the case's lead department (cases not yet dispatched have none and
count for no department); a liaison is `Case.liaison`, the enterprise's liaison when the case
was filed. The 红黑榜 always ranks departments, whichever grouping the rows use.

Rows come a page at a time (`limit`, `offset`): groups with at least the minimum of valid cases
(`ASSESS_MIN_CASES`) first, each part best composite first. A city has ~5,000 liaisons: they are
ordered and cut in the database, and only the page is read and scored.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.accounts.roles import Role
from qifu.assessment.errors import AssessmentErrorCode
from qifu.assessment.metrics import Board, Counts, Row, Weights, board, order, scores
from qifu.assessment.models import Dimension
from qifu.assessment.periods import Period
from qifu.assessment.tallies import Group, Grouping, groups, live, ordered_page, rollup, rollup_fresh
from qifu.core.errors import NotFound, RuleViolation
from qifu.reference.models import Department

MAX_ROWS = 200  # a page of rows at most (security checklist AP-6: page sizes are capped)
# Periods with fewer cases are counted live on each request (fresh to the second): at ~5 µs of
# database time per case that stays under ~50 ms. Bigger ones read the rollup (models.py).
LIVE_MAX_CASES = 10_000


@dataclass(frozen=True)
class Report:
    period: Period
    by: str
    weights: Weights
    min_cases: int
    count: int  # rows in all
    rows: list[Row]  # this page
    board: Board
    computed_at: datetime | None  # when the rollup was counted; None: counted live for this request
    full: bool  # the reader sees every row and the 红黑榜 scores
    zone: Row | None  # all departments together, for readers who see every row


def assessment_visible(actor: Actor) -> bool:
    """Desk, leaders, department heads and liaisons (see the module docstring)."""
    return actor.is_zone_wide or actor.role == Role.DEPT_HEAD or actor.is_liaison


def assessment_access(actor: Actor) -> None:
    """NotFound for the roles that may not see the assessment; called before anything else, so
    a bad parameter from them is a 404 too, never a 422 that confirms the endpoint."""
    if not assessment_visible(actor):
        raise NotFound("not found")


def assessment_weights() -> Weights:
    return Weights.of(settings.ASSESS_WEIGHTS, settings.ASSESS_BASIC_WEIGHT)


class _Source:
    """The rollup for a big period whose months were all counted today, else live (see
    `models.py`); decided once per report."""

    def __init__(self, period: Period, today: date) -> None:
        self.period, self.today, self.months = period, today, period.months
        fresh = rollup_fresh(months=self.months, today=today) if self.months else None
        big = fresh is not None and fresh.cases >= LIVE_MAX_CASES
        self.computed_at = fresh.computed_at if fresh is not None and big else None

    def grouping(self, by: str, only: int | None = None) -> Grouping:
        if self.computed_at is not None and self.months:
            return rollup(by=by, months=self.months, only=only)
        return live(by=by, period=self.period, today=self.today, only=only)


def _department_rows(source: _Source, weights: Weights) -> list[tuple[int, Row]]:
    """Every active department (a quiet one has a row of zeros and dashes), and any retired
    department that still led cases in the period; (department id, row) in the zone's order."""
    found = groups(source.grouping(Dimension.DEPARTMENT))
    rows = []
    for dept in Department.objects.order_by("sort", "code").only("id", "code", "name", "active"):
        group = found.get(dept.pk)
        if group is None and not dept.active:
            continue
        counts = group.counts if group else Counts()
        rows.append((dept.pk, Row(key=dept.code, name=dept.name, counts=counts, scores=scores(counts, weights))))
    return rows


def _liaison_rows(
    source: _Source, weights: Weights, actor: Actor, *, min_cases: int, limit: int, offset: int
) -> tuple[int, list[Row]]:
    """(all rows, this page). Everyone's rows are ordered and cut in the database
    (`tallies.ordered_page`); a liaison's own row is one small query."""
    if actor.is_zone_wide:
        grouping = source.grouping(Dimension.LIAISON)
        count, page = ordered_page(grouping, weights=weights, min_cases=min_cases, limit=limit, offset=offset)
    else:
        user = actor.user
        mine = list(groups(source.grouping(Dimension.LIAISON, only=actor.id)).values())
        page = mine or [Group(user.pk, Counts(), user.username, user.display_name)]  # no case: a row of dashes
        count, page = 1, page[offset : offset + limit]
    rows = [
        Row(key=g.username, name=g.display_name or g.username, counts=g.counts, scores=scores(g.counts, weights))
        for g in page
    ]
    return count, rows


def _names_only(b: Board) -> Board:
    strip = [[replace(p, composite=None, valid=None) for p in part] for part in (b.red, b.black, b.unranked)]
    return Board(red=strip[0], black=strip[1], unranked=strip[2])


def _zone(departments: list[tuple[int, Row]], weights: Weights) -> Row:
    counts = sum((row.counts for _, row in departments), Counts())
    return Row(key="", name="", counts=counts, scores=scores(counts, weights))


def assessment_report(
    *, actor: Actor, period: Period, by: str = Dimension.DEPARTMENT, limit: int = MAX_ROWS, offset: int = 0
) -> Report:
    """§2.2 考核 over the cases filed in `period`: a page of rows per `by` (department | liaison)
    and the departments' 红黑榜; NotFound for roles that may not see it. A fixed number of
    queries (3 by department, 5 by liaison), whatever the number of cases or groups."""
    assessment_access(actor)
    if by not in Dimension.values:
        raise RuleViolation(
            f"by must be department or liaison, not {by!r}", code=AssessmentErrorCode.BAD_BY, data={"field": "by"}
        )
    limit, offset = max(1, min(limit, MAX_ROWS)), max(0, offset)
    weights, min_cases = assessment_weights(), int(settings.ASSESS_MIN_CASES)
    source = _Source(period, timezone.localdate())
    departments = _department_rows(source, weights)
    ranking = board((row for _, row in departments), min_cases=min_cases)
    if by == Dimension.DEPARTMENT:
        mine = actor.department_id if actor.role == Role.DEPT_HEAD else None
        seen = order((row for dept_id, row in departments if actor.is_zone_wide or dept_id == mine), min_cases)
        count, rows = len(seen), seen[offset : offset + limit]
    elif actor.is_zone_wide or actor.is_liaison:
        count, rows = _liaison_rows(source, weights, actor, min_cases=min_cases, limit=limit, offset=offset)
    else:
        count, rows = 0, []
    return Report(
        period=period,
        by=by,
        weights=weights,
        min_cases=min_cases,
        count=count,
        rows=rows,
        board=ranking if actor.is_zone_wide else _names_only(ranking),
        computed_at=source.computed_at,
        full=actor.is_zone_wide,
        zone=_zone(departments, weights) if actor.is_zone_wide else None,
    )


@dataclass(frozen=True)
class Standing:
    """One department in one period: its own row and where it stands among the ranked departments."""

    period: Period
    row: Row
    rank: int | None  # 1 = best; None: too few valid cases to be ranked (or no composite)
    ranked: int  # departments ranked in the period
    board: str  # "red" | "black" | "" — on the 红榜 or 黑榜 of the period


def department_standing(*, actor: Actor, periods: list[Period]) -> list[Standing]:
    """§2.2 考核 for a department head's home: the head's own department, period by period (the
    same counts and rates as `assessment_report`), and its place on the zone's ranking. Only a
    department head of a department (NotFound otherwise, as for the report); 3 queries a period."""
    if actor.role != Role.DEPT_HEAD or actor.department_id is None:
        raise NotFound("not found")
    weights, min_cases, today = assessment_weights(), int(settings.ASSESS_MIN_CASES), timezone.localdate()
    out = []
    for period in periods:
        departments = _department_rows(_Source(period, today), weights)
        own = next((row for dept_id, row in departments if dept_id == actor.department_id), None)
        if own is None:  # a retired department with no case: a row of dashes
            own = Row(key="", name="", counts=Counts(), scores=scores(Counts(), weights))
        ranking = board((row for _, row in departments), min_cases=min_cases)
        placed = [r for r in order((row for _, row in departments), min_cases) if r.counts.valid >= min_cases]
        placed = [r for r in placed if r.scores.composite is not None]
        rank = next((i for i, r in enumerate(placed, start=1) if r.key == own.key and own.key), None)
        side = "red" if any(p.key == own.key for p in ranking.red) else ""
        side = side or ("black" if any(p.key == own.key for p in ranking.black) else "")
        out.append(Standing(period=period, row=own, rank=rank, ranked=len(placed), board=side if own.key else ""))
    return out
