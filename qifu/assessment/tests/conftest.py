"""Assessment fixtures: cases driven through the real services on pinned Beijing dates, and plain
Case rows bulk-created where a test needs many (rating, clocks and counts set directly)."""

import itertools
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.cases.models import Case
from qifu.cases.services import CaseData, case_act, case_file
from qifu.conftest import Cast
from qifu.enterprises.models import Enterprise
from qifu.reference.models import Department

BJ = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    """A moment in Beijing time."""
    return datetime(year, month, day, hour, minute, tzinfo=BJ)


def act(cast: Cast, who: str, action: str, case: Case, when: datetime, **payload: Any) -> Case:
    user: User = getattr(cast, who)
    return case_act(actor=Actor.of(user), case_id=case.pk, action=action, payload=payload, now=when)


def filed(cast: Cast, when: datetime) -> Case:
    """A case of enterprise A (liaison_a is its liaison at filing), category utilities (10 days)."""
    data = CaseData(text="我司新厂房需要增容用电，请协调供电公司。", category="utilities")
    return case_file(actor=Actor.of(cast.ent_a), enterprise=cast.a, data=data, now=when)


def handled(
    cast: Cast,
    *,
    accept: datetime,
    sign: datetime,
    resolve: datetime | None = None,
    rate: tuple[str, str] | None = None,
    filed_at: datetime | None = None,
) -> Case:
    """Filed (2 Nov by default), accepted and dispatched to JFJ alone, signed, then optionally
    resolved and rated by the enterprise the day after resolving."""
    case = filed(cast, filed_at or at(11, 2))
    act(cast, "desk", "accept", case, accept)
    act(cast, "desk", "dispatch", case, accept, lead="JFJ")
    case = act(cast, "jfj_handler", "sign", case, sign)
    if resolve is not None:
        case = act(cast, "jfj_handler", "resolve", case, resolve, answer="已协调供电公司增容")
    if rate is not None and resolve is not None:
        when = resolve + timedelta(days=1)
        case = act(cast, "ent_a", "rate", case, when, solved=rate[0], satisfaction=rate[1])
    return case


def bulk_cases(
    *, enterprise: Enterprise, filed_by: User, count: int = 1, submitted_at: datetime | None = None, **fields: Any
) -> list[Case]:
    """Plain rows (no timeline, no audit): for tests that need many cases with chosen counts."""
    when = submitted_at or at(11, 10)
    rows = [
        Case(
            number=f"QF-T-{next(_numbers):07d}",
            enterprise=enterprise,
            filed_by=filed_by,
            title="测试诉求",
            text="测试",
            submitted_at=when,
            last_event_at=when,
            respond_by=date(2026, 11, 11),
            **fields,
        )
        for _ in range(count)
    ]
    return Case.objects.bulk_create(rows)


def rated(dept: Department, cast: Cast, *, solved: int, valid: int, liaison: User | None = None) -> None:
    """`valid` rated cases led by `dept`, `solved` of them 已解决/满意, the rest 未解决/不满意."""
    base: dict[str, Any] = {"lead_department": dept, "liaison": liaison, "rated_at": at(11, 20)}
    base["responded_on_time"] = True
    bulk_cases(enterprise=cast.a, filed_by=cast.ent_a, count=solved, solved="solved", satisfaction="satisfied", **base)
    bulk_cases(
        enterprise=cast.a,
        filed_by=cast.ent_a,
        count=valid - solved,
        solved="not_solved",
        satisfaction="dissatisfied",
        **base,
    )


def cadres(n: int, prefix: str = "cadre") -> list[User]:
    users = [User(username=f"{prefix}{i:04d}", role=Role.CADRE, display_name=f"干部{i}") for i in range(n)]
    return User.objects.bulk_create(users)


@pytest.fixture
def departments(db: None) -> dict[str, Department]:
    return {d.code: d for d in Department.objects.all()}
