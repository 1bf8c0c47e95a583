"""The cube is kept correct on every write: after each step of a random run of lifecycle actions
(file, accept, dispatch, sign, resolve, rate dissatisfied → reopen, close, withdraw, supervise,
the deadline job marking overdue) the cube equals a GROUP BY recount of the cases."""

import random
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qifu.access.actor import Actor
from qifu.cases.models import Case, CaseState
from qifu.cases.services import CaseData, case_act, case_file
from qifu.cases.sla import sla_run
from qifu.cockpit.cube import cube_counts, cube_rebuild, cube_recount
from qifu.cockpit.models import CaseCube, CommonCube
from qifu.conftest import Cast
from qifu.core.errors import QifuError

from .conftest import at, cube_ok

pytestmark = pytest.mark.django_db

CATEGORIES = ("utilities", "talent", "financing", "")


def _file(cast: Cast, rng: random.Random, when: datetime) -> Case:
    user, enterprise = rng.choice([(cast.ent_a, cast.a), (cast.ent_b, cast.b), (cast.desk, cast.c)])
    data = CaseData(text="我司需要协调解决用电增容和人才公寓问题。", category=rng.choice(CATEGORIES))
    return case_file(actor=Actor.of(user), enterprise=enterprise, data=data, now=when)


def _step(cast: Cast, rng: random.Random, case: Case, when: datetime) -> str:
    """One action that the case's state allows, by someone who may take it; its name."""
    handler = cast.jfj_handler if case.lead_department and case.lead_department.code == "JFJ" else cast.kjj_handler
    enterprise_user = {cast.a.pk: cast.ent_a, cast.b.pk: cast.ent_b}.get(case.enterprise_id)
    moves: list[tuple[str, Any, dict[str, Any]]] = []
    state = case.state
    if state == CaseState.SUBMITTED:
        moves.append(("accept", cast.desk, {"is_common": rng.random() < 0.5, "category": rng.choice(CATEGORIES)}))
    if state == CaseState.ACCEPTED:
        moves.append(("dispatch", cast.desk, {"lead": rng.choice(["JFJ", "KJJ"])}))
    if state == CaseState.DISPATCHED:
        moves.append(("sign", handler, {}))
    if state == CaseState.IN_PROGRESS:
        moves.append(("resolve", handler, {"answer": "已协调解决。"}))
    if state == CaseState.RESOLVED:
        moves.append(("rate", cast.desk, {"solved": "not_solved", "satisfaction": "dissatisfied"}))
        moves.append(("rate", cast.desk, {"solved": "not_solved", "satisfaction": "dissatisfied"}))
        moves.append(("rate", cast.desk, {"solved": "solved", "satisfaction": "satisfied"}))
        moves.append(("close", cast.desk, {}))
    side = rng.random()  # now and then a side move instead of the next step
    if case.is_open and side < 0.1:
        moves = [("supervise", rng.choice([cast.desk, cast.leader]), {"note": "请加快办理。"})]
    elif case.is_open and side < 0.15:
        moves = [("message", cast.desk, {"text": "请补充说明。"})]
    elif case.is_open and side < 0.22 and enterprise_user is not None:
        moves = [("withdraw", enterprise_user, {"reason": "已自行解决"})]
    if not moves:
        return ""
    action, user, payload = rng.choice(moves)
    case_act(actor=Actor.of(user), case_id=case.pk, action=action, payload=payload, now=when)
    return "reopen" if payload.get("satisfaction") == "dissatisfied" else action


@pytest.mark.parametrize("seed", [1, 2, 4, 5])
def test_random_lifecycle_keeps_the_cube_exact(cast: Cast, seed: int) -> None:
    rng = random.Random(seed)
    now = at(10, 5, 9)
    cases: list[Case] = []
    done: list[str] = []
    for _ in range(120):
        now += timedelta(hours=rng.choice([1, 5, 20]))
        roll = rng.random()
        if not cases or roll < 0.2:
            cases.append(_file(cast, rng, now))
            done.append("file")
        elif roll < 0.27:
            sla_run(now=now + timedelta(days=rng.choice([3, 20])))  # marks late cases overdue and supervised
            done.append("sla")
        else:
            case = Case.objects.select_related("lead_department").get(pk=rng.choice(cases).pk)
            try:
                done.append(_step(cast, rng, case, now))
            except QifuError:  # a guard refused (e.g. an open info request): nothing was written
                done.append("refused")
        assert cube_counts() == cube_recount(), done
    # the run exercised the moves that matter
    wanted = {"file", "accept", "dispatch", "sign", "resolve", "reopen", "withdraw", "supervise", "sla"}
    assert wanted <= set(done), wanted - set(done)
    assert Case.objects.filter(overdue=True).exists() or Case.objects.filter(supervised=True).exists()


def test_filing_month_is_the_beijing_month(cast: Cast) -> None:
    """Filed at 23:30 on 31 October, Beijing time (15:30 UTC): an October case."""
    case_file(
        actor=Actor.of(cast.ent_a),
        enterprise=cast.a,
        data=CaseData(text="月末最后一刻提出的诉求内容。", category="utilities"),
        now=at(10, 31, 23, 30),
    )
    cube_ok()
    assert list(CaseCube.objects.values_list("month", "state", "n")) == [(date(2026, 10, 1), "submitted", 1)]
    assert list(CommonCube.objects.values_list("month", "industry", "n")) == [
        (date(2026, 10, 1), cast.a.industry[:1].upper(), 1)
    ]


def test_a_reopen_moves_the_unit_back(cast: Cast) -> None:
    from .conftest import handled

    case = handled(cast, accept=at(11, 2, 11), sign=at(11, 3), resolve=at(11, 5))
    assert CaseCube.objects.get(state=CaseState.RESOLVED).n == 1
    case_act(
        actor=Actor.of(cast.ent_a),
        case_id=case.pk,
        action="rate",
        payload={"solved": "not_solved", "satisfaction": "dissatisfied"},
        now=at(11, 6),
    )
    assert dict(CaseCube.objects.values_list("state", "n")) == {
        CaseState.SUBMITTED: 0,
        CaseState.ACCEPTED: 0,
        CaseState.DISPATCHED: 0,
        CaseState.IN_PROGRESS: 1,
        CaseState.RESOLVED: 0,
    }
    cube_ok()


def test_rebuild_and_command_recount_a_damaged_cube(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    from .conftest import filed

    filed(cast, at(11, 2))
    filed(cast, at(9, 2))
    CaseCube.objects.update(n=7)  # damaged
    CaseCube.objects.create(month=date(2020, 1, 1), state="submitted", n=3)
    assert cube_counts() != cube_recount()
    with pytest.raises(CommandError):
        call_command("cockpit", "check")
    assert "差异" in capsys.readouterr().out
    call_command("cockpit", "rebuild")
    cube_ok()
    assert CaseCube.objects.count() == 2
    assert cube_rebuild() == 4  # two months: a row in each cube for each
    call_command("cockpit", "check")
    assert "一致" in capsys.readouterr().out
