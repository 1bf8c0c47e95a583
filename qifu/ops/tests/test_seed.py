"""`qifu seed`: deterministic, complete and consistent demo data (PRODUCT.md §1, §3, §4)."""

import os
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from qifu.accounts.models import User
from qifu.audit.models import AuditEntry
from qifu.core.crypto import blind_index
from qifu.enterprises.models import Enterprise
from qifu.enterprises.services import CONTACT_PHONE_CTX, enterprise_contacts
from qifu.linkage.models import Linkage, TaskForce, TaskForceMember
from qifu.ops.seeding.digest import seed_digest
from qifu.ops.seeding.password import FILENAME
from qifu.ops.seeding.scales import ANCHOR, SCALES
from qifu.people.models import Staff
from qifu.projects.models import Milestone, Project
from qifu.reference.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """seed writes DATA_DIR/demo_password: keep it out of the repository's var/."""
    settings.DATA_DIR = tmp_path
    settings.DEMO_PASSWORD = None
    return tmp_path


def seed(scale: str = "small", number: int = 1) -> str:
    out = StringIO()
    call_command("seed", scale=scale, seed=number, no_progress=True, stdout=out)
    return out.getvalue()


def contacts() -> list[tuple[str, str, str]]:
    return [(e.uscc, *enterprise_contacts(e)) for e in Enterprise.objects.order_by("uscc")]


def test_small_seed_is_deterministic():
    # given: one run, rolled back
    with transaction.atomic():
        seed()
        first, first_contacts = seed_digest(), contacts()
        transaction.set_rollback(True)
    assert not Enterprise.objects.exists()

    # when: the same seed again in the emptied database
    seed()

    # then: the same rows, and the same contacts behind the (randomly salted) ciphertexts
    assert seed_digest() == first
    assert contacts() == first_contacts


def test_another_seed_gives_other_data():
    # given
    with transaction.atomic():
        seed(number=1)
        first = set(Enterprise.objects.values_list("uscc", flat=True))
        transaction.set_rollback(True)

    # when
    seed(number=2)

    # then
    assert set(Enterprise.objects.values_list("uscc", flat=True)) != first


PLAN_DIGEST = """
import hashlib, sys
from dataclasses import asdict
from qifu.ops.seeding.people import Dept, PeoplePlanner
from qifu.ops.seeding.projects import ProjectPlanner
from qifu.ops.seeding.registry import RegistryPlanner
from qifu.ops.seeding.scales import SCALES
scale = SCALES["small"]
depts = [Dept(c, c) for c in ("ZSJ", "JFJ", "KJJ", "YSB", "TB")]
people = PeoplePlanner(scale=scale, seed=7, departments=depts).plan()
registry = RegistryPlanner(scale=scale, seed=7, people=people)
rows = [asdict(e) for e in registry.enterprises()]
planner = ProjectPlanner(registry=registry, people=people, seed=7)
projects = planner.projects()
parts = [people, rows, registry.enterprise_links(), projects, planner.project_links(projects),
         planner.task_forces(projects), registry.portal_users()]
print(hashlib.sha256(repr(parts).encode()).hexdigest())
"""


def test_plan_does_not_depend_on_the_interpreter_hash_seed():
    # given: two interpreters with different string hashing (set and dict order of strings differ)
    def plan(hash_seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", PLAN_DIGEST], env=env, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    # when / then
    assert plan("1") == plan("2")


def test_every_enterprise_and_project_has_an_open_primary_liaison_matching_the_link():
    # given
    seed()

    # then
    open_primary = Linkage.objects.filter(role="primary", ended_on__isnull=True)
    by_enterprise = dict(open_primary.filter(project__isnull=True).values_list("enterprise_id", "liaison_id"))
    by_project = dict(open_primary.filter(project__isnull=False).values_list("project_id", "liaison_id"))
    for pk, liaison_id in Enterprise.objects.values_list("pk", "primary_liaison_id"):
        assert liaison_id is not None
        assert by_enterprise[pk] == liaison_id
    for pk, liaison_id in Project.objects.values_list("pk", "primary_liaison_id"):
        assert liaison_id is not None
        assert by_project[pk] == liaison_id
    roles = set(User.objects.filter(linkages__isnull=False).values_list("role", flat=True))
    assert roles <= {"cadre", "deputy"}
    assert Linkage.objects.filter(ended_on__isnull=False).exists()  # history kept
    assert Linkage.objects.filter(role="backup").exists()


def test_demo_accounts_exist_with_their_roles_and_the_printed_password(data_dir):
    # when
    output = seed()

    # then
    password = (data_dir / FILENAME).read_text().strip()
    assert oct((data_dir / FILENAME).stat().st_mode & 0o777) == "0o600"
    assert password in output
    expected = {
        "admin": "sysadmin",
        "secadmin": "secadmin",
        "auditor": "auditor",
        "leader": "leader",
        "desk": "desk",
        "liaison": "cadre",
        "deputy": "deputy",
        "ent": "enterprise",
    }
    for dept in Department.objects.all():
        expected[f"{dept.code.lower()}_head"] = "dept_head"
        expected[f"{dept.code.lower()}_handler"] = "handler"
    users = {u.username: u for u in User.objects.filter(username__in=expected)}
    assert {name: u.role for name, u in users.items()} == expected
    for name, user in users.items():
        assert not user.must_change_password
        assert user.is_active and not user.is_superuser
        assert user.is_staff == (user.role in ("sysadmin", "secadmin", "auditor"))
        assert name in output
    assert check_password(password, users["admin"].password)
    for dept in Department.objects.all():
        assert users[f"{dept.code.lower()}_head"].department == dept
        assert users[f"{dept.code.lower()}_handler"].department == dept
    assert users["desk"].department == Department.objects.get(code="YSB")


def test_liaison_deputy_and_ent_have_what_the_demo_needs():
    # given
    seed()
    liaison, deputy, ent = (User.objects.get(username=n) for n in ("liaison", "deputy", "ent"))

    # then
    mine = Enterprise.objects.filter(primary_liaison=liaison).order_by("pk")
    assert mine.exists()
    assert Project.objects.filter(primary_liaison=liaison).exists()
    assert TaskForce.objects.filter(lead=liaison).exists() or TaskForceMember.objects.filter(user=liaison).exists()
    assert Enterprise.objects.filter(primary_liaison=deputy).exists()
    assert ent.enterprise == mine.first()


def test_every_seeded_row_passes_model_validation():
    # given
    seed()

    # then: valid USCC check digits, GB/T 4754 codes, choices, money ≥ 0 …
    for model in (Enterprise, Project, Milestone, Linkage, TaskForce, Staff):
        for obj in model.objects.all():
            obj.full_clean(validate_unique=False, validate_constraints=False)
    for user in User.objects.all():
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    assert not Milestone.objects.filter(actual_on__gt=ANCHOR).exists()
    assert Milestone.objects.filter(actual_on__isnull=False).exists()


def test_contacts_are_encrypted_with_the_services_contexts():
    # given
    seed()

    # then
    for enterprise in Enterprise.objects.all():
        name, phone = enterprise_contacts(enterprise)
        assert name and phone.isdigit() and len(phone) == 11
        assert phone not in enterprise.contact_phone_enc
        assert enterprise.contact_phone_index == blind_index(phone, context=CONTACT_PHONE_CTX)
    assert not Staff.objects.filter(phone_enc="").exists()


def test_one_audit_record_summarises_the_seed():
    # when
    seed()

    # then
    entry = AuditEntry.objects.get()
    assert entry.action == "seed"
    assert entry.changes["counts"]["enterprises"] == SCALES["small"].enterprises


def test_seed_refuses_a_database_that_holds_data():
    # given
    seed()
    before = (Enterprise.objects.count(), User.objects.count(), AuditEntry.objects.count())

    # when / then
    with pytest.raises(CommandError, match="already holds"):
        seed()
    assert (Enterprise.objects.count(), User.objects.count(), AuditEntry.objects.count()) == before


def test_a_weak_demo_password_is_refused(settings):
    # given
    settings.DEMO_PASSWORD = "qifu1234"

    # when / then
    with pytest.raises(CommandError, match="QIFU_DEMO_PASSWORD"):
        seed()
    assert not User.objects.exists()


def test_the_demo_password_from_the_environment_is_used(settings, data_dir):
    # given
    settings.DEMO_PASSWORD = "Bt-Demo!2026-smoke"

    # when
    seed()

    # then
    assert check_password("Bt-Demo!2026-smoke", User.objects.get(username="ent").password)
    assert (data_dir / FILENAME).read_text().strip() == "Bt-Demo!2026-smoke"


def test_zone_scale_has_the_kunshan_figures():
    # when
    seed("zone")

    # then
    assert Enterprise.objects.count() == 806
    assert Enterprise.objects.filter(industry__startswith="C").count() == 415
    assert Project.objects.count() == 218
    roles = Counter(User.objects.values_list("role", flat=True))
    assert (roles["cadre"], roles["deputy"]) == (92, 48)
    assert roles["handler"] == 80
    for dept in Department.objects.all():
        assert User.objects.filter(role="dept_head", department=dept).count() >= 1
        assert User.objects.filter(role="handler", department=dept).count() >= 4
    assert TaskForce.objects.count() == 12
    departments_per_force = [
        len(set(TaskForceMember.objects.filter(task_force=force).values_list("user__department", flat=True)) - {None})
        for force in TaskForce.objects.all()
    ]
    assert min(departments_per_force) >= 2
    assert not Enterprise.objects.filter(primary_liaison__isnull=True).exists()
    assert not Project.objects.filter(primary_liaison__isnull=True).exists()
    assert Linkage.objects.filter(role="backup", project__isnull=True).count() > 80
    # some milestones are late: done after their plan, or still open after it
    assert Milestone.objects.filter(actual_on__isnull=True, planned_on__lt=ANCHOR).exists()
    late_done = [m for m in Milestone.objects.filter(actual_on__isnull=False) if m.planned_on < (m.actual_on or ANCHOR)]
    assert late_done
    # ownership mix with Taiwanese investment, and plausible flags
    ownership = Counter(Enterprise.objects.values_list("ownership", flat=True))
    assert ownership["taiwan"] > 50 and ownership["foreign"] > 20 and ownership["domestic"] > 400
    assert 0 < Enterprise.objects.filter(above_scale=True).count() < 415
    assert len(set(Enterprise.objects.values_list("name", flat=True))) == 806


def test_seed_summary_names_the_counts_and_the_time():
    # when
    output = seed()

    # then
    assert "Seeded the small scale (seed 1)" in output
    lines = {
        line.split()[0]: line.split()[1]
        for line in output.splitlines()
        if line.startswith("  ") and len(line.split()) > 1
    }
    assert lines["enterprises"] == "30"
    assert lines["projects"] == "8"
