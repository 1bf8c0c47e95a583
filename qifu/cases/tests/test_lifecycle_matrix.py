"""Every state × every action × every role: allowed or refused (issue 3, must show).

The expectation below is written out by hand from PRODUCT.md §2.2 and issue 3, not derived from
`lifecycle.RULES`, so a wrong rule in the table fails here. Allowed cells run in a savepoint that
is rolled back; refused cells must change nothing.
"""

from typing import Any

import pytest
from django.db import transaction

from qifu.access.actor import Actor
from qifu.cases.lifecycle import ACTIONS
from qifu.cases.models import Case, CaseEvent
from qifu.cases.services import case_act
from qifu.cases.tests.conftest import PATH, drive
from qifu.core.errors import Conflict, NotFound

OPEN = {"submitted", "accepted", "dispatched", "in_progress"}
WORKING = {"dispatched", "in_progress"}
LEAD = {"jfj_handler", "jfj_head"}
ASSIST = {"kjj_handler", "kjj_head"}


def _cells(states: set[str], users: set[str]) -> dict[str, set[str]]:
    return {s: set(users) for s in states}


EXPECTED: dict[str, dict[str, set[str]]] = {
    "accept": {"submitted": {"desk"}},
    "reject": _cells({"submitted", "accepted"}, {"desk"}),
    "answer": _cells({"submitted", "accepted"}, {"desk"}),
    "dispatch": {"accepted": {"desk"}},
    "assign": _cells(WORKING, {"jfj_head"}),
    "sign": {"dispatched": LEAD},
    "return": _cells(WORKING, LEAD),
    "approve_return": _cells(WORKING, {"jfj_head"}),
    "deny_return": _cells(WORKING, {"jfj_head"}),
    "progress": {"in_progress": LEAD},
    "request_info": {"in_progress": LEAD},
    "provide_info": {"in_progress": {"ent_a"}},
    "request_extension": {"in_progress": {"jfj_handler"}},
    "approve_extension": {"in_progress": {"jfj_head"}},
    "deny_extension": {"in_progress": {"jfj_head"}},
    "resolve": {"in_progress": LEAD},
    "rate": {"resolved": {"ent_a", "desk"}},
    "close": {"resolved": {"desk"}},
    "supervise": _cells(OPEN, {"desk", "leader"}),
    "withdraw": _cells(OPEN, {"ent_a"}),
    "message": {
        "submitted": {"ent_a", "liaison_a", "desk", "leader"},
        "accepted": {"ent_a", "liaison_a", "desk", "leader"},
        "dispatched": {"ent_a", "liaison_a", "desk", "leader"} | LEAD | ASSIST,
        "in_progress": {"ent_a", "liaison_a", "desk", "leader"} | LEAD | ASSIST,
        "resolved": {"ent_a", "liaison_a", "desk", "leader"} | LEAD | ASSIST,
    },
    "follow": _cells(OPEN | {"resolved"}, {"liaison_a"}),
    "assist_sign": _cells(WORKING, ASSIST),
    "assist_reply": _cells(WORKING, ASSIST),
}

PAYLOAD: dict[str, dict[str, Any]] = {
    "reject": {"reason": "不属于受理范围"},
    "answer": {"answer": "可直接到政务服务中心办理"},
    "dispatch": {"lead": "JFJ", "assist": ["KJJ"]},
    "assign": {"handler": "jfj_handler"},
    "return": {"reason": "不属于本部门职责"},
    "progress": {"note": "已与供电公司对接", "public": True},
    "request_info": {"question": "请补充用电负荷清单"},
    "provide_info": {"answer": "负荷清单见附件"},
    "request_extension": {"days": 5, "reason": "需供电公司现场勘察"},
    "resolve": {"answer": "已协调增容"},
    "rate": {"solved": "solved", "satisfaction": "satisfied", "comment": "很好"},
    "supervise": {"note": "请加快办理"},
    "withdraw": {"reason": "已自行解决"},
    "message": {"text": "请问进展如何？"},
    "assist_reply": {"answer": "同意"},
}

# The step that makes an action's precondition true (it is rolled back with the action).
PREPARE: dict[str, tuple[str, str, dict[str, Any]]] = {
    "approve_return": ("jfj_handler", "return", {"reason": "不属于本部门职责"}),
    "deny_return": ("jfj_handler", "return", {"reason": "不属于本部门职责"}),
    "provide_info": ("jfj_handler", "request_info", {"question": "请补充材料"}),
    "approve_extension": ("jfj_handler", "request_extension", {"days": 5, "reason": "需现场勘察"}),
    "deny_extension": ("jfj_handler", "request_extension", {"days": 5, "reason": "需现场勘察"}),
    "resolve": ("kjj_handler", "assist_reply", {"answer": "同意"}),
}
OUT_OF_SCOPE = {"liaison_b", "deputy", "ent_b", "sysadmin", "secadmin", "auditor"}


class Rollback(Exception):
    pass


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.state, case.updated_at, case.handler_id, case.supervised, CaseEvent.objects.filter(case=case).count())


def test_the_expectation_names_every_action() -> None:
    assert set(EXPECTED) == set(ACTIONS)


@pytest.mark.parametrize("state", sorted(PATH))
def test_state_action_role_matrix(cast, state: str) -> None:
    case = drive(cast, state)
    before = _snapshot(case)
    wrong: list[str] = []
    for action in ACTIONS:
        for username, user in cast.all_users.items():
            expected = username in EXPECTED[action].get(state, set())
            outcome = _try(cast, case, action, username, user)
            if expected and outcome != "ok":
                wrong.append(f"{state}/{action}/{username}: expected allowed, got {outcome}")
            if not expected:
                want = "not_found" if username in OUT_OF_SCOPE or _invisible(username, state) else "action_not_allowed"
                if outcome != want:
                    wrong.append(f"{state}/{action}/{username}: expected {want}, got {outcome}")
                if _snapshot(case) != before:
                    wrong.append(f"{state}/{action}/{username}: a refused action changed the case")
                    before = _snapshot(case)
    assert not wrong, "\n".join(wrong)


def _invisible(username: str, state: str) -> bool:
    """Department staff see a case once their department leads or assists it (kjj_handler also
    sits in enterprise A's task force, so sees it from the start)."""
    return username in {"jfj_handler", "jfj_head", "kjj_head"} and state in {
        "submitted",
        "accepted",
        "rejected",
        "withdrawn",
    }


def _try(cast, case: Case, action: str, username: str, user) -> str:
    try:
        with transaction.atomic():
            if action in PREPARE:
                who, step, payload = PREPARE[action]
                try:
                    with transaction.atomic():
                        case_act(actor=Actor.of(getattr(cast, who)), case_id=case.pk, action=step, payload=payload)
                except (Conflict, NotFound):
                    pass
            case_act(actor=Actor.of(user), case_id=case.pk, action=action, payload=PAYLOAD.get(action, {}))
            raise Rollback
    except Rollback:
        return "ok"
    except NotFound:
        return "not_found"
    except Conflict as exc:
        return exc.code
