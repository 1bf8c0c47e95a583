"""The demo policy package and service-list snapshot in the seed (PRODUCT.md §2.6, §4; issue 5)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from qifu.accounts.models import User
from qifu.enterprises.models import Enterprise
from qifu.ops.seeding.policies import COUNTS, TEMPLATES, policies_digest, seed_policies_only
from qifu.ops.seeding.scales import ANCHOR
from qifu.ops.seeding.servicelists import snapshot_months
from qifu.policies import engine
from qifu.policies.conditions import ALL_OPS, FIELDS, leaves, parse
from qifu.policies.models import Policy, PolicyStatus
from qifu.reference.models import Department
from qifu.reference.selectors import policy_categories
from qifu.servicelists.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.DEMO_PASSWORD = None
    return tmp_path


def seed(scale: str = "small", number: int = 1) -> None:
    call_command("seed", scale=scale, seed=number, no_progress=True, stdout=StringIO())


def test_small_seed_policies_are_deterministic():
    # given: one run, rolled back
    with transaction.atomic():
        seed()
        first = policies_digest()
        transaction.set_rollback(True)

    # when
    seed()

    # then
    assert Policy.objects.count() == COUNTS["small"]
    assert policies_digest() == first


@pytest.mark.slow
def test_zone_has_sixty_valid_policies_over_every_field_and_operator_and_four_lists():
    # when
    seed("zone")

    # then: 60 policies, each tree valid, every field and operator used, nested groups
    policies = list(Policy.objects.select_related("department"))
    assert len(policies) == 60
    used_fields, used_ops, groups = set(), set(), set()
    for policy in policies:
        node = parse(policy.conditions)
        for leaf in leaves(node):
            used_fields.add(leaf.field)
            used_ops.add(leaf.op)
        text = json.dumps(policy.conditions)
        groups |= {g for g in ("all", "any", "not") if f'"{g}"' in text}
        assert policy.title and policy.summary and policy.interpretation and policy.full_text and policy.benefit
        assert "〔" in policy.document_no and policy.document_no.endswith("号")
        assert policy.valid_from is not None and policy.valid_to is not None
        assert policy.valid_from <= policy.valid_to
        assert policy.category in policy_categories()
    assert used_fields == set(FIELDS)
    assert used_ops == set(ALL_OPS)
    assert groups == {"all", "any", "not"}
    assert {p.category for p in policies} == set(policy_categories())
    departments = set(Department.objects.values_list("code", flat=True))
    assert {p.department.code for p in policies} <= departments
    # statuses: most in force, some expired (their window behind ANCHOR), drafts unpublished
    by_status = {s: [p for p in policies if p.status == s] for s in PolicyStatus.values}
    assert len(by_status["published"]) >= 45
    assert by_status["expired"] and all(p.valid_to and p.valid_to < ANCHOR for p in by_status["expired"])
    assert all(p.published_at is None for p in by_status["draft"])
    assert all(p.valid_to and p.valid_to >= timezone.localdate() for p in by_status["published"])
    assert 0.08 <= sum(p.auto_grant for p in policies) / len(policies) <= 0.25
    # the service-list snapshots: the shipped rules evaluated for the months before ANCHOR, four lists
    months = snapshot_months()
    assert set(Membership.objects.values_list("month", flat=True)) == set(months)
    latest = Membership.objects.filter(month=months[-1])
    sizes = dict(latest.values_list("service_list__code").annotate(n=Count("id")).order_by())
    assert set(sizes) == {"key_core", "fast_growing", "new_growth", "declining"}
    assert all(n < Enterprise.objects.count() / 5 for n in sizes.values())
    # matching finds from none to a few dozen of the zone's 806 (a few thousand of the city's 100,000)
    ctx = engine.context(timezone.localdate())
    cols = engine.load_columns(ctx)
    counts = {
        code: len(ids)
        for code, ids in engine.match_all([(p.code, parse(p.conditions)) for p in policies], cols).items()
    }
    assert max(counts.values()) <= 80
    assert sum(1 for n in counts.values() if n) >= 50


def test_the_demo_enterprise_qualifies_for_a_published_policy():
    # given
    seed()
    ent = User.objects.get(username="ent").enterprise
    assert ent is not None
    ctx = engine.context(timezone.localdate())

    # when
    fits = [
        p.code
        for p in Policy.objects.filter(status=PolicyStatus.PUBLISHED)
        if engine.explain(parse(p.conditions), engine.facts_of(ent, ctx), ctx).eligible
    ]

    # then: at least the "一企一策" policy that names it
    assert "KSGX-2026-KEY-01" in fits or any("-KEY-" in code for code in fits)


def test_templates_cover_every_category():
    assert {t.category for t in TEMPLATES} == {
        "industry", "finance", "human_resources", "innovation", "credit", "talent", "trade", "other",
    }  # fmt: skip


def test_seed_policies_adds_them_to_an_older_database_once():
    # given: a seeded database without policies and lists (as before issue 5)
    seed()
    Policy.objects.all().delete()
    Membership.objects.all().delete()

    # when
    out = StringIO()
    call_command("seed_policies", scale="small", seed=1, no_progress=True, stdout=out)
    again = StringIO()
    call_command("seed_policies", scale="small", seed=1, no_progress=True, stdout=again)

    # then
    added = json.loads(out.getvalue())
    assert added["policies"] == COUNTS["small"] == Policy.objects.count()
    assert added["list_memberships"] == Membership.objects.count() > 0
    assert json.loads(again.getvalue()) == {"policies": 0, "list_memberships": 0}


def test_seed_policies_on_an_empty_database_does_nothing():
    assert seed_policies_only(scale_name="small", seed=1) == {"policies": 0, "list_memberships": 0}
    assert not Policy.objects.exists()


def test_stats_counts_the_policies():
    # given
    seed()

    # when
    out = StringIO()
    call_command("stats", json=True, stdout=out)

    # then
    assert json.loads(out.getvalue())["policies"] == COUNTS["small"]
