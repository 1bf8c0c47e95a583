"""Shared fixtures: the named cast (one small zone with a user per role), set up by real services."""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.accounts.services import token_cache_clear, token_create, user_create
from qifu.core.snapshot import RowSnapshot
from qifu.enterprises.models import Enterprise
from qifu.enterprises.services import EnterpriseData, enterprise_create
from qifu.enterprises.uscc import make_uscc
from qifu.linkage.models import TaskForce
from qifu.linkage.services import linkage_assign, taskforce_create
from qifu.people.services import staff_create
from qifu.projects.models import Project
from qifu.projects.services import ProjectData, milestone_set, project_create
from qifu.reference.models import Department

CAST_PASSWORD = "Qf!test-Pass42"


@dataclass
class Cast:
    desk: User
    leader: User
    jfj_handler: User
    jfj_head: User
    kjj_handler: User
    kjj_head: User
    liaison_a: User
    liaison_b: User
    deputy: User
    sysadmin: User
    secadmin: User
    auditor: User
    ent_a: User
    ent_b: User
    a: Enterprise
    b: Enterprise
    c: Enterprise
    project_a: Project
    project_b: Project
    task_force_a: TaskForce

    def actor(self, user: User) -> Actor:
        return Actor.of(user)

    @property
    def all_users(self) -> dict[str, User]:
        return {k: v for k, v in vars(self).items() if isinstance(v, User)}


def _staff(username: str, role: str, dept: str | None, name: str) -> User:
    department = Department.objects.get(code=dept) if dept else None
    return staff_create(
        actor=None,
        username=username,
        role=role,
        display_name=name,
        department=department,
        position="科员",
        phone="13800138000",
        password=CAST_PASSWORD,
        must_change_password=False,
    )


def _enterprise(desk: Actor, serial: int, name: str, park: str, industry: str) -> Enterprise:
    return enterprise_create(
        actor=desk,
        data=EnterpriseData(
            uscc=make_uscc(serial),
            name=name,
            industry=industry,
            park=park,
            founded_on=date(2012, 5, 1),
            registered_capital=Decimal("5000.00"),
            above_scale=True,
            employees=320,
            contact_name="王经理",
            contact_phone="13912345678",
        ),
    )


# The cast is built once per session (in a transaction rolled back at once) and its rows are
# replayed for each test that asks for it: ~10 statements instead of ~430 (qifu/core/snapshot.py).
# A test running on a travelled clock (time-machine), or after the local date changed, builds it
# afresh, so its timestamps and dates are those of that test's "now".
_CLOCK = (time.time(), time.monotonic())  # read at import, before any test moves the clock
_SNAPSHOT: dict[str, Any] = {}


def _clock_is_real() -> bool:
    return abs(time.time() - (_CLOCK[0] + time.monotonic() - _CLOCK[1])) < 30


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        snapshot = RowSnapshot.take(lambda: _cast_keys(build_cast()))
        _SNAPSHOT.update(snapshot=snapshot, on=timezone.localdate())


@pytest.fixture
def cast(db: None) -> Cast:
    snapshot: RowSnapshot | None = _SNAPSHOT.get("snapshot")
    if snapshot is None or not _clock_is_real() or timezone.localdate() != _SNAPSHOT["on"]:
        return build_cast()
    snapshot.replay()
    keys: dict[str, tuple[type[Model], int]] = snapshot.result
    loaded: dict[type[Model], dict[Any, Model]] = {}
    for model in {m for m, _ in keys.values()}:
        loaded[model] = model._default_manager.in_bulk([pk for m, pk in keys.values() if m is model])
    return Cast(**{name: loaded[model][pk] for name, (model, pk) in keys.items()})  # type: ignore[arg-type]


def _cast_keys(cast: Cast) -> dict[str, tuple[type[Model], Any]]:
    return {f.name: (type(getattr(cast, f.name)), getattr(cast, f.name).pk) for f in fields(cast)}


def build_cast() -> Cast:
    """The cast, built with the real services (also for module-scoped fixtures that need it once)."""
    desk = _staff("desk", Role.DESK, "YSB", "服务专班")
    leader = _staff("leader", Role.LEADER, None, "领导")
    users = {
        "jfj_handler": _staff("jfj_handler", Role.HANDLER, "JFJ", "经发承办"),
        "jfj_head": _staff("jfj_head", Role.DEPT_HEAD, "JFJ", "经发负责人"),
        "kjj_handler": _staff("kjj_handler", Role.HANDLER, "KJJ", "科创承办"),
        "kjj_head": _staff("kjj_head", Role.DEPT_HEAD, "KJJ", "科创负责人"),
        "liaison_a": _staff("liaison_a", Role.CADRE, "JFJ", "挂钩干部甲"),
        "liaison_b": _staff("liaison_b", Role.CADRE, "KJJ", "挂钩干部乙"),
        "deputy": _staff("deputy", Role.DEPUTY, None, "人大代表丙"),
    }
    admins = {
        role: user_create(actor=None, username=role, role=role, password=CAST_PASSWORD, must_change_password=False)
        for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)
    }
    d = Actor.of(desk)
    a = _enterprise(d, 1001, "昆山甲电子科技有限公司", "光电产业园", "C3985")
    b = _enterprise(d, 1002, "昆山乙精密机械有限公司", "精密机械产业园", "C3484")
    c = _enterprise(d, 1003, "昆山丙生物医药有限公司", "小核酸及生物医药产业园", "C2761")
    linkage_assign(actor=d, enterprise=a, liaison=users["liaison_a"])
    linkage_assign(actor=d, enterprise=b, liaison=users["liaison_b"])
    linkage_assign(actor=d, enterprise=c, liaison=users["deputy"])
    project_a = project_create(
        actor=d,
        enterprise=a,
        data=ProjectData(code="XM-2026-001", name="甲电子新厂房", total_investment=Decimal("50000")),
    )
    project_b = project_create(
        actor=d,
        enterprise=b,
        data=ProjectData(code="XM-2026-002", name="乙精密扩产", total_investment=Decimal("30000")),
    )
    milestone_set(actor=d, project=project_a, kind="signing", planned_on=date(2026, 1, 10), actual_on=date(2026, 1, 12))
    milestone_set(actor=d, project=project_a, kind="start", planned_on=date(2026, 3, 1))
    force = taskforce_create(
        actor=d,
        enterprise=a,
        name="甲电子专班",
        lead=users["liaison_a"],
        members=[(users["kjj_handler"], "科技项目申报")],
    )
    ent_a = user_create(
        actor=None,
        username="ent_a",
        role=Role.ENTERPRISE,
        enterprise_id=a.pk,
        password=CAST_PASSWORD,
        must_change_password=False,
    )
    ent_b = user_create(
        actor=None,
        username="ent_b",
        role=Role.ENTERPRISE,
        enterprise_id=b.pk,
        password=CAST_PASSWORD,
        must_change_password=False,
    )
    for e in (a, b, c):
        e.refresh_from_db()
    return Cast(
        desk=desk,
        leader=leader,
        **users,
        sysadmin=admins[Role.SYSADMIN],
        secadmin=admins[Role.SECADMIN],
        auditor=admins[Role.AUDITOR],
        ent_a=ent_a,
        ent_b=ent_b,
        a=a,
        b=b,
        c=c,
        project_a=project_a,
        project_b=project_b,
        task_force_a=force,
    )


class ApiClient:
    """Calls /api/v1/ as one user with a fresh bearer token.

    Every ApiClient shares one django.test.Client (CSRF enforced, as in production): a new Client
    builds the middleware chain again, and WhiteNoise's finder scan alone costs most of a second.
    """

    _shared: Client | None = None

    def __init__(self, user: User) -> None:
        self.user = user
        self.token = token_create(user=user)

    @classmethod
    def _client(cls) -> Client:
        if cls._shared is None:
            cls._shared = Client(enforce_csrf_checks=True)
        return cls._shared

    def _call(self, method: str, path: str, data: Any = None, **extra: Any) -> Any:
        # Each call resolves its token from the database, so query counts in tests are the cold
        # path (the per-process token cache has its own tests in accounts/tests/test_api_auth.py).
        token_cache_clear()
        headers = {"Authorization": f"Bearer {self.token}", **extra.pop("headers", {})}
        if method != "get":
            extra.setdefault("content_type", "application/json")
        return getattr(self._client(), method)(path, data, headers=headers, **extra)

    def get(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("get", path, data, **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("post", path, data, **extra)

    def patch(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("patch", path, data, **extra)

    def put(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("put", path, data, **extra)

    def delete(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("delete", path, data, **extra)


@pytest.fixture
def api_as(db: None) -> Callable[[User], ApiClient]:
    """`api_as(cast.desk).get("/api/v1/enterprises")`: an API client per user, created on demand."""
    return ApiClient


@pytest.fixture(autouse=True)
def _fresh_token_cache() -> Iterator[None]:
    """Each test starts with no remembered bearer tokens (the cache is per process)."""
    from qifu.accounts.services import token_cache_clear
    from qifu.reference.selectors import reference_cache_clear
    from qifu.workcal.calendar import zone_calendar_clear

    token_cache_clear()
    zone_calendar_clear()
    reference_cache_clear()
    yield
    token_cache_clear()
