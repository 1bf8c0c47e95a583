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


def test_a_shocked_enterprise_enters_the_declining_rule_in_the_last_month_only():
    """The seed's ~1.5% shocked enterprises: revenue YTD yoy past −20% in the last two months (the
    declining rule's two consecutive months) and not before — so they enter 显著下滑 in the latest
    snapshot and the early warning raises for them."""
    import random
    from datetime import date
    from decimal import Decimal

    from qifu.indicators.derived import derive_all
    from qifu.ops.seeding.indicators import plan_enterprise

    months = window()
    entered = 0
    for n in range(40):
        rng = random.Random(n)
        facts = (n + 1, date(2010, 1, 1), "C39", 100, Decimal(12_000), Decimal(500), Decimal(12_000), None)
        rows = plan_enterprise(rng, facts, months, shock=True)
        source = [
            (i, r["enterprise_id"], r["month"], r["output"], r["revenue"], r["tax"], r["electricity"])
            for i, r in enumerate(rows)
        ]
        ytd = [d["revenue_ytd_yoy"] for d in derive_all(source)]
        crossed = [v is not None and v <= Decimal("-0.2") for v in ytd]
        assert not any(crossed[:-3]), "a shocked enterprise declines only at the end"
        entered += crossed[-2] and crossed[-1] and not crossed[-3]
    assert entered >= 30  # nearly all of them; the noise may keep a few above −20% one more month
