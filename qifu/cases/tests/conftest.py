"""Cases driven to each state through the real services."""

from collections.abc import Callable
from typing import Any

import pytest

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.cases.models import Case
from qifu.cases.services import CaseData, case_act, case_file
from qifu.conftest import Cast

PATH: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    # state -> the steps (user attribute of the cast, action, payload) after filing
    "submitted": [],
    "accepted": [("desk", "accept", {})],
    "dispatched": [("desk", "accept", {}), ("desk", "dispatch", {"lead": "JFJ", "assist": ["KJJ"]})],
    "in_progress": [
        ("desk", "accept", {}),
        ("desk", "dispatch", {"lead": "JFJ", "assist": ["KJJ"]}),
        ("jfj_handler", "sign", {}),
    ],
    "resolved": [
        ("desk", "accept", {}),
        ("desk", "dispatch", {"lead": "JFJ", "assist": ["KJJ"]}),
        ("jfj_handler", "sign", {}),
        ("kjj_handler", "assist_reply", {"answer": "科创局意见：符合条件"}),
        ("jfj_handler", "resolve", {"answer": "已协调供电公司增容"}),
    ],
    "closed": [
        ("desk", "accept", {}),
        ("desk", "dispatch", {"lead": "JFJ", "assist": ["KJJ"]}),
        ("jfj_handler", "sign", {}),
        ("kjj_handler", "assist_reply", {"answer": "科创局意见：符合条件"}),
        ("jfj_handler", "resolve", {"answer": "已协调供电公司增容"}),
        ("ent_a", "rate", {"solved": "solved", "satisfaction": "satisfied"}),
    ],
    "rejected": [("desk", "reject", {"reason": "不属于受理范围"})],
    "withdrawn": [("ent_a", "withdraw", {"reason": "已自行解决"})],
}


def act(cast: Cast, who: str, action: str, case: Case, **payload: Any) -> Case:
    user: User = getattr(cast, who)
    return case_act(actor=Actor.of(user), case_id=case.pk, action=action, payload=payload)


def file(cast: Cast, who: str = "ent_a", **data: Any) -> Case:
    user: User = getattr(cast, who)
    fields = {"text": "我司新厂房需要增容用电，请协调供电公司。", "category": "utilities", **data}
    return case_file(actor=Actor.of(user), enterprise=cast.a, data=CaseData(**fields))


def drive(cast: Cast, state: str, **data: Any) -> Case:
    case = file(cast, **data)
    for who, action, payload in PATH[state]:
        case = act(cast, who, action, case, **payload)
    assert case.state == state
    return case


@pytest.fixture
def case_in(cast: Cast) -> Callable[..., Case]:
    return lambda state, **data: drive(cast, state, **data)
