"""The visibility matrix of the policy pages: every role of the cast against every page and object
it must or must not reach (PRODUCT.md §1; access.scopes: published policies for everyone, drafts
for the desk, leaders and the issuing department; eligibility of every enterprise for the issuing
department, the desk and leaders, of their own enterprises for everyone else; 免申即享 lists for
the desk and the issuing department, read by leaders; the three admins see no business data).

An object outside the scope answers 404 — the same as one that does not exist."""

from typing import Any

import pytest
from django.test import Client

from qifu.policies.models import PolicyGrant, PolicyIntroduction
from qifu.policies.services import policy_import
from qifu.policies.services_grants import grant_list_refresh

pytestmark = pytest.mark.django_db

ROLES = (
    "desk",
    "leader",
    "jfj_handler",
    "jfj_head",
    "kjj_handler",
    "kjj_head",
    "liaison_a",
    "liaison_b",
    "deputy",
    "sysadmin",
    "secadmin",
    "auditor",
    "ent_a",
    "ent_b",
)
ADMINS = {"sysadmin", "secadmin", "auditor"}
ENTERPRISES = {"ent_a", "ent_b"}
STAFF = set(ROLES) - ADMINS - ENTERPRISES
EVERYONE = set(ROLES) - ADMINS
KJJ_DRAFT_READERS = {"desk", "leader", "kjj_handler", "kjj_head"}
JFJ_GRANT_READERS = {"desk", "leader", "jfj_handler", "jfj_head"}
# who sees enterprise A (qifu.conftest): zone-wide roles, its liaison, the task force's member
SEES_A = {"desk", "leader", "liaison_a", "kjj_handler"}

ANY_EMPLOYEES = {"field": "employees", "op": "ge", "value": 1}


def _item(code: str, **over: Any) -> dict[str, Any]:
    data = {
        "code": code,
        "title": f"政策{code}",
        "category": "industry",
        "department": "KJJ",
        "valid_from": "2026-01-01",
        "valid_to": "2099-12-31",
        "conditions": ANY_EMPLOYEES,
        "status": "published",
    }
    return {**data, **over}


@pytest.fixture
def world(cast: Any) -> Any:
    policy_import(
        actor=None,
        items=[
            _item("PUB"),
            _item("DRAFT", status="draft", title="保密草稿"),
            _item("AUTO", department="JFJ", auto_grant=True),
        ],
    )
    grant_list_refresh(["AUTO"])
    return cast


def _client(cast: Any, role: str) -> Client:
    client = Client()
    client.force_login(getattr(cast, role))
    return client


def _expect(role: str, allowed: set[str], ok: int = 200) -> int:
    return ok if role in allowed else 404


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reaches_exactly_the_policy_pages_it_may_see(world: Any, role: str) -> None:
    cast = world
    c = _client(cast, role)
    a = cast.a.uscc
    grant = PolicyGrant.objects.get(policy__code="AUTO", enterprise=cast.a)
    seen = {
        "list": c.get("/policies/").status_code,
        "published": c.get("/policies/PUB/").status_code,
        "draft": c.get("/policies/DRAFT/").status_code,
        "draft_matches": c.get("/policies/DRAFT/matches/").status_code,
        "matches": c.get("/policies/PUB/matches/").status_code,
        "matches_export": c.get("/policies/PUB/matches/export/").status_code,
        "for_us_a": c.get("/policies/for-us/", {"uscc": a}).status_code,
        "grants": c.get("/policies/AUTO/grants/").status_code,
        "grants_export": c.get("/policies/AUTO/grants/export/").status_code,
        "grants_of_a_plain_policy": c.get("/policies/PUB/grants/").status_code,
        "introduce_a": c.post("/policies/introduce/", {"uscc": a, "code": "PUB"}).status_code,
        "review_a": c.post(f"/policies/AUTO/grants/{grant.pk}/review/", {"decision": "approve"}).status_code,
    }
    expected = {
        "list": _expect(role, EVERYONE),
        "published": _expect(role, EVERYONE),
        "draft": _expect(role, KJJ_DRAFT_READERS),
        "draft_matches": _expect(role, KJJ_DRAFT_READERS),
        "matches": _expect(role, STAFF),
        "matches_export": _expect(role, STAFF),
        # an enterprise user always gets its own page (the uscc is ignored)
        "for_us_a": _expect(role, SEES_A | ENTERPRISES),
        "grants": _expect(role, JFJ_GRANT_READERS),
        "grants_export": _expect(role, JFJ_GRANT_READERS),
        "grants_of_a_plain_policy": 404,
        "introduce_a": _expect(role, SEES_A, ok=302),
        # leaders reach the review but the service refuses them (a message, nothing changes)
        "review_a": _expect(role, JFJ_GRANT_READERS, ok=302),
    }
    assert seen == expected
    grant.refresh_from_db()
    assert (grant.state == "approved") is (role in {"desk", "jfj_handler", "jfj_head"})
    assert PolicyIntroduction.objects.exists() is (role in SEES_A)


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_drafts_never_show_in_lists_for_those_who_may_not_read_them(world: Any, role: str) -> None:
    body = _client(world, role).get("/policies/").content.decode()
    assert ("保密草稿" in body) is (role in KJJ_DRAFT_READERS)


@pytest.mark.parametrize("role", ["liaison_a", "liaison_b", "deputy", "jfj_handler"])
def test_who_qualifies_lists_only_the_enterprises_the_viewer_sees(world: Any, role: str) -> None:
    cast = world
    body = _client(cast, role).get("/policies/PUB/matches/").content.decode()
    visible = {
        "liaison_a": {cast.a.name},
        "liaison_b": {cast.b.name},
        "deputy": {cast.c.name},
        "jfj_handler": set(),
    }[role]
    for e in (cast.a, cast.b, cast.c):
        assert (e.name in body) is (e.name in visible)


def test_the_issuing_department_sees_every_enterprises_eligibility(world: Any) -> None:
    cast = world
    body = _client(cast, "kjj_head").get("/policies/PUB/matches/").content.decode()
    assert all(e.name in body for e in (cast.a, cast.b, cast.c))
    body = _client(cast, "kjj_head").get("/policies/AUTO/matches/").content.decode()
    assert cast.a.name not in body and cast.b.name not in body  # JFJ's policy: only its own scope


@pytest.mark.parametrize("role", ROLES)
def test_the_brief_is_for_staff_who_see_the_enterprise(world: Any, role: str) -> None:
    cast = world
    c = _client(cast, role)
    page = c.get(f"/enterprises/{cast.a.uscc}/")
    brief = c.get("/policies/brief/", {"uscc": cast.a.uscc})
    if role in SEES_A:
        assert "/policies/brief/" in page.content.decode()
        assert 'id="policy-brief"' in brief.content.decode()
    elif role in STAFF:  # nothing to show, and no error on the page that asked
        assert brief.status_code == 200 and brief.content == b""
    else:
        assert brief.status_code == 404
    if role in ENTERPRISES:
        assert "/policies/brief/" not in page.content.decode()
