"""Write the planned demo zone to the database, fast.

The registry services (enterprise_create, linkage_assign …) check, validate and audit one row at a
time; at city scale (100,000 enterprises, 5,000 staff) that would take hours. The seed therefore
writes in batches inside ONE transaction — all or nothing — and keeps the invariants those
services keep: contacts SM4-encrypted with the same contexts, blind indexes, the
denormalised primary liaison of every enterprise and project equal to its open primary Linkage,
one role per user, no superuser. It writes a single audit record `seed` with the counts.

Even bulk_create spends most of its time building model instances and SQL; the rows go in through
`Table`, one prepared INSERT run with executemany per batch, values converted by the model fields
themselves (so dates, decimals and JSON are stored exactly as the ORM stores them) and primary
keys allocated here — safe because the seed only runs on an empty database. The database still
checks every constraint (unique, foreign key, check constraints).
"""

import math
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any, Protocol, TypeVar

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Max
from django.utils import timezone

from qifu.accounts.models import User
from qifu.accounts.roles import ADMIN_ROLES, STAFF_ROLES
from qifu.alerts.services import alerts_scan
from qifu.audit.services import audit_record
from qifu.cases.models import (
    Case,
    CaseEvent,
    CasePart,
    CaseSequence,
    Extension,
    InfoRequest,
    ReturnRequest,
    SlaNotice,
)
from qifu.cockpit.cube import cube_rebuild
from qifu.core.crypto import blind_index, encrypt_field
from qifu.core.sqlite.stats import forget_shadow_table_stats
from qifu.enterprises.models import Enterprise
from qifu.enterprises.services import CONTACT_NAME_CTX, CONTACT_PHONE_CTX, normalize_phone
from qifu.linkage.models import Linkage, TaskForce, TaskForceMember
from qifu.ops.seeding.cases import CasePlanner, CaseWorld, Cat, TableCalendar, days_to_cover
from qifu.ops.seeding.commons import seed_commons
from qifu.ops.seeding.indicators import seed_indicators
from qifu.ops.seeding.knowledge import seed_knowledge
from qifu.ops.seeding.meetings import seed_meetings
from qifu.ops.seeding.people import Dept, People, PeoplePlanner
from qifu.ops.seeding.policies import seed_policies
from qifu.ops.seeding.projects import ProjectPlanner, ProjectRow, TaskForceRow
from qifu.ops.seeding.registry import LinkRow, RegistryPlanner
from qifu.ops.seeding.safety import seed_safety_phase
from qifu.ops.seeding.scales import ANCHOR, Scale
from qifu.ops.seeding.servicelists import seed_memberships
from qifu.ops.seeding.suggestions import seed_suggestions
from qifu.ops.seeding.visits import seed_visits
from qifu.people.models import Staff
from qifu.people.services import PHONE_CTX
from qifu.projects.models import MILESTONE_ORDER, Milestone, Project
from qifu.reference.models import Category, Department
from qifu.workcal.calendar import zone_calendar

T = TypeVar("T")
BATCH = 5_000
SEED_CACHE_KIB = 4 * 1024 * 1024  # 4 GB of SQLite page cache while seeding (allocated as used)
CONVERTED = (models.DateField, models.DecimalField, models.JSONField)  # DateTimeField is a DateField


class SeedError(Exception):
    """The seed cannot run (the database is not empty, or not migrated)."""


class Progress(Protocol):
    def start(self, phase: str, total: int) -> None: ...
    def advance(self, n: int) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, n: int) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass
class SeedResult:
    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    staff_by_role: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, name)
    cases_by_state: dict[str, int] = field(default_factory=dict)
    as_of: date | None = None


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class Table:
    """INSERT rows of one model in batches (see the module docstring for why not the ORM)."""

    def __init__(self, model: type[models.Model], *, now: datetime) -> None:
        meta = model._meta
        self.model = model
        self.fields = list(meta.concrete_fields)
        self.auto_pk = isinstance(meta.pk, models.AutoField)
        self.conn = connections[DEFAULT_DB_ALIAS]  # the real wrapper: the proxy costs a lookup per use
        quote = self.conn.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # Table and column names come from the model and are quoted; values are bound parameters.
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        # Values of the fields a row does not give (defaults, auto_now), converted once.
        self.constants: dict[str, Any] = {}
        self.convert: list[Callable[[Any], Any] | None] = []
        for f in self.fields:
            auto_now = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            self.constants[f.attname] = f.get_db_prep_save(now if auto_now else f.get_default(), self.conn)
            self.convert.append(self._converter(f))
        self.next_id = 1
        if self.auto_pk:
            self.next_id = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1

    def _converter(self, f: "models.Field[Any, Any]") -> Callable[[Any], Any] | None:
        """The field's own conversion to a database value, for the types the driver does not take as they are."""
        if not isinstance(f, CONVERTED):
            return None
        conn = self.conn
        return lambda value: f.get_db_prep_save(value, conn)

    def insert(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert the rows (dicts by attname; missing fields take the model default). Returns the pks."""
        pk = self.model._meta.pk
        if pk is None:  # abstract models have none; the seed writes concrete ones only
            raise TypeError(f"{self.model.__name__} has no primary key")
        ids: list[int] = []
        params = []
        plan = list(zip(self.fields, self.convert, strict=True))
        for row in rows:
            if self.auto_pk:
                row[pk.attname] = self.next_id
                self.next_id += 1
            ids.append(row[pk.attname])
            values = []
            for f, convert in plan:
                name = f.attname
                if name not in row:
                    values.append(self.constants[name])
                elif convert is None:
                    values.append(row[name])
                else:
                    values.append(convert(row[name]))
            params.append(values)
        with self.conn.cursor() as cursor:
            cursor.executemany(self.sql, params)
        return ids


def existing_data() -> str:
    """Why the database cannot be seeded, or '' when it is empty."""
    enterprises, users = Enterprise.objects.count(), User.objects.count()
    if enterprises or users:
        return f"the database already holds {enterprises} enterprises and {users} users"
    return ""


def demo_usernames(department_codes: Iterable[str]) -> list[str]:
    """The stable demo accounts (PRODUCT.md §3), in the order they are shown."""
    names = ["admin", "secadmin", "auditor", "leader", "desk"]
    for code in department_codes:
        names += [f"{code.lower()}_head", f"{code.lower()}_handler"]
    return [*names, "liaison", "deputy", "ent"]


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role, name) of the demo accounts that exist."""
    codes = Department.objects.filter(active=True).order_by("sort", "code").values_list("code", flat=True)
    wanted = demo_usernames(codes)
    found = {
        u: (u, role, name)
        for u, role, name in User.objects.filter(username__in=wanted).values_list("username", "role", "display_name")
    }
    return [found[n] for n in wanted if n in found]


class Writer:
    def __init__(
        self, *, scale: Scale, seed: int, encoded_password: str, progress: Progress, as_of: date | None = None
    ) -> None:
        self.scale = scale
        # Case dates count back from this day (the seed's day by default: the open cases' clocks are live).
        self.as_of = as_of or max(ANCHOR, timezone.localdate())
        self.seed = seed
        self.password = encoded_password
        self.progress = progress
        self.now = timezone.now()
        self.result = SeedResult(scale=scale.name, seed=seed)
        self.tables: dict[type[models.Model], Table] = {}
        self.uid: dict[str, int] = {}
        self.enterprise_ids: list[int] = []
        self.project_ids: list[int] = []
        self.portal_uid: dict[int, int] = {}  # enterprise index -> its portal user

    def _insert(self, model: type[models.Model], rows: list[dict[str, Any]], *, count: bool = True) -> list[int]:
        if model not in self.tables:
            self.tables[model] = Table(model, now=self.now)
        ids = self.tables[model].insert(rows)
        if count:
            self.progress.advance(len(rows))
        return ids

    def _phase(self, name: str, total: int) -> float:
        self.progress.start(name, total)
        return time.monotonic()

    def _done(self, name: str, started: float) -> None:
        self.progress.finish()
        self.result.phases[name] = round(time.monotonic() - started, 2)

    def _user(
        self, username: str, role: str, name: str, *, department_id: int | None = None, enterprise_id: int | None = None
    ) -> dict[str, Any]:
        return {
            "username": username,
            "role": role,
            "display_name": name,
            "department_id": department_id,
            "enterprise_id": enterprise_id,
            # One hash for everyone: PBKDF2-SM3 at 300k iterations costs ~0.2 s per call, which
            # would be ~3 hours for the city's 55,000 users. Same password, same encoded hash.
            "password": self.password,
            "must_change_password": False,
            "is_staff": role in ADMIN_ROLES,
            "is_superuser": False,
            "password_changed_at": self.now,
            "date_joined": self.now,
        }

    def run(self) -> SeedResult:
        started = time.monotonic()
        reason = existing_data()
        if reason:
            raise SeedError(f"{reason}; seed only fills an empty database (use a new QIFU_DATA_DIR or database)")
        departments = list(Department.objects.filter(active=True).order_by("sort", "code"))
        dept_id = {d.code: d.pk for d in departments}
        people = PeoplePlanner(
            scale=self.scale, seed=self.seed, departments=[Dept(d.code, d.name) for d in departments]
        ).plan()
        self._people(people, dept_id)
        registry = RegistryPlanner(scale=self.scale, seed=self.seed, people=people)
        self._enterprises(registry, people)
        planner = ProjectPlanner(registry=registry, people=people, seed=self.seed)
        projects = planner.projects()
        self._projects(projects, people)
        liaison_uid = [self.uid[p.username] for p in people.liaisons]
        links = registry.enterprise_links() + planner.project_links(projects)
        self._links(links, liaison_uid)
        self._task_forces(planner.task_forces(projects))
        self._portal(registry)
        self._cases(registry, people, departments, projects, links)
        seed_suggestions(self, registry=registry, people=people, links=links)
        seed_visits(self, registry=registry, people=people, links=links)
        seed_safety_phase(self)
        seed_meetings(self, registry=registry, people=people)
        seed_indicators(self)
        seed_memberships(self)
        seed_policies(self)
        seed_commons(self)  # a few common problems, and the first cluster snapshot (qifu.commons)
        seed_knowledge(self)  # the demo knowledge base (issue 7 item 5)
        # Explicit keys leave PostgreSQL's sequences behind: move them past the new rows.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(self.tables)):
                cursor.execute(statement)
        self.result.counts["alerts"] = sum(alerts_scan(today=self.as_of, audit=False).created.values())  # lists done
        cube_rebuild()  # the cockpit's case cube, recounted from the bulk-written cases (one GROUP BY)
        counts = self.result.counts
        counts["industrial_enterprises"] = sum(registry.facts.industrial)
        audit_record(
            actor=None,
            action="seed",
            object_type="zone",
            object_id=self.scale.name,
            changes={"scale": self.scale.name, "seed": self.seed, "counts": counts},
        )
        self.result.accounts = demo_accounts()
        self.result.seconds = round(time.monotonic() - started, 2)
        return self.result

    def _people(self, people: People, dept_id: dict[str, int]) -> None:
        everyone = people.everyone()
        t = self._phase("staff", len(everyone))
        ids = self._insert(
            User,
            [self._user(p.username, p.role, p.name, department_id=dept_id.get(p.department or "")) for p in everyone],
        )
        self.uid = {p.username: pk for p, pk in zip(everyone, ids, strict=True)}
        staff = [
            {
                "user_id": self.uid[p.username],
                "department_id": dept_id.get(p.department or ""),
                "position": p.position,
                "phone_enc": encrypt_field(p.phone, context=PHONE_CTX),
                "phone_index": blind_index(p.phone, context=PHONE_CTX),
                "office_phone": p.office_phone,
            }
            for p in everyone
            if p.role in STAFF_ROLES
        ]
        self._insert(Staff, staff, count=False)
        self.result.counts["users"] = len(ids)
        self.result.counts["staff"] = len(staff)
        for p in everyone:
            if p.role in STAFF_ROLES:
                self.result.staff_by_role[p.role] = self.result.staff_by_role.get(p.role, 0) + 1
        self._done("staff", t)

    def _enterprises(self, registry: RegistryPlanner, people: People) -> None:
        liaison_uid = [self.uid[p.username] for p in people.liaisons]
        t = self._phase("enterprises", self.scale.enterprises)
        for chunk in batched(registry.enterprises(), BATCH):
            rows = []
            for e in chunk:
                phone = normalize_phone(e.contact_phone)
                rows.append(
                    {
                        "uscc": e.uscc,
                        "name": e.name,
                        "industry": e.industry,
                        "park": e.park,
                        "address": e.address,
                        "founded_on": e.founded_on,
                        "registered_capital": e.registered_capital,
                        "ownership": e.ownership,
                        "above_scale": e.above_scale,
                        "high_tech": e.high_tech,
                        "specialized": e.specialized,
                        "listed": e.listed,
                        "employees": e.employees,
                        "revenue_last_year": e.revenue_last_year,
                        "tax_last_year": e.tax_last_year,
                        "output_last_year": e.output_last_year,
                        "rd_last_year": e.rd_last_year,
                        "contact_name_enc": encrypt_field(e.contact_name, context=CONTACT_NAME_CTX),
                        "contact_phone_enc": encrypt_field(phone, context=CONTACT_PHONE_CTX),
                        "contact_phone_index": blind_index(phone, context=CONTACT_PHONE_CTX),
                        "tags": e.tags,
                        "primary_liaison_id": liaison_uid[e.liaison],
                    }
                )
            self.enterprise_ids.extend(self._insert(Enterprise, rows))
        self.result.counts["enterprises"] = len(self.enterprise_ids)
        self._done("enterprises", t)

    def _projects(self, projects: list[ProjectRow], people: People) -> None:
        liaison_uid = [self.uid[p.username] for p in people.liaisons]
        t = self._phase("projects", len(projects))
        for chunk in batched(projects, BATCH):
            rows = [
                {
                    "code": p.code,
                    "name": p.name,
                    "enterprise_id": self.enterprise_ids[p.enterprise],
                    "industrial": p.industrial,
                    "major": p.major,
                    "status": p.status,
                    "park": p.park,
                    "total_investment": p.total_investment,
                    "annual_planned": p.annual_planned,
                    "completed_investment": p.completed_investment,
                    "primary_liaison_id": liaison_uid[p.liaison],
                }
                for p in chunk
            ]
            self.project_ids.extend(self._insert(Project, rows))
        milestones = [
            {
                "project_id": self.project_ids[k],
                "enterprise_id": self.enterprise_ids[p.enterprise],
                "kind": m.kind,
                "seq": MILESTONE_ORDER.index(m.kind),
                "planned_on": m.planned_on,
                "actual_on": m.actual_on,
                "note": m.note,
            }
            for k, p in enumerate(projects)
            for m in p.milestones
        ]
        for part in batched(milestones, BATCH):
            self._insert(Milestone, part, count=False)
        self.result.counts["projects"] = len(self.project_ids)
        self.result.counts["milestones"] = len(milestones)
        self._done("projects", t)

    def _links(self, links: list[LinkRow], liaison_uid: list[int]) -> None:
        desk = self.uid.get("desk")  # the service desk assigns liaisons (PRODUCT.md §2.1)
        t = self._phase("linkages", len(links))
        for chunk in batched(links, BATCH):
            self._insert(
                Linkage,
                [
                    {
                        "liaison_id": liaison_uid[link.liaison],
                        "enterprise_id": self.enterprise_ids[link.enterprise],
                        "project_id": self.project_ids[link.project] if link.project is not None else None,
                        "role": link.role,
                        "started_on": link.started_on,
                        "ended_on": link.ended_on,
                        "reason": link.reason,
                        "assigned_by_id": desk,
                    }
                    for link in chunk
                ],
            )
        self.result.counts["linkages"] = len(links)
        self._done("linkages", t)

    def _task_forces(self, forces: list[TaskForceRow]) -> None:
        t = self._phase("task forces", len(forces))
        ids = self._insert(
            TaskForce,
            [
                {
                    "name": f.name[:120],
                    "enterprise_id": self.enterprise_ids[f.enterprise],
                    "project_id": self.project_ids[f.project] if f.project is not None else None,
                    "lead_id": self.uid[f.lead],
                    "goal": f.goal,
                    "active": True,
                }
                for f in forces
            ],
        )
        members = [
            {
                "task_force_id": pk,
                "enterprise_id": self.enterprise_ids[f.enterprise],
                "user_id": self.uid[username],
                "duty": duty,
            }
            for pk, f in zip(ids, forces, strict=True)
            for username, duty in f.members
        ]
        for chunk in batched(members, BATCH):
            self._insert(TaskForceMember, chunk, count=False)
        self.result.counts["task_forces"] = len(ids)
        self.result.counts["task_force_members"] = len(members)
        self._done("task forces", t)

    def _portal(self, registry: RegistryPlanner) -> None:
        portal = registry.portal_users()
        t = self._phase("portal users", len(portal))
        for chunk in batched(portal, BATCH):
            ids = self._insert(
                User,
                [
                    self._user(p.username, "enterprise", p.name, enterprise_id=self.enterprise_ids[p.enterprise])
                    for p in chunk
                ],
            )
            for p, pk in zip(chunk, ids, strict=True):
                self.portal_uid.setdefault(p.enterprise, pk)
        self.result.counts["users"] += len(portal)
        self.result.counts["enterprise_users"] = len(portal)
        self._done("portal users", t)

    def _case_world(
        self, registry: RegistryPlanner, people: People, departments: list[Department], projects: list[ProjectRow],
        links: list[LinkRow],
    ) -> CaseWorld:  # fmt: skip
        dept_id = {d.code: d.pk for d in departments}
        desk_dept = next((d.code for d in departments if d.is_service_desk), departments[0].code)
        role: dict[int, str] = {}
        dept_of: dict[int, int | None] = {}
        for p in people.everyone():
            role[self.uid[p.username]] = p.role
            dept_of[self.uid[p.username]] = dept_id.get(p.department or "")
        role.update(dict.fromkeys(self.portal_uid.values(), "enterprise"))
        liaison_uid = [self.uid[p.username] for p in people.liaisons]
        primary: list[list[tuple[date, date | None, int]]] = [[] for _ in self.enterprise_ids]
        for link in links:
            if link.project is None and link.role == "primary":
                primary[link.enterprise].append((link.started_on, link.ended_on, liaison_uid[link.liaison]))
        for own in primary:
            own.sort()
        owned: dict[int, list[int]] = {}
        for k, project in enumerate(projects):
            owned.setdefault(project.enterprise, []).append(self.project_ids[k])
        categories = [
            Cat(c.code, c.pk, c.department.code, c.days)
            for c in Category.objects.filter(active=True).select_related("department").order_by("sort", "code")
        ]
        mine = registry.by_liaison[0]
        return CaseWorld(
            as_of=self.as_of,
            cal=TableCalendar.over(zone_calendar(), *days_to_cover(self.as_of)),
            categories=categories,
            dept_id=dept_id,
            dept_name={d.code: d.name for d in departments},
            desk_dept=desk_dept,
            handlers={code: [self.uid[p.username] for p in ps] for code, ps in people.handlers.items()},
            heads={code: self.uid[ps[0].username] for code, ps in people.heads.items() if ps},
            desk=[self.uid[p.username] for p in people.desk],
            leaders=[self.uid[p.username] for p in people.leaders],
            user_role=role,
            user_dept=dept_of,
            enterprise_ids=self.enterprise_ids,
            weights=[math.sqrt(n) for n in registry.facts.employees],
            taiwan=[o == "taiwan" for o in registry.facts.ownership],
            links=primary,
            portal=self.portal_uid,
            projects=owned,
            demo_enterprise=mine[0],
            demo_neighbours=mine[1:4],
        )

    def _cases(
        self, registry: RegistryPlanner, people: People, departments: list[Department], projects: list[ProjectRow],
        links: list[LinkRow],
    ) -> None:  # fmt: skip
        if not self.scale.cases or not self.enterprise_ids:
            return
        world = self._case_world(registry, people, departments, projects, links)
        planner = CasePlanner(total=self.scale.cases, seed=self.seed, world=world, rich=self.scale.rich_timelines)
        t = self._phase("cases", self.scale.cases)
        n = dict.fromkeys(("cases", "case_events", "case_parts", "extensions", "return_requests"), 0)
        n.update(info_requests=0, sla_notices=0)
        children: list[tuple[type[models.Model], str, str]] = [
            (CaseEvent, "events", "case_events"),
            (CasePart, "parts", "case_parts"),
            (Extension, "extensions", "extensions"),
            (ReturnRequest, "returns", "return_requests"),
            (InfoRequest, "infos", "info_requests"),
            (SlaNotice, "notices", "sla_notices"),
        ]
        for chunk in batched(planner.plan(), BATCH):
            ids = self._insert(Case, [p.case for p in chunk])
            n["cases"] += len(ids)
            for model, attr, key in children:
                rows = []
                for pk, planned in zip(ids, chunk, strict=True):
                    for row in getattr(planned, attr):
                        row["case_id"] = pk
                        rows.append(row)
                if rows:
                    self._insert(model, rows, count=False)
                    n[key] += len(rows)
        self._insert(
            CaseSequence, [{"year": year, "last": last} for year, last in sorted(planner.sequence.items())], count=False
        )
        self.result.counts.update(n)
        self.result.cases_by_state = dict(sorted(planner.counts.items()))
        self.result.as_of = self.as_of
        self._done("cases", t)


def seed_zone(
    *,
    scale: Scale,
    seed: int,
    encoded_password: str,
    progress: Progress | None = None,
    as_of: date | None = None,
) -> SeedResult:
    """Fill an EMPTY database with the demo zone (all or nothing). Raises SeedError otherwise."""
    with big_sqlite_cache(), transaction.atomic():
        result = Writer(
            scale=scale, seed=seed, encoded_password=encoded_password, progress=progress or NoProgress(), as_of=as_of
        ).run()
    analyze()
    return result


def analyze() -> None:
    """Planner statistics for the freshly loaded tables.

    SQLite keeps none until ANALYZE, and without them it picks the wrong index for the inbox's
    "due soon" count at city scale (case_state_remind over every department, 260 ms, instead of
    case_dept_state_due, 12 ms). analysis_limit samples each index, so this takes well under a second.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
            forget_shadow_table_stats(cursor)  # the full-text index's tables: see qifu/core/sqlite/stats.py
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


@contextmanager
def big_sqlite_cache(kib: int = SEED_CACHE_KIB) -> Iterator[None]:
    """SQLite keeps the pages of the growing indexes in memory while the seed writes.

    With the server's 64 MB cache a million cases (16 indexes on the case table) spill the same
    index pages to the WAL again and again and read them back: the city seed became I/O-bound.
    A larger cache for this one connection keeps it CPU-bound; the server's setting is untouched.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
