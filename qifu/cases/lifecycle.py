"""Who may do what, in which state (PRODUCT.md §2.2). One table, read by the services, the pages
(to offer only the buttons that will work) and the state × action × role test.

A rule names the states an action starts from and the parties that own it. A party is a role *in
relation to this case*: the handler of the lead department, not any handler.
"""

from dataclasses import dataclass
from enum import StrEnum

from qifu.access.actor import Actor
from qifu.accounts.roles import Role
from qifu.cases.models import OPEN_STATES, CaseState

S = CaseState


class Party(StrEnum):
    ENTERPRISE = "enterprise"  # a user of the case's enterprise
    LIAISON = "liaison"  # a cadre or deputy who can see the case
    DESK = "desk"  # the service desk
    LEADER = "leader"
    LEAD_HANDLER = "lead_handler"  # a handler of the lead department
    LEAD_HEAD = "lead_head"  # the head of the lead department
    ASSIST = "assist"  # a handler or head of an assisting department with an active part


P = Party
WORKING = frozenset({S.DISPATCHED, S.IN_PROGRESS})
TALKING = OPEN_STATES | {S.RESOLVED}


@dataclass(frozen=True)
class Rule:
    states: frozenset[str]
    parties: frozenset[Party]
    public: bool  # whether the enterprise sees the event on its timeline


def _r(states: frozenset[str] | set[str], *parties: Party, public: bool = True) -> Rule:
    return Rule(frozenset(states), frozenset(parties), public)


RULES: dict[str, Rule] = {
    "accept": _r({S.SUBMITTED}, P.DESK),
    "reject": _r({S.SUBMITTED, S.ACCEPTED}, P.DESK),
    "answer": _r({S.SUBMITTED, S.ACCEPTED}, P.DESK),
    "dispatch": _r({S.ACCEPTED}, P.DESK),
    "assign": _r(WORKING, P.LEAD_HEAD, public=False),
    "sign": _r({S.DISPATCHED}, P.LEAD_HANDLER, P.LEAD_HEAD),
    "return": _r(WORKING, P.LEAD_HANDLER, P.LEAD_HEAD, public=False),
    "approve_return": _r(WORKING, P.LEAD_HEAD, public=False),
    "deny_return": _r(WORKING, P.LEAD_HEAD, public=False),
    "progress": _r({S.IN_PROGRESS}, P.LEAD_HANDLER, P.LEAD_HEAD),
    "request_info": _r({S.IN_PROGRESS}, P.LEAD_HANDLER, P.LEAD_HEAD),
    "provide_info": _r({S.IN_PROGRESS}, P.ENTERPRISE),
    "request_extension": _r({S.IN_PROGRESS}, P.LEAD_HANDLER, public=False),
    "approve_extension": _r({S.IN_PROGRESS}, P.LEAD_HEAD),
    "deny_extension": _r({S.IN_PROGRESS}, P.LEAD_HEAD, public=False),
    "resolve": _r({S.IN_PROGRESS}, P.LEAD_HANDLER, P.LEAD_HEAD),
    "rate": _r({S.RESOLVED}, P.ENTERPRISE, P.DESK),
    "close": _r({S.RESOLVED}, P.DESK),
    "supervise": _r(OPEN_STATES, P.DESK, P.LEADER, public=False),
    "withdraw": _r(OPEN_STATES, P.ENTERPRISE),
    "message": _r(TALKING, P.ENTERPRISE, P.LIAISON, P.DESK, P.LEADER, P.LEAD_HANDLER, P.LEAD_HEAD, P.ASSIST),
    "follow": _r(TALKING, P.LIAISON, public=False),
    "assist_sign": _r(WORKING, P.ASSIST, public=False),
    "assist_reply": _r(WORKING, P.ASSIST, public=False),
}
ACTIONS = tuple(RULES)


def parties(
    actor: Actor, *, enterprise_id: int, lead_department_id: int | None, assist_department_ids: frozenset[int]
) -> set[Party]:
    """The parties the actor is for this case (the caller has already checked the case is in scope)."""
    found: set[Party] = set()
    if actor.is_enterprise and actor.enterprise_id == enterprise_id:
        found.add(P.ENTERPRISE)
    elif actor.is_liaison:
        found.add(P.LIAISON)
    elif actor.role == Role.DESK:
        found.add(P.DESK)
    elif actor.role == Role.LEADER:
        found.add(P.LEADER)
    elif actor.is_department and actor.department_id is not None:
        if actor.department_id == lead_department_id:
            found.add(P.LEAD_HEAD if actor.role == Role.DEPT_HEAD else P.LEAD_HANDLER)
        if actor.department_id in assist_department_ids:
            found.add(P.ASSIST)
    return found


def allowed(action: str, state: str, who: set[Party]) -> bool:
    rule = RULES.get(action)
    return rule is not None and state in rule.states and bool(rule.parties & who)


def available(state: str, who: set[Party]) -> list[str]:
    """The actions this party may take now (guards such as 'an extension is pending' aside)."""
    return [name for name in ACTIONS if allowed(name, state, who)]
