"""无事不扰: the disturbance ledger and the monthly budget (PRODUCT.md §2.4).

Every contact with an enterprise (visit, inspection, meeting invitation, event) by any department is
one `Contact` row, counted in its Asia/Shanghai calendar month; contacts the enterprise asked for
are recorded but not counted. `ContactMonth` keeps the per-month sums so the budget check and the
desk's "most contacted" list read a handful of indexed rows.

Meetings call `contact_record` for each invited enterprise; visits call it from `visit_log`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from qifu.enterprises.models import Enterprise
from qifu.visits.models import Contact, ContactKind, ContactMonth, QuietPeriod, ServicePreference


def month_of(day: date) -> date:
    return day.replace(day=1)


def default_budget() -> int:
    return int(getattr(settings, "VISIT_BUDGET", 2))


@dataclass(frozen=True)
class BudgetStatus:
    used: int  # counted contacts in the month
    budget: int
    over: bool  # the budget is used up: one more counted contact needs a written reason
    quiet: QuietPeriod | None  # the quiet period covering the day, if any

    @property
    def left(self) -> int:
        return max(self.budget - self.used, 0)


def budget_of(enterprise: Enterprise | int) -> int:
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.pk
    value = (
        ServicePreference.objects.filter(enterprise_id=enterprise_id).values_list("monthly_budget", flat=True).first()
    )
    return default_budget() if value is None else int(value)


def quiet_period_on(enterprise: Enterprise | int, on: date) -> QuietPeriod | None:
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.pk
    return (
        QuietPeriod.objects.filter(enterprise_id=enterprise_id, starts_on__lte=on, ends_on__gte=on)
        .order_by("starts_on")
        .first()
    )


def contacts_used(enterprise: Enterprise | int, month: date) -> int:
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.pk
    value = ContactMonth.objects.filter(enterprise_id=enterprise_id, month=month).values_list("counted", flat=True)
    return int(value.first() or 0)


def budget_status(enterprise: Enterprise, on: date) -> BudgetStatus:
    """The enterprise's budget for the month of `on`: used (requested contacts excluded), the budget
    (its own or the zone default), whether it is used up, and the quiet period covering `on`."""
    used = contacts_used(enterprise, month_of(on))
    budget = budget_of(enterprise)
    return BudgetStatus(used=used, budget=budget, over=used >= budget, quiet=quiet_period_on(enterprise, on))


def contact_record(
    *,
    enterprise: Enterprise | int,
    on: date,
    kind: str,
    source: str,
    source_id: int,
    requested: bool = False,
) -> Contact:
    """Record one contact; idempotent on (source, source_id, enterprise): a repeat returns the row
    already there and changes nothing. Runs in the caller's transaction (or its own)."""
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.pk
    if kind not in ContactKind.values:
        raise ValueError(f"unknown contact kind {kind!r}")
    existing = Contact.objects.filter(source=source, source_id=source_id, enterprise_id=enterprise_id).first()
    if existing is not None:
        return existing
    month = month_of(on)
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                enterprise_id=enterprise_id,
                on=on,
                month=month,
                kind=kind,
                source=source,
                source_id=source_id,
                requested=requested,
                counted=not requested,
            )
            _bump(enterprise_id, month, counted=contact.counted)
    except IntegrityError:  # a concurrent record of the same contact won
        return Contact.objects.get(source=source, source_id=source_id, enterprise_id=enterprise_id)
    return contact


def _bump(enterprise_id: int, month: date, *, counted: bool, by: int = 1) -> None:
    step = by if counted else 0
    updated = ContactMonth.objects.filter(enterprise_id=enterprise_id, month=month).update(
        total=F("total") + by, counted=F("counted") + step
    )
    if not updated:
        ContactMonth.objects.create(enterprise_id=enterprise_id, month=month, total=by, counted=step)


def contact_remove(*, source: str, source_id: int, enterprise: Enterprise | int) -> bool:
    """Take a contact back (e.g. a meeting invitation withdrawn). True if there was one."""
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.pk
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update()
            .filter(source=source, source_id=source_id, enterprise_id=enterprise_id)
            .first()
        )
        if contact is None:
            return False
        contact.delete()
        _bump(enterprise_id, contact.month, counted=contact.counted, by=-1)
    return True


def contact_months_rebuild(month: date | None = None) -> int:
    """Recompute ContactMonth from Contact (all months, or one) in one INSERT … SELECT (millions of
    contacts at city scale). Returns the rows written."""
    contact, rollup = Contact._meta.db_table, ContactMonth._meta.db_table
    where, params = ("WHERE month = %s", [month.isoformat()]) if month is not None else ("", [])
    with transaction.atomic():
        old = ContactMonth.objects.all() if month is None else ContactMonth.objects.filter(month=month)
        old.delete()
        with connection.cursor() as cursor:
            # table names from the models; the month is a bound parameter
            cursor.execute(
                f"INSERT INTO {rollup} (enterprise_id, month, total, counted) "  # noqa: S608
                f"SELECT enterprise_id, month, COUNT(*), SUM(CASE WHEN counted THEN 1 ELSE 0 END) "
                f"FROM {contact} {where} GROUP BY enterprise_id, month",
                params,
            )
            return int(cursor.rowcount)


QUIET_RELEASE_AT = time(8, 0)  # held messages go out at 08:00 the day after the quiet period


def quiet_release(users: Iterable[Any], now: datetime) -> dict[int, datetime]:
    """无事不扰 for messages: the enterprise users among `users` whose enterprise is in a quiet
    period today, each with the time their non-urgent deliveries may go out (08:00 Asia/Shanghai
    the day after the period). Used by qifu.notify when it queues deliveries; one query, and
    none when no enterprise user is among the recipients."""
    by_enterprise: dict[int, list[int]] = {}
    for user in users:
        if getattr(user, "role", "") == "enterprise" and getattr(user, "enterprise_id", None):
            by_enterprise.setdefault(int(user.enterprise_id), []).append(int(user.pk))
    if not by_enterprise:
        return {}
    today = timezone.localdate(now)
    ends = (
        QuietPeriod.objects.filter(enterprise_id__in=list(by_enterprise), starts_on__lte=today, ends_on__gte=today)
        .values("enterprise_id")
        .annotate(last=Max("ends_on"))
    )
    tz = timezone.get_current_timezone()
    held: dict[int, datetime] = {}
    for row in ends:
        release = datetime.combine(row["last"] + timedelta(days=1), QUIET_RELEASE_AT, tzinfo=tz)
        for user_id in by_enterprise[row["enterprise_id"]]:
            held[user_id] = release
    return held
