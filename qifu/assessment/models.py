"""Monthly assessment rollups (PRODUCT.md §2.2 考核, §4 scale).

Why a rollup table: at city scale a month holds ~80,000 cases, and the assessment is 17
conditional counts per department or per liaison over them. Computed live, one GROUP BY over a
month costs ~100-175 ms of SQLite CPU (measured on 1,000,000 bulk-created cases), before Python
and JSON; with the bench's 4 concurrent requests on 2 cores that cannot hold a 200 ms p95. The
rollup keeps the counts per (month, department) and per (month, liaison): a read is ≤ 40 or
≤ 5,000 short rows (a few ms), and a range of whole months is one SUM over them. Only counts are
stored — they add up across months — and rates are always computed from them on read, so a
change of weights (settings) needs no recomputation.

When it is used: only for periods too big to count on each request (`LIVE_MAX_CASES`, 10,000
cases: a zone files ~3,000 a year, so a zone always sees live numbers), and only when every month
of the period was counted today (Asia/Shanghai), because 按时办结率 counts open cases past their
deadline *as of today*. The Huey jobs in `tasks.py` recount the current and the previous month
every 10 minutes and every month of the last 13 once a day, so at city scale the numbers are at
most 10 minutes old (the page says when they were counted). Anything else — a small period, no
worker running, an older month, a date range that is not whole months — is counted live from
`cases.Case` by the same code (`tallies.py`): slower, never stale.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    DEPARTMENT = "department", _("按部门")
    LIAISON = "liaison", _("按挂钩干部")


class AssessmentMonth(models.Model):
    """One counted month: when, and as of which local day (the day decides "open and late")."""

    month = models.DateField(primary_key=True)  # the first day of the month
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    cases = models.PositiveIntegerField(default=0)  # filed in the month, when counted


class AssessmentTally(models.Model):
    """The counts of one department (lead department) or one liaison (the liaison at filing)
    over the cases filed in one month. Field meanings: `qifu.assessment.metrics.Counts`."""

    month = models.DateField()
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    department = models.ForeignKey(
        "reference.Department", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    liaison = models.ForeignKey("accounts.User", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    total = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    signed_on_time = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    open_late = models.PositiveIntegerField(default=0)
    dispatched = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)
    handling_days = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(dimension="department", department__isnull=False, liaison__isnull=True)
                | Q(dimension="liaison", liaison__isnull=False, department__isnull=True),
                name="assessmenttally_one_key",
            ),
            models.UniqueConstraint(
                fields=["month", "department"], condition=Q(department__isnull=False), name="assessmenttally_dept"
            ),
            models.UniqueConstraint(
                fields=["month", "liaison"], condition=Q(liaison__isnull=False), name="assessmenttally_liaison"
            ),
        ]
        indexes = [models.Index(fields=["month", "dimension"], name="assessmenttally_month_dim")]
