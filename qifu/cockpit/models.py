"""The cockpit's pre-aggregate (issue 6 item 5, PRODUCT.md §2.8).

Why: at city scale (1,000,000 cases) one GROUP BY over `cases.Case` per chart costs hundreds of
milliseconds of SQLite CPU; the cockpit has to answer within 200 ms (p95, 4 concurrent clients on 2
cores). `CaseCube` holds the number of cases per combination of the dimensions the charts need:

- `month`: the month the case was filed (Asia/Shanghai, as the assessment and the ledger's dates);
- `category`, `department`: the category and lead department ids (0 = none yet);
- `state`, `overdue`, `supervised`, `is_common`: as on the case now;
- `industry`: the enterprise's GB/T 4754 section letter ("" = not recorded).

It is kept exact on every write of a case: `cube.cube_move` runs in the same transaction as the
case's insert or update (filing, every lifecycle action, the deadline job) and moves one unit from
the old combination to the new one. `qifu cockpit rebuild` (and the seed, and migration 0002)
recount it from the cases in one GROUP BY. Rows may fall to n = 0; readers sum, so they do not care.
"""

from django.db import models
from django.db.models import Q


class CaseCube(models.Model):
    month = models.DateField()  # the first day of the filing month
    category = models.PositiveIntegerField(default=0)  # reference.Category id, 0 = none
    department = models.PositiveIntegerField(default=0)  # reference.Department id (lead), 0 = none
    state = models.CharField(max_length=16)
    industry = models.CharField(max_length=1, blank=True)
    overdue = models.BooleanField(default=False)
    supervised = models.BooleanField(default=False)
    is_common = models.BooleanField(default=False)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "category", "department", "state", "industry", "overdue", "supervised", "is_common"],
                name="casecube_key",
            )
        ]
        indexes = [
            # the current backlog (open, overdue or supervised) across every month
            models.Index(
                fields=["state", "department", "n"],
                name="casecube_flagged",
                condition=Q(overdue=True) | Q(supervised=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category}/{self.department}/{self.state}: {self.n}"
