"""The cockpit's pre-aggregate (issue 6 item 5, PRODUCT.md §2.8).

Why: at city scale (1,000,000 cases) one GROUP BY over `cases.Case` per chart costs hundreds of
milliseconds of SQLite CPU; the cockpit has to answer within 200 ms (p95, 4 concurrent clients on 2
cores). `CaseCube` holds the number of cases per combination of the dimensions the charts need:

- `month`: the month the case was filed (Asia/Shanghai, as the assessment and the ledger's dates);
- `category`, `department`: the category and lead department ids (0 = none yet);
- `state`, `overdue`, `supervised`: as on the case now.

`CommonCube` counts the same cases per (month, industry section of the enterprise, category,
is_common) for the common problems by industry. Two narrow tables rather than one wide one: the
product of every dimension held nearly one row per case at city scale (186,000 rows for 1,000,000
cases, a month's read 120+ ms); apart they hold ~1,000 and ~750 rows a month.

Both are kept exact on every write of a case: `cube.cube_moved` runs in the same transaction as the
case's insert or update (filing, every lifecycle action, the deadline job) and moves one unit from
the old combination to the new one. `qifu cockpit rebuild` (and the seed, and migration 0002)
recount it from the cases in one GROUP BY. Rows may fall to n = 0; readers sum, so they do not care.
"""

from django.db import models
from django.db.models import Q


class CaseCube(models.Model):
    """Cases per (filing month, category, lead department, state, overdue, supervised): the case
    charts, the 12-month trend and the backlog. A city month holds ~1,000 rows."""

    month = models.DateField()  # the first day of the filing month
    category = models.PositiveIntegerField(default=0)  # reference.Category id, 0 = none
    department = models.PositiveIntegerField(default=0)  # reference.Department id (lead), 0 = none
    state = models.CharField(max_length=16)
    overdue = models.BooleanField(default=False)
    supervised = models.BooleanField(default=False)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "category", "department", "state", "overdue", "supervised"], name="casecube_key"
            )
        ]
        indexes = [
            # a month's charts and the 12-month trend read these alone (covering: n included)
            models.Index(fields=["month", "category", "department", "state", "n"], name="casecube_month"),
            models.Index(fields=["month", "state", "n"], name="casecube_month_state"),
            # every open case now, whatever its month
            models.Index(fields=["state", "n"], name="casecube_state"),
            # the current backlog (open, overdue or supervised) across every month
            models.Index(
                fields=["state", "department", "n"],
                name="casecube_flagged",
                condition=Q(overdue=True) | Q(supervised=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category}/{self.department}/{self.state}: {self.n}"


class CommonCube(models.Model):
    """Cases per (filing month, industry section, category, is_common): the common problems by
    industry. Apart from `CaseCube` so that neither multiplies the other's rows (15 sections × 25
    categories × 2 per month, ~750 rows, instead of the product with states and departments)."""

    month = models.DateField()
    industry = models.CharField(max_length=1, blank=True)  # GB/T 4754 section letter, "" = not recorded
    category = models.PositiveIntegerField(default=0)
    is_common = models.BooleanField(default=False)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "industry", "category", "is_common"], name="commoncube_key")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.industry}/{self.category}/{self.is_common}: {self.n}"
