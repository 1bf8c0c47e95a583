"""Safety fixtures: the cast plus the work-safety authority (AHJ) and safety visits.

Visits are plain rows here (the visit log's own rules — budget, participants' scope — are the
visits app's tests); the safety services under test are driven for real.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.conftest import Cast, _staff
from qifu.enterprises.models import Enterprise
from qifu.files.scanning import EicarScanner
from qifu.safety.models import Outcome, SafetyCheck, SafetyChecklist
from qifu.safety.selectors import checklist_for
from qifu.safety.services import ResultIn, check_record
from qifu.visits.models import Visit, VisitKind, VisitParticipant

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def files_dir(settings: Any, tmp_path: Path) -> Path:
    """Fix photos go into the test's own directory."""
    path = tmp_path / "files"
    settings.FILES_DIR = path
    settings.FILES_SCANNER = f"{EicarScanner.__module__}.{EicarScanner.__qualname__}"
    return path


@dataclass
class Ahj:
    handler: User
    head: User


@pytest.fixture
def ahj(cast: Cast) -> Ahj:
    return Ahj(
        handler=_staff("ahj_handler", Role.HANDLER, "AHJ", "安监承办"),
        head=_staff("ahj_head", Role.DEPT_HEAD, "AHJ", "安监负责人"),
    )


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=SH)


def given_visit(
    enterprise: Enterprise,
    author: User,
    *,
    others: Sequence[User] = (),
    kind: str = VisitKind.SAFETY,
    when: datetime | None = None,
    recheck_of: Visit | None = None,
) -> Visit:
    visit = Visit.objects.create(
        enterprise=enterprise,
        author=author,
        visited_at=when or at(2026, 11, 20),
        kind=kind,
        recheck_of=recheck_of,
    )
    for user in (author, *others):
        VisitParticipant.objects.create(visit=visit, user=user, department_id=user.department_id, enterprise=enterprise)
    return visit


def default_checklist(enterprise: Enterprise) -> SafetyChecklist:
    checklist = checklist_for(enterprise)
    assert checklist is not None
    return checklist


def answers(
    enterprise: Enterprise, fail: dict[str, int | None] | None = None, na: Sequence[str] = ()
) -> list[ResultIn]:
    """Every active item: pass, except the codes in `fail` (code -> days or None) and `na`."""
    fail = fail or {}
    rows = []
    for item in default_checklist(enterprise).items.filter(active=True):
        if item.code in fail:
            rows.append(ResultIn(item_id=item.pk, outcome=Outcome.FAIL, note="现场发现", days=fail[item.code]))
        elif item.code in na:
            rows.append(ResultIn(item_id=item.pk, outcome=Outcome.NA))
        else:
            rows.append(ResultIn(item_id=item.pk, outcome=Outcome.PASS))
    return rows


def given_check(
    visit: Visit, user: User, fail: dict[str, int | None] | None = None, now: datetime | None = None
) -> SafetyCheck:
    return check_record(actor=Actor.of(user), visit_id=visit.pk, results=answers(visit.enterprise, fail), now=now)
