"""Cockpit fixtures: the assessment's helpers (cases on pinned Beijing dates through the real
services) are reused; `cube_ok` asserts the cube equals a recount of the cases; `november` fills
every section of the cockpit for November 2026 through the real services."""

from dataclasses import dataclass
from datetime import date

import pytest

from qifu.access.actor import Actor
from qifu.assessment.tests.conftest import act, at, filed, handled
from qifu.cases.models import Case
from qifu.cases.sla import sla_run
from qifu.cockpit.cube import cube_counts, cube_recount
from qifu.conftest import Cast
from qifu.linkage.models import Linkage
from qifu.reference.models import ServiceList
from qifu.servicelists.models import Membership
from qifu.visits.services import visit_log

__all__ = ["act", "at", "cube_ok", "filed", "handled"]

NOVEMBER = date(2026, 11, 1)
TODAY = date(2026, 11, 27)
SLA_DAY = date(2026, 11, 18)  # the deadline job's run in `november`


def cube_ok() -> None:
    assert cube_counts() == cube_recount()


@dataclass
class November:
    closed: Case  # JFJ, resolved and rated satisfied: closed
    working: Case  # JFJ, signed, supervised by the leader
    common: Case  # accepted as a common problem, dispatched to KJJ for 2 days: overdue on the 18th
    waiting: Case  # only filed
    october: Case  # filed in October, resolved


@pytest.fixture
def november(cast: Cast) -> November:
    closed = handled(cast, accept=at(11, 2, 11), sign=at(11, 3), resolve=at(11, 5), rate=("solved", "satisfied"))
    working = handled(cast, accept=at(11, 4, 11), sign=at(11, 5), filed_at=at(11, 4))
    act(cast, "leader", "supervise", working, at(11, 6), note="请加快办理。")
    common = filed(cast, at(11, 3))
    act(cast, "desk", "accept", common, at(11, 3, 11), is_common=True, category="talent")
    act(cast, "desk", "dispatch", common, at(11, 3, 12), lead="KJJ", resolve_days=2)
    act(cast, "kjj_handler", "sign", common, at(11, 4))
    waiting = filed(cast, at(11, 20))
    october = handled(cast, accept=at(10, 9, 11), sign=at(10, 10), resolve=at(10, 12), filed_at=at(10, 9))
    sla_run(now=at(SLA_DAY.month, SLA_DAY.day, 9))  # the common case is past its 2 working days: overdue and supervised
    # the cast's links date from the day the tests run: let them start before November
    Linkage.objects.update(started_on=date(2026, 10, 1))
    # a visit by enterprise A's liaison: coverage and the disturbance ledger
    visit_log(
        actor=Actor.of(cast.liaison_a), enterprise=cast.a, visited_at=at(11, 10), kind="routine", now=at(11, 10, 12)
    )
    # the lists' snapshots of October and November
    lists = list(ServiceList.objects.order_by("sort", "code")[:2])
    Membership.objects.create(month=date(2026, 10, 1), service_list=lists[0], enterprise=cast.a)
    Membership.objects.create(month=date(2026, 10, 1), service_list=lists[0], enterprise=cast.b)
    Membership.objects.create(month=NOVEMBER, service_list=lists[0], enterprise=cast.a)
    Membership.objects.create(month=NOVEMBER, service_list=lists[1], enterprise=cast.c)
    for case in (closed, working, common, waiting, october):
        case.refresh_from_db()
    return November(closed=closed, working=working, common=common, waiting=waiting, october=october)
