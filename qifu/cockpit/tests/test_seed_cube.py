"""The seed bulk-writes its cases; it must leave the cockpit's cubes equal to a recount, and the
cockpit must then show every section for the current month."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.cases.models import Case
from qifu.cockpit.cube import cube_counts, cube_recount
from qifu.cockpit.figures import cockpit_figures
from qifu.cockpit.models import CaseCube

pytestmark = pytest.mark.django_db


def test_the_small_seed_leaves_the_cube_exact(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path  # the seed writes demo_password there
    settings.DEMO_PASSWORD = None
    call_command("seed", scale="small", seed=1, no_progress=True, stdout=StringIO())
    have = cube_counts()
    assert have == cube_recount()
    assert sum(n for (name, _), n in have.items() if name == "case") == Case.objects.count() > 0
    assert CaseCube.objects.exists()
    leader = Actor.of(User.objects.get(username="leader"))
    f = cockpit_figures(actor=leader, month=timezone.localdate())
    assert f.totals.filed > 0 and f.by_category and f.by_state and f.projects.total > 0
