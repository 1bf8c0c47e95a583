"""Fixtures of the service-list tests: indicators written through the product's services."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from qifu.conftest import Cast
from qifu.enterprises.models import Enterprise
from qifu.indicators.services import IndicatorInput, indicator_rows_check, indicator_rows_write
from qifu.reference.models import ServiceList
from qifu.servicelists.services import RuleInput, list_rule_set

M = date(2026, 9, 1)  # the month evaluated (in the past, whatever the clock)
M1 = date(2026, 8, 1)


def write_revenue(cast: Cast, rows: list[tuple[Enterprise, date, int]]) -> None:
    """Monthly revenue (万元) through the indicator services (derived figures recomputed)."""
    desk = cast.actor(cast.desk)
    inputs = [IndicatorInput(uscc=e.uscc, month=m, values={"revenue": Decimal(v)}) for e, m, v in rows]
    checked = indicator_rows_check(actor=desk, rows=inputs)
    assert not checked.faults
    indicator_rows_write(actor=desk, checked=checked, source="api")


def set_rule(cast: Cast, code: str, conditions: object, months: int = 1, active: bool = True) -> None:
    list_rule_set(
        actor=cast.actor(cast.desk),
        service_list=ServiceList.objects.get(code=code),
        data=RuleInput(
            conditions=conditions,
            months=months,
            active=active,
            visit_interval_days=15,
            notify_liaison=True,
            notify_department=True,
            notify_leaders=False,
            strategy="半月内上门",
        ),
    )


DECLINING = {"field": "revenue_yoy", "op": "le", "value": -0.2}


@pytest.fixture
def declining_world(cast: Cast) -> Callable[[int], Cast]:
    """A down 50% in M only; B down 30% in M−1 and 40% in M; C flat (no members among those)."""

    def build(months: int) -> Cast:
        write_revenue(
            cast,
            [
                *((e, m, 100) for e in (cast.a, cast.b, cast.c) for m in (date(2025, 8, 1), date(2025, 9, 1))),
                (cast.a, M1, 100),
                (cast.a, M, 50),
                (cast.b, M1, 70),
                (cast.b, M, 60),
                (cast.c, M1, 100),
                (cast.c, M, 100),
            ],
        )
        set_rule(cast, "declining", DECLINING, months=months)
        return cast

    return build
