"""Counting the assessment: live from `cases.Case`, or from the monthly rollup (models.py says why).

Both ways give `{group id: Counts}` (a department id or a liaison's user id), so the rates are
computed by one function whatever the source. A live count is one GROUP BY over the period's
cases along the `submitted_at` indexes of `Case`, with conditional counts (`COUNT … FILTER`);
a rollup read is one SUM … GROUP BY over at most one row per group and month.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import Count, F, Func, OrderBy, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from qifu.assessment.metrics import COUNT_FIELDS, RATE_SCALE, Counts, Weights
from qifu.assessment.models import AssessmentMonth, AssessmentTally, Dimension
from qifu.assessment.periods import Period, month_of
from qifu.cases.models import OPEN_STATES, Case, CaseState, Satisfaction, Solved

WINDOW_MONTHS = 13  # the rollup covers the current month and the 12 before it

KEY_FIELD = {Dimension.DEPARTMENT: "lead_department_id", Dimension.LIAISON: "liaison_id"}
TALLY_KEY = {Dimension.DEPARTMENT: "department_id", Dimension.LIAISON: "liaison_id"}


def _aggregates(today: date) -> dict[str, Func]:
    """One conditional count per `Counts` field (annotated as `n_<field>`: several field names,
    e.g. `solved`, are also columns of Case); `today` decides which open cases are late."""
    valid = Q(rated_at__isnull=False)
    resolved = Q(resolved_on_time__isnull=False)
    counts: dict[str, Func] = {
        "total": Count("pk"),
        "valid": Count("pk", filter=valid),
        "responded": Count("pk", filter=valid & Q(responded_on_time=True)),
        "solved": Count("pk", filter=valid & Q(solved=Solved.SOLVED)),
        "satisfied": Count("pk", filter=valid & Q(satisfaction=Satisfaction.SATISFIED)),
        "basic": Count("pk", filter=valid & Q(satisfaction=Satisfaction.BASIC)),
        "signed": Count("signed_on_time"),
        "signed_on_time": Count("pk", filter=Q(signed_on_time=True)),
        "resolved": Count("pk", filter=resolved),
        "resolved_on_time": Count("pk", filter=Q(resolved_on_time=True)),
        "open_late": Count("pk", filter=Q(state__in=OPEN_STATES, resolve_by__lt=today, paused=False)),
        "dispatched": Count("dispatched_at"),
        "returned": Count("pk", filter=Q(return_count__gt=0)),
        "finished": Count("pk", filter=Q(state__in=(CaseState.RESOLVED, CaseState.CLOSED)) | Q(reopen_count__gt=0)),
        "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
        "handled": Count("handling_days", filter=resolved),
        "handling_days": Coalesce(Sum("handling_days", filter=resolved), 0),
    }
    return {f"n_{name}": counts[name] for name in COUNT_FIELDS}


@dataclass(frozen=True)
class Group:
    """A group's counts; for liaisons also the username and display name (joined in the same query)."""

    id: int
    counts: Counts
    username: str = ""
    display_name: str = ""


def _names(by: str) -> tuple[str, ...]:
    return ("liaison__username", "liaison__display_name") if by == Dimension.LIAISON else ()


AGGREGATED = tuple(f"n_{name}" for name in COUNT_FIELDS)


Grouped = QuerySet[Any, dict[str, Any]]


@dataclass(frozen=True)
class Grouping:
    """A grouped query (one row per department or liaison, counts as `n_<field>`), not yet run."""

    qs: Grouped
    key: str
    by: str


def live(*, by: str, period: Period, today: date, only: int | None = None) -> Grouping:
    """Count the cases filed in the period, grouped by lead department or by liaison; `only`
    narrows to one group (a liaison reading their own row uses the (liaison, submitted_at) index)."""
    start, end = period.bounds()
    key = KEY_FIELD[Dimension(by)]
    qs = Case.objects.filter(submitted_at__gte=start, submitted_at__lt=end, **{f"{key}__isnull": False})
    if only is not None:
        qs = qs.filter(**{key: only})
    return Grouping(qs.order_by().values(key, *_names(by)).annotate(**_aggregates(today)), key, by)


def rollup(*, by: str, months: Sequence[date], only: int | None = None) -> Grouping:
    """The same counts summed from the rollup rows of whole months."""
    key = TALLY_KEY[Dimension(by)]
    qs = AssessmentTally.objects.filter(month__in=months, dimension=by)
    if only is not None:
        qs = qs.filter(**{key: only})
    sums = {f"n_{name}": Sum(name) for name in COUNT_FIELDS}
    return Grouping(qs.order_by().values(key, *_names(by)).annotate(**sums), key, by)


def _run(qs: Grouped, g: Grouping) -> list[Group]:
    """The ORM builds the query; the rows are read straight from the cursor, as plain tuples:
    the ORM's per-value converters would cost more than the query itself for thousands of
    liaison rows. Every column is an integer or text in any backend."""
    names = _names(g.by)
    width = 1 + len(names)
    sql, params = qs.values_list(g.key, *names, *AGGREGATED).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [Group(row[0], Counts(*row[width:]), *row[1:width]) for row in rows]


def groups(g: Grouping) -> dict[int, Group]:
    return {group.id: group for group in _run(g.qs, g)}


def _ordering(g: Grouping, weights: Weights, min_cases: int) -> list[OrderBy]:
    """`metrics.order_key` in SQL: at least `min_cases` valid first, then the composite rounded
    half-up to 4 places by the same integer formula as `metrics._rate` (so ties fall alike),
    more valid cases, the key. The composite's denominator is guarded: no division by zero."""
    _, _, r, s, t, u, d = weights.integers
    valid = F("n_valid")
    numerator = r * F("n_responded") + s * F("n_solved") + t * F("n_satisfied") + u * F("n_basic")
    units = (2 * numerator * RATE_SCALE + d * valid) / (2 * d * valid)
    zero = When(n_valid=0, then=Value(1))
    return [
        SqlCase(When(n_valid__lt=min_cases, then=Value(1)), default=Value(0)).asc(),
        SqlCase(zero, default=Value(0)).asc(),
        SqlCase(When(n_valid=0, then=Value(0)), default=units).desc(),
        valid.desc(),
        F("liaison__username" if g.by == Dimension.LIAISON else g.key).asc(),
    ]


def ordered_page(g: Grouping, *, weights: Weights, min_cases: int, limit: int, offset: int) -> tuple[int, list[Group]]:
    """(all groups, one page of them in `metrics.order_key` order), sorted and cut in SQL: a
    city's 5,000 liaisons never leave the database, only the page does."""
    page = g.qs.order_by(*_ordering(g, weights, min_cases))[offset : offset + limit]
    return g.qs.count(), _run(page, g)


@dataclass(frozen=True)
class Fresh:
    computed_at: datetime  # the oldest count of the period's months
    cases: int  # cases filed in those months when they were counted


def rollup_fresh(*, months: Sequence[date], today: date) -> Fresh | None:
    """When every month of the period was counted today: when, and how many cases; else None."""
    stamps = list(AssessmentMonth.objects.filter(month__in=months, as_of=today).values_list("computed_at", "cases"))
    if not stamps or len(stamps) != len(months):
        return None
    return Fresh(computed_at=min(at for at, _ in stamps), cases=sum(n for _, n in stamps))


# ---------------------------------------------------------------------------------------------
# Refreshing the rollup (the Huey jobs and `qifu assessment refresh`)


def window(today: date, size: int = WINDOW_MONTHS) -> list[date]:
    """The first days of the `size` months up to and including today's, newest first."""
    firsts, day = [], today.replace(day=1)
    for _ in range(size):
        firsts.append(day)
        day = (day - timedelta(days=1)).replace(day=1)
    return firsts


@dataclass(frozen=True)
class RefreshResult:
    today: date
    months: list[date]
    rows: int


def assessment_refresh(
    *, months: Sequence[date] | None = None, now: datetime | None = None, stale_only: bool = False
) -> RefreshResult:
    """Recount the rollup of each month (default: the window of 13 months). Idempotent: a month's
    rows are replaced in one transaction. The counting runs before the transaction, so SQLite's
    write lock is held only for the short delete and insert. `stale_only` skips months already
    counted today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    wanted = [m.replace(day=1) for m in (months if months is not None else window(today))]
    if stale_only:
        done = set(AssessmentMonth.objects.filter(month__in=wanted, as_of=today).values_list("month", flat=True))
        wanted = [m for m in wanted if m not in done]
    total = 0
    for first in wanted:
        period = month_of(first)
        start, end = period.bounds()
        cases = Case.objects.filter(submitted_at__gte=start, submitted_at__lt=end).count()
        tallies = [
            AssessmentTally(month=first, dimension=by, **{TALLY_KEY[by]: group.id}, **vars(group.counts))
            for by in Dimension
            for group in groups(live(by=by, period=period, today=today)).values()
        ]
        with transaction.atomic():
            AssessmentMonth.objects.select_for_update().filter(month=first).first()  # one writer per month
            AssessmentTally.objects.filter(month=first).delete()
            AssessmentTally.objects.bulk_create(tallies, batch_size=1000)
            stamp = {"as_of": today, "computed_at": now, "cases": cases}
            AssessmentMonth.objects.update_or_create(month=first, defaults=stamp)
        total += len(tallies)
    return RefreshResult(today=today, months=wanted, rows=total)
