"""`qifu stats --json`: the stable keys of PRODUCT.md §3, only JSON on stdout."""

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from qifu.ops.management.commands.stats import optional_model
from qifu.ops.seeding.commons import COMMON_CASES
from qifu.ops.seeding.scales import SCALES

pytestmark = pytest.mark.django_db

KEYS = {
    "enterprises",
    "industrial_enterprises",
    "projects",
    "staff",
    "enterprises_without_liaison",
    "cases",
    "visits",
    "policies",
    "indicator_rows",
    "service_lists",
    "alerts",
}
LISTS = ["key_core", "fast_growing", "new_growth", "declining"]
STAFF_KINDS = {"cadre", "deputy", "handler", "dept_head", "desk", "leader"}
STATES = ["submitted", "accepted", "dispatched", "in_progress", "resolved", "closed", "rejected", "withdrawn"]


def stats_json() -> dict[str, Any]:
    out, err = StringIO(), StringIO()
    call_command("stats", json=True, stdout=out, stderr=err)
    stats: dict[str, Any] = json.loads(out.getvalue())  # the whole of stdout is one JSON document
    return stats


def test_empty_database_has_every_key_at_zero():
    # when
    stats = stats_json()

    # then
    assert set(stats) == KEYS
    assert stats["staff"] == dict.fromkeys(STAFF_KINDS, 0)
    assert stats["enterprises"] == stats["projects"] == stats["enterprises_without_liaison"] == 0
    assert stats["cases"] == dict.fromkeys(STATES, 0)
    assert stats["visits"] == stats["policies"] == stats["indicator_rows"] == 0
    assert stats["service_lists"] == dict.fromkeys(LISTS, 0)
    assert stats["alerts"] == {"declining": 0, "indicator": 0, "milestone": 0}


def test_counts_of_the_cast(cast):
    # when
    stats = stats_json()

    # then
    assert stats["enterprises"] == 3
    assert stats["industrial_enterprises"] == 3
    assert stats["projects"] == 2
    assert stats["staff"] == {"cadre": 2, "deputy": 1, "handler": 2, "dept_head": 2, "desk": 1, "leader": 1}
    assert stats["enterprises_without_liaison"] == 0


def test_enterprises_without_liaison_are_counted(cast):
    # given
    cast.c.primary_liaison = None
    cast.c.save(update_fields=["primary_liaison"])

    # then
    assert stats_json()["enterprises_without_liaison"] == 1


def test_counts_after_seeding_the_small_scale(settings, tmp_path):
    # given
    settings.DATA_DIR = tmp_path
    call_command("seed", scale="small", seed=1, no_progress=True, stdout=StringIO())
    small = SCALES["small"]

    # when
    stats = stats_json()

    # then
    assert stats["enterprises"] == small.enterprises
    assert stats["industrial_enterprises"] == small.industrial
    assert stats["projects"] == small.projects
    assert stats["staff"]["cadre"] == small.cadres
    assert stats["staff"]["deputy"] == small.deputies
    assert stats["enterprises_without_liaison"] == 0
    assert list(stats["cases"]) == STATES
    assert sum(stats["cases"].values()) == small.cases + COMMON_CASES  # + the demo common problems
    assert stats["cases"]["closed"] > 0 and stats["cases"]["in_progress"] > 0
    # 24 months for every enterprise, less the months before a young enterprise's founding and
    # the few skipped ones
    assert small.enterprises * 12 < stats["indicator_rows"] <= small.enterprises * 24


def test_after_seeding_the_zone_all_four_lists_have_members(settings, tmp_path):
    # given: the shipped rules evaluated by the seed over the zone's indicators (issue 6)
    settings.DATA_DIR = tmp_path
    call_command("seed", scale="zone", seed=1, no_progress=True, stdout=StringIO())

    # when
    lists = stats_json()["service_lists"]

    # then
    assert list(lists) == LISTS
    assert all(0 < n < 806 / 5 for n in lists.values()), lists


def test_apps_not_installed_yet_count_as_empty():
    assert optional_model("nosuchapp.Thing") is None
    assert optional_model("enterprises.NoSuchModel") is None


def test_readable_table_without_json(cast):
    # when
    out = StringIO()
    call_command("stats", stdout=out)

    # then
    text = out.getvalue()
    assert "企业" in text and "挂钩干部 (cadre)" in text
    assert not text.lstrip().startswith("{")
