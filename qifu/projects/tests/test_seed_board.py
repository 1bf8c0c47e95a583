"""The seeded projects (qifu seed): completed investment is the sum of the seeded months, and the
board shows a mix of late, at risk and on schedule (docs/PROJECTS.md, the seed)."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from qifu.indicators.models import ProjectInvestment
from qifu.ops.seeding.scales import ANCHOR
from qifu.projects.models import Project
from qifu.projects.progress import with_progress

pytestmark = pytest.mark.django_db


def test_the_zone_seed_keeps_the_sums_and_gives_the_board_a_mix(settings, tmp_path):
    # given the zone (218 projects)
    settings.DATA_DIR = tmp_path
    call_command("seed", scale="zone", seed=1, no_progress=True, stdout=StringIO())
    # then 累计完成投资 is the sum of each project's seeded months
    sums = dict(
        ProjectInvestment.objects.order_by()
        .values("project_id")
        .annotate(s=Sum("invested"))
        .values_list("project_id", "s")
    )
    assert sums
    stored = dict(Project.objects.filter(pk__in=sums).values_list("pk", "completed_investment"))
    assert stored == sums
    # and on the demo day the board has some late, some at risk, most on schedule
    board = with_progress(Project.objects.all(), today=ANCHOR)
    counts = Counter(board.values_list("board_status", flat=True))  # type: ignore[misc]  # an annotation
    assert sum(counts.values()) == 218
    assert 20 <= counts["late"] <= 90 and 20 <= counts["at_risk"] <= 80 and counts["on_schedule"] >= 90, counts
