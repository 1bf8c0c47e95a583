"""The seeded indicators (issue 6): 24 months with trends and gaps, derived figures consistent with
the product's own computation, project investment."""

from io import StringIO

import pytest
from django.core.management import call_command

from qifu.indicators.models import IndicatorDerived, MonthlyIndicator, ProjectInvestment
from qifu.indicators.services import derived_recompute
from qifu.ops.seeding.indicators import window

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed", scale="small", seed=1, no_progress=True, stdout=StringIO())


FIELDS = ("indicator_id", "next_month", "revenue_ytd", "revenue_yoy", "revenue_ytd_yoy", "electricity_yoy")


def test_seed_writes_24_months_and_the_derived_figures_the_service_would(seeded):
    months = window()
    assert len(months) == 24
    stored = set(MonthlyIndicator.objects.values_list("month", flat=True).distinct())
    assert stored <= set(months) and len(stored) == 24
    assert IndicatorDerived.objects.count() == MonthlyIndicator.objects.count()
    seeded_rows = sorted(IndicatorDerived.objects.values_list(*FIELDS))
    # when the service recomputes every enterprise from the ledger
    derived_recompute()
    # then it finds what the seed wrote
    assert sorted(IndicatorDerived.objects.values_list(*FIELDS)) == seeded_rows
    latest = IndicatorDerived.objects.filter(next_month__isnull=True)
    assert latest.count() == MonthlyIndicator.objects.values("enterprise").distinct().count()
    assert latest.filter(revenue_yoy__isnull=False).exists()
    assert ProjectInvestment.objects.exists()
