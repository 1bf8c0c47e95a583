"""走访覆盖率: visited linked enterprises ÷ linked enterprises, per liaison, department and month.

Rules
- A liaison's denominator for a month: every enterprise linked to them at some time in the month
  (a Linkage, enterprise-level or for one of its projects, overlapping the month).
- A visit counts for whoever was linked to the enterprise on the visit date (Asia/Shanghai): a
  liaison who handed the enterprise over mid-month keeps it in the denominator, but only the one
  linked on the visit date gets the credit.
- A link is open on day d when `started_on <= d` and (`ended_on` is empty or `ended_on > d`): the
  hand-over day belongs to the new liaison (linkage_end and the reassignment both use "today").
- A department's coverage is the sum over its liaisons (pairs liaison × enterprise).

Rollups (so no page scans millions of visits):
- `CoverageCell` (month, liaison, enterprise): linked in the month, credited or not;
- `CoverageTotal` (month, liaison): the counts of its cells.
`coverage_credit` maintains both in the visit's transaction; `coverage_rebuild(month)` recomputes a
month from Linkage and Visit (the nightly task, the seed, and the first read of a month with no rows).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qifu.accounts.models import User
from qifu.linkage.models import Linkage
from qifu.visits.models import CoverageCell, CoverageTotal, Visit


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    """The last day of the month starting on `month`."""
    nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def next_month(month: date) -> date:
    return month_end(month) + timedelta(days=1)


def links_in_month(month: date) -> "QuerySet[Linkage]":
    """Links open at some day of the month."""
    return Linkage.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=month), started_on__lte=month_end(month))


def links_on(day: date) -> "QuerySet[Linkage]":
    """Links open on `day` (the hand-over day belongs to the new link)."""
    return Linkage.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)


def linked_on(enterprise_id: int, day: date) -> set[int]:
    """The liaisons linked to the enterprise (or one of its projects) on `day`."""
    return set(links_on(day).filter(enterprise_id=enterprise_id).values_list("liaison_id", flat=True))


def _departments(user_ids: Iterable[int]) -> dict[int, int | None]:
    return dict(User.objects.filter(pk__in=set(user_ids)).values_list("pk", "department_id"))


def _liaison_total(liaison_id: int, month: date, department_id: int | None) -> None:
    sums = CoverageCell.objects.filter(month=month, liaison_id=liaison_id).aggregate(
        linked=Count("id"), visited=Count("id", filter=Q(visited_on__isnull=False))
    )
    CoverageTotal.objects.update_or_create(
        month=month,
        liaison_id=liaison_id,
        defaults={"linked": sums["linked"], "visited": sums["visited"], "department_id": department_id},
    )


def _ensure_cells(liaison_id: int, month: date, department_id: int | None) -> None:
    """The liaison's cells for every enterprise linked to them in the month (insert the missing)."""
    enterprise_ids = set(links_in_month(month).filter(liaison_id=liaison_id).values_list("enterprise_id", flat=True))
    have = set(CoverageCell.objects.filter(month=month, liaison_id=liaison_id).values_list("enterprise_id", flat=True))
    CoverageCell.objects.bulk_create(
        [
            CoverageCell(month=month, liaison_id=liaison_id, enterprise_id=e, department_id=department_id)
            for e in sorted(enterprise_ids - have)
        ],
        ignore_conflicts=True,
    )


def coverage_credit(*, enterprise_id: int, day: date) -> list[int]:
    """A visit on `day`: credit every liaison linked to the enterprise that day. Runs in the visit's
    transaction. Returns the credited liaison ids."""
    month = month_start(day)
    liaisons = sorted(linked_on(enterprise_id, day))
    if not CoverageTotal.objects.filter(month=month).exists():
        coverage_rebuild(month)  # the month's first visit: build it whole (this visit is already saved)
        return liaisons
    departments = _departments(liaisons)
    for liaison_id in liaisons:
        department_id = departments.get(liaison_id)
        _ensure_cells(liaison_id, month, department_id)
        cell = CoverageCell.objects.select_for_update().get(
            month=month, liaison_id=liaison_id, enterprise_id=enterprise_id
        )
        cell.visits += 1
        if cell.visited_on is None or day < cell.visited_on:
            cell.visited_on = day
        cell.save(update_fields=["visits", "visited_on"])
        _liaison_total(liaison_id, month, department_id)
    return liaisons


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month as a half-open UTC range [start, end) of Asia/Shanghai days."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(month_start(month), time.min, tzinfo=tz)
    end = datetime.combine(next_month(month_start(month)), time.min, tzinfo=tz)
    return start, end


def coverage_rebuild(month: date, *, batch_size: int = 5000) -> int:
    """Recompute the month's cells and totals from Linkage and Visit. Returns the number of cells."""
    month = month_start(month)
    links = list(links_in_month(month).values_list("liaison_id", "enterprise_id", "started_on", "ended_on"))
    departments = _departments(liaison for liaison, *_ in links)
    by_enterprise: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    cells: dict[tuple[int, int], CoverageCell] = {}
    for liaison_id, enterprise_id, started, ended in links:
        by_enterprise[enterprise_id].append((liaison_id, started, ended))
        if (liaison_id, enterprise_id) not in cells:
            cells[(liaison_id, enterprise_id)] = CoverageCell(
                month=month,
                liaison_id=liaison_id,
                enterprise_id=enterprise_id,
                department_id=departments.get(liaison_id),
            )
    start_at, end_at = month_bounds(month)
    visits = Visit.objects.filter(visited_at__gte=start_at, visited_at__lt=end_at).values_list(
        "enterprise_id", "visited_at"
    )
    for enterprise_id, visited_at in visits.iterator(chunk_size=batch_size):
        day = timezone.localdate(visited_at)
        credited: set[int] = set()
        for liaison_id, started, ended in by_enterprise.get(enterprise_id, ()):
            if started <= day and (ended is None or ended > day) and liaison_id not in credited:
                credited.add(liaison_id)
                cell = cells[(liaison_id, enterprise_id)]
                cell.visits += 1
                if cell.visited_on is None or day < cell.visited_on:
                    cell.visited_on = day
    totals: dict[int, CoverageTotal] = {}
    for (liaison_id, _enterprise_id), cell in cells.items():
        total = totals.get(liaison_id)
        if total is None:
            total = totals[liaison_id] = CoverageTotal(
                month=month, liaison_id=liaison_id, department_id=departments.get(liaison_id)
            )
        total.linked += 1
        total.visited += cell.visited_on is not None
    with transaction.atomic():
        CoverageCell.objects.filter(month=month).delete()
        CoverageTotal.objects.filter(month=month).delete()
        CoverageCell.objects.bulk_create(cells.values(), batch_size=batch_size)
        CoverageTotal.objects.bulk_create(totals.values(), batch_size=batch_size)
    return len(cells)


def coverage_ensure(month: date) -> None:
    """A month nobody has computed yet (no totals at all) is built on first read."""
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        return
    if not CoverageTotal.objects.filter(month=month).exists():
        coverage_rebuild(month)
