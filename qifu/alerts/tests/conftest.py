"""Fixtures of the alert tests: state set up through the product's services (indicators, lists,
milestones, thresholds), small — the cast's three enterprises and a fourth without a liaison."""

from datetime import date
from decimal import Decimal

import pytest

from qifu.alerts.services import AlarmRuleInput, alarm_rules_set
from qifu.conftest import Cast, _enterprise
from qifu.enterprises.models import Enterprise
from qifu.indicators.services import IndicatorInput, indicator_rows_check, indicator_rows_write

M = date(2026, 9, 1)  # the latest indicator month of these tests
LAST_YEAR = date(2025, 9, 1)
TODAY = date(2026, 10, 12)  # a Monday: the scans of these tests run "on" it


def write_indicators(cast: Cast, rows: list[tuple[Enterprise, date, dict[str, int]]]) -> None:
    """Monthly figures through the indicator services (derived figures recomputed)."""
    desk = cast.actor(cast.desk)
    inputs = [
        IndicatorInput(uscc=e.uscc, month=m, values={k: Decimal(v) for k, v in values.items()}) for e, m, values in rows
    ]
    checked = indicator_rows_check(actor=desk, rows=inputs)
    assert not checked.faults
    indicator_rows_write(actor=desk, checked=checked, source="api")


def set_rules(cast: Cast, *rules: tuple[str, str, str]) -> None:
    alarm_rules_set(actor=cast.actor(cast.desk), rules=[AlarmRuleInput(f, c, Decimal(t), True) for f, c, t in rules])


@pytest.fixture
def orphan(cast: Cast) -> Enterprise:
    """An enterprise nobody is linked to (its alerts wait on the desk)."""
    return _enterprise(cast.actor(cast.desk), 1004, "昆山丁新材料有限公司", "光电产业园", "C2929")


@pytest.fixture
def revenue_world(cast: Cast, orphan: Enterprise) -> Cast:
    """Revenue yoy in M: A exactly -30%, B revenue missing (electricity only), C -29.9%, the orphan -50%."""
    write_indicators(
        cast,
        [
            (cast.a, LAST_YEAR, {"revenue": 100}),
            (cast.a, M, {"revenue": 70}),
            (cast.b, LAST_YEAR, {"revenue": 100}),
            (cast.b, M, {"electricity": 10}),
            (cast.c, LAST_YEAR, {"revenue": 1000}),
            (cast.c, M, {"revenue": 701}),
            (orphan, LAST_YEAR, {"revenue": 100}),
            (orphan, M, {"revenue": 50}),
        ],
    )
    return cast
