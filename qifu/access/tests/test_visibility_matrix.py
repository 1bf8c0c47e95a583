"""PRODUCT.md §1 row-level visibility at the edge: every role × every enterprise-scoped endpoint × an
object the role must not see. Details answer 404 (never 403, never data); lists show no foreign rows,
and filters that try to widen the scope (?liaison=, ?q=, ?phone=, ?enterprise=) come back empty.

The rules, on the cast: an enterprise sees only itself; a liaison sees linked enterprises and their
task forces; a handler or head sees the enterprises of task forces they sit in; the leader and the
desk see everything; the three admins see no business data.

Extension point: a probe is a `Probe(name, method, url, expect, body, transport)`. Pages are added to
PAGE_PROBES (transport "page": the user is signed in with a session) and run through the same matrix.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

import pytest
from django.db import transaction
from django.test import Client

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.cases.services import CaseData, case_file
from qifu.conftest import ApiClient, Cast, build_cast
from qifu.enterprises.services import enterprise_data_of, enterprise_update
from qifu.linkage.models import Linkage
from qifu.projects.services import ProjectData, project_create

ENTERPRISES = ("a", "b", "c")
SEES: dict[str, set[str]] = {
    "ent_a": {"a"},
    "ent_b": {"b"},
    "liaison_a": {"a"},
    "liaison_b": {"b"},
    "deputy": {"c"},
    "kjj_handler": {"a"},  # member of A's task force
    "jfj_handler": set(),
    "jfj_head": set(),
    "kjj_head": set(),
    "desk": {"a", "b", "c"},
    "leader": {"a", "b", "c"},
    "sysadmin": set(),
    "secadmin": set(),
    "auditor": set(),
}
PHONES = {"a": "13900000001", "b": "13900000002", "c": "13900000003"}


@dataclass(frozen=True)
class Target:
    """The out-of-scope enterprise in every form a probe needs."""

    key: str
    uscc: str
    name: str
    project: str
    liaison: str  # username of its primary liaison
    phone: str
    linkage_id: int
    case_id: int  # a request of the enterprise, not yet dispatched (so no department sees it)


Expect = Literal["404", "empty", "absent", "hidden"]


@dataclass(frozen=True)
class Probe:
    """One way of reaching an enterprise's data.

    expect: "404" — the object answers 404 with no data; "empty" — a list answers no items and count 0;
    "absent" — the response (200) does not mention the target anywhere; "hidden" — a page that is
    either not there for the role (404 or a redirect elsewhere) or there (200) without mentioning the target.
    """

    name: str
    method: str
    url: Callable[[Target], str]
    expect: Expect
    body: Callable[[Target], dict[str, Any]] | None = None
    transport: Literal["api", "page"] = "api"
    operation: str = ""  # the API operation (URL name) it exercises, for the coverage check
    sees_all: frozenset[str] = frozenset()  # roles this probe's data is zone-wide for (not out of scope)


API = "/api/v1"


def _get(name: str, operation: str, url: Callable[[Target], str], expect: Expect) -> Probe:
    return Probe(name, "get", url, expect, operation=operation)


# Monthly indicators and project investment: the economic department (JFJ) keeps the zone's
# statistics and reads every enterprise's (access.scopes.scope_indicators).
ECONOMIC = frozenset({"jfj_handler", "jfj_head"})


def _write(name: str, operation: str, method: str, url: Callable[[Target], str], body: dict[str, Any]) -> Probe:
    # Writes on an object the caller cannot see are 404 too: its existence does not leak through 403.
    return Probe(name, method, url, "404", lambda t: {k: v.format(t=t) for k, v in body.items()}, operation=operation)


API_PROBES: list[Probe] = [
    _get("enterprise_detail", "get_enterprise", lambda t: f"{API}/enterprises/{t.uscc}", "404"),
    _get("enterprise_detail_lowercase", "get_enterprise", lambda t: f"{API}/enterprises/{t.uscc.lower()}", "404"),
    _get("project_detail", "get_project", lambda t: f"{API}/projects/{t.project}", "404"),
    _get("enterprise_list", "list_enterprises", lambda t: f"{API}/enterprises?limit=200", "absent"),
    _get("enterprise_list_q_uscc", "list_enterprises", lambda t: f"{API}/enterprises?q={t.uscc}", "empty"),
    _get("enterprise_list_q_name", "list_enterprises", lambda t: f"{API}/enterprises?q={t.name}", "empty"),
    _get("enterprise_list_liaison", "list_enterprises", lambda t: f"{API}/enterprises?liaison={t.liaison}", "empty"),
    _get("enterprise_list_phone", "list_enterprises", lambda t: f"{API}/enterprises?phone={t.phone}", "empty"),
    _get("project_list", "list_projects", lambda t: f"{API}/projects?limit=200", "absent"),
    _get("project_list_enterprise", "list_projects", lambda t: f"{API}/projects?enterprise={t.uscc}", "empty"),
    _get("project_list_q_code", "list_projects", lambda t: f"{API}/projects?q={t.project}", "empty"),
    _get("project_board", "project_board_rows", lambda t: f"{API}/projects/board?limit=200", "absent"),
    _get("project_board_q_code", "project_board_rows", lambda t: f"{API}/projects/board?q={t.project}", "empty"),
    _get("project_board_liaison", "project_board_rows", lambda t: f"{API}/projects/board?liaison={t.liaison}", "empty"),
    _get("linkage_list", "list_linkages", lambda t: f"{API}/linkages?limit=200&include_ended=true", "absent"),
    _get(
        "linkage_list_enterprise",
        "list_linkages",
        lambda t: f"{API}/linkages?enterprise={t.uscc}&include_ended=true",
        "empty",
    ),
    _get("linkage_list_liaison", "list_linkages", lambda t: f"{API}/linkages?liaison={t.liaison}", "empty"),
    _write("enterprise_patch", "update_enterprise", "patch", lambda t: f"{API}/enterprises/{t.uscc}", {"name": "改名"}),
    _write("project_patch", "update_project", "patch", lambda t: f"{API}/projects/{t.project}", {"name": "改名"}),
    _write(
        "milestone_put",
        "set_milestone",
        "put",
        lambda t: f"{API}/projects/{t.project}/milestones/start",
        {"planned_on": "2027-01-01"},
    ),
    _write(
        "project_create",
        "create_project",
        "post",
        lambda t: f"{API}/projects",
        {"code": "XM-NEW-1", "name": "新项目", "enterprise": "{t.uscc}", "total_investment": "1"},
    ),
    _write(
        "linkage_assign",
        "assign_linkage",
        "post",
        lambda t: f"{API}/linkages",
        {"enterprise": "{t.uscc}", "liaison": "liaison_a", "role": "backup"},
    ),
    _write(
        "linkage_reassign",
        "reassign_linkage",
        "post",
        lambda t: f"{API}/linkages/reassign",
        {"enterprise": "{t.uscc}", "liaison": "liaison_a", "reason": "调整"},
    ),
    _write("linkage_end", "end_linkage", "post", lambda t: f"{API}/linkages/{t.linkage_id}/end", {}),
    _get("case_detail", "get_case", lambda t: f"{API}/cases/{t.case_id}", "404"),
    _get("case_messages", "list_messages", lambda t: f"{API}/cases/{t.case_id}/messages", "404"),
    _get("case_attachment", "get_attachment", lambda t: f"{API}/cases/{t.case_id}/attachments/1", "404"),
    _get("case_list", "list_cases", lambda t: f"{API}/cases?limit=200", "absent"),
    _get("case_list_enterprise", "list_cases", lambda t: f"{API}/cases?enterprise={t.uscc}", "empty"),
    _get("case_list_liaison", "list_cases", lambda t: f"{API}/cases?liaison={t.liaison}", "empty"),
    _write("case_create", "create_case", "post", lambda t: f"{API}/cases", {"enterprise": "{t.uscc}", "text": "越权"}),
    _write("case_action", "act", "post", lambda t: f"{API}/cases/{t.case_id}/actions", {"action": "withdraw"}),
    _write("case_action_accept", "act", "post", lambda t: f"{API}/cases/{t.case_id}/actions", {"action": "accept"}),
    _write("case_message", "post_message", "post", lambda t: f"{API}/cases/{t.case_id}/messages", {"text": "越权"}),
    # Issue 7: duplicates, merge and the knowledge suggestions for a case.
    _get("case_similar", "similar_cases", lambda t: f"{API}/cases/similar?enterprise={t.uscc}&text=越权", "404"),
    _write("case_merge", "merge", "post", lambda t: f"{API}/cases/{t.case_id}/merge", {"into": "{t.case_id}"}),
    _get("case_knowledge", "case_knowledge", lambda t: f"{API}/cases/{t.case_id}/knowledge", "404"),
    _get("enterprise_policies", "enterprise_policy_list", lambda t: f"{API}/enterprises/{t.uscc}/policies", "404"),
    replace(
        _get(
            "enterprise_indicators", "enterprise_indicators", lambda t: f"{API}/enterprises/{t.uscc}/indicators", "404"
        ),
        sees_all=ECONOMIC,
    ),
    replace(
        _get("project_investment", "project_investment", lambda t: f"{API}/projects/{t.project}/investment", "404"),
        sees_all=ECONOMIC,
    ),
    # Service lists (issue 6): the economic department sees the whole zone's lists.
    replace(
        _get("enterprise_lists", "enterprise_lists", lambda t: f"{API}/enterprises/{t.uscc}/lists", "404"),
        sees_all=ECONOMIC,
    ),
]
# Pages (colleague's extension point): e.g. Probe("enterprise_page", "get", lambda t: f"/enterprises/{t.uscc}/",
# "404", transport="page"), Probe("enterprise_list_page", "get", lambda t: f"/enterprises/?q={t.uscc}", "absent",
# transport="page").
PAGE_PROBES: list[Probe] = [
    Probe("enterprise_page", "get", lambda t: f"/enterprises/{t.uscc}/", "404", transport="page"),
    Probe("project_page", "get", lambda t: f"/projects/{t.project}/", "404", transport="page"),
    Probe("enterprise_list_page_q", "get", lambda t: f"/enterprises/?q={t.uscc}", "hidden", transport="page"),
    Probe("enterprise_list_page_liaison", "get", lambda t: f"/enterprises/?q={t.name}", "hidden", transport="page"),
    Probe("project_list_page_q", "get", lambda t: f"/projects/?q={t.project}", "hidden", transport="page"),
    Probe("project_board_page_q", "get", lambda t: f"/projects/board/?q={t.project}", "hidden", transport="page"),
    Probe("project_board_page", "get", lambda t: "/projects/board/", "hidden", transport="page"),
    Probe("my_enterprises_page", "get", lambda t: "/enterprises/mine/", "hidden", transport="page"),
    Probe("home_page", "get", lambda t: "/", "hidden", transport="page"),
    Probe("case_page", "get", lambda t: f"/cases/{t.case_id}/", "404", transport="page"),
    Probe("case_updates", "get", lambda t: f"/cases/{t.case_id}/updates/?after=0", "404", transport="page"),
    Probe("case_attachment_page", "get", lambda t: f"/cases/{t.case_id}/attachments/1/", "404", transport="page"),
    Probe("my_requests_page", "get", lambda t: "/cases/mine/", "hidden", transport="page"),
    Probe(
        "filing_enterprise_options",
        "get",
        lambda t: f"/cases/new/enterprises/?enterprise={t.uscc}",
        "hidden",
        transport="page",
    ),
    Probe(
        "filing_enterprise_by_name",
        "get",
        lambda t: f"/cases/new/enterprises/?enterprise={t.name}",
        "hidden",
        transport="page",
    ),
    # The ledger and the work queues (the export's scope: qifu/cases/tests/test_export.py).
    Probe("ledger_page", "get", lambda t: "/cases/", "hidden", transport="page"),
    Probe("ledger_page_enterprise", "get", lambda t: f"/cases/?enterprise={t.uscc}", "hidden", transport="page"),
    Probe("ledger_page_liaison", "get", lambda t: f"/cases/?liaison={t.liaison}", "hidden", transport="page"),
    Probe("intake_page", "get", lambda t: "/cases/intake/", "hidden", transport="page"),
    Probe("inbox_page_assist", "get", lambda t: "/cases/inbox/?tab=assist", "hidden", transport="page"),
    Probe("approvals_page", "get", lambda t: "/cases/approvals/", "hidden", transport="page"),
    Probe("supervision_page", "get", lambda t: "/cases/supervision/", "hidden", transport="page"),
    # The policy package (issue 5): an enterprise's fitting policies and the liaison's brief.
    Probe("policies_for_us_page", "get", lambda t: f"/policies/for-us/?uscc={t.uscc}", "hidden", transport="page"),
    Probe("policies_brief", "get", lambda t: f"/policies/brief/?uscc={t.uscc}", "hidden", transport="page"),
    # Monthly indicators (issue 6): the edit page of another enterprise's month.
    Probe(
        "indicator_edit_page",
        "get",
        lambda t: f"/indicators/{t.uscc}/edit/?month=2026-01",
        "404",
        transport="page",
        sees_all=ECONOMIC | {"desk"},
    ),
]
PROBES: list[Probe] = API_PROBES + PAGE_PROBES


@dataclass
class World:
    cast: Cast
    targets: dict[str, Target]
    api: dict[str, ApiClient]


def _build_world() -> World:
    cast = build_cast()
    desk = Actor.of(cast.desk)
    project_data = ProjectData(code="XM-2026-003", name="丙医药研发楼", total_investment=Decimal(9))
    project_c = project_create(actor=desk, enterprise=cast.c, data=project_data)
    projects = {"a": cast.project_a.code, "b": cast.project_b.code, "c": project_c.code}
    targets = {}
    for key in ENTERPRISES:
        enterprise = getattr(cast, key)
        data = replace(enterprise_data_of(enterprise), contact_phone=PHONES[key])
        enterprise_update(actor=desk, enterprise=enterprise, data=data)  # every enterprise its own phone
        link = Linkage.objects.get(enterprise=enterprise, role="primary", ended_on__isnull=True, project=None)
        case = case_file(actor=desk, enterprise=enterprise, data=CaseData(text=f"{enterprise.name}的诉求"))
        targets[key] = Target(
            key=key,
            uscc=enterprise.uscc,
            name=enterprise.name,
            project=projects[key],
            liaison=link.liaison.username,
            phone=PHONES[key],
            linkage_id=link.pk,
            case_id=case.pk,
        )
    api = {role: ApiClient(getattr(cast, role)) for role in SEES}
    return World(cast=cast, targets=targets, api=api)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The cast built once for the module, in a transaction rolled back at the end (tests only read)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _page_client(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _caller(world: World, role: str, probe: Probe) -> Any:
    """The client for the probe; a page client signs in here (that login is audited, the probe is not)."""
    return _page_client(getattr(world.cast, role)) if probe.transport == "page" else world.api[role]


def _call(client: Any, probe: Probe, target: Target) -> Any:
    body = probe.body(target) if probe.body else None
    if probe.transport == "page":
        return getattr(client, probe.method)(probe.url(target), body or {})
    return getattr(client, probe.method)(probe.url(target), body)


def _mentions(response: Any, target: Target) -> bool:
    text = response.content.decode()
    if response.get("Content-Type", "").startswith("text/html"):
        # A page echoes the caller's own filter in form values and links; only its content counts.
        text = re.sub(r'\s[\w:-]+="[^"]*"', "", text)
    return any(s in text for s in (target.uscc, target.name, target.project))


MATRIX = [
    pytest.param(role, probe, key, id=f"{role}-{probe.name}-{key}")
    for role, seen in SEES.items()
    for key in ENTERPRISES
    if key not in seen
    for probe in PROBES
    if role not in probe.sees_all
]


@pytest.mark.parametrize(("role", "probe", "key"), MATRIX)
def test_out_of_scope_case(world, db, role, probe, key):
    # given an enterprise the role must not see
    target = world.targets[key]
    client = _caller(world, role, probe)
    audits = AuditEntry.objects.count()
    # when the role reaches for it
    response = _call(client, probe, target)
    # then nothing about it comes back, and nothing changes
    if probe.expect == "404":
        assert response.status_code == 404, response.content
        if probe.transport == "api":
            assert response.json()["code"] == "not_found"
    elif probe.expect == "empty":
        assert response.status_code == 200, response.content
        assert (response.json()["items"], response.json()["count"]) == ([], 0)
    elif probe.expect == "hidden":
        assert response.status_code in (200, 302, 404), response.content
    else:
        assert response.status_code == 200, response.content
    assert not _mentions(response, target)
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize("role", list(SEES), ids=str)
def test_in_scope_control_case(world, db, role):
    """The other half of the matrix: what a role may see, it does see (so a blanket 404 cannot pass)."""
    api = world.api[role]
    seen = {world.targets[k].uscc for k in SEES[role]}
    listed = api.get(f"{API}/enterprises", {"limit": 200}).json()
    assert ({row["uscc"] for row in listed["items"]}, listed["count"]) == (seen, len(seen))
    for key in sorted(SEES[role]):
        target = world.targets[key]
        assert api.get(f"{API}/enterprises/{target.uscc}").status_code == 200
        assert api.get(f"{API}/projects/{target.project}").status_code == 200
        assert api.get(f"{API}/projects", {"enterprise": target.uscc}).json()["count"] == 1
        assert api.get(f"{API}/projects/board", {"q": target.project}).json()["count"] == 1
        assert api.get(f"{API}/linkages", {"enterprise": target.uscc}).json()["count"] >= 1
        assert api.get(f"{API}/enterprises", {"phone": target.phone}).json()["count"] == 1
        assert api.get(f"{API}/cases/{target.case_id}").status_code == 200
        assert api.get(f"{API}/cases", {"enterprise": target.uscc}).json()["count"] == 1
        assert _page_client(getattr(world.cast, role)).get(f"/cases/{target.case_id}/").status_code == 200


# Enterprise-scoped operations that reach no existing object: creating an enterprise names no one else's.
# Uploads are multipart (the JSON probes cannot send them): qifu/cases/tests/test_api.py covers them.
NOT_OBJECT_SCOPED = {"create_enterprise", "post_attachments"}


def test_matrix_covers_every_role_and_enterprise_scoped_operation():
    """A new role in the cast, or a new enterprise-scoped API operation, must join the matrix."""
    from qifu.api import api

    non_roles = {"a", "b", "c", "project_a", "project_b", "task_force_a"}
    assert set(SEES) == set(Cast.__dataclass_fields__) - non_roles
    scoped = {
        getattr(pattern, "name", None)
        for pattern in api.urls[0]
        if str(pattern.pattern).split("/")[0] in ("enterprises", "projects", "linkages", "cases")
    }
    covered = {probe.operation for probe in API_PROBES}
    assert scoped - NOT_OBJECT_SCOPED <= covered, scoped - NOT_OBJECT_SCOPED - covered
