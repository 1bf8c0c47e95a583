"""Duplicates merged, cluster snapshots and common problems (共性问题, PRODUCT.md §2.5).

- `CaseMerge`: a duplicate closed into the case that continues (one row per merged case).
- `ClusterSnapshot`: the clusters of open cases computed by the task or `qifu commons cluster`
  (never on a page view: at city scale there are some 50,000 open cases). The page reads the
  latest one; the clusters are kept as JSON with the names needed to show them.
- `CommonProblem` and its `CommonMember` cases: one lead department, one deadline, one answer
  posted to every member case. Members carry `Case.is_common = True` (a cockpit cube dimension,
  changed through `cube_moved`).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class CaseMerge(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="merged_into")
    into = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="merged_from")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("合并记录")
        verbose_name_plural = _("合并记录")


class ClusterSnapshot(models.Model):
    computed_at = models.DateTimeField()
    since = models.DateField()
    days = models.PositiveSmallIntegerField()
    min_enterprises = models.PositiveSmallIntegerField()
    open_cases = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    clusters = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("聚类结果")
        verbose_name_plural = _("聚类结果")


class ProblemState(models.TextChoices):
    OPEN = "open", _("办理中")
    ANSWERED = "answered", _("已答复")


class CommonProblem(BaseModel):
    title = models.CharField(_("标题"), max_length=120)
    category = models.ForeignKey(
        "reference.Category", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("类别")
    )
    lead_department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, related_name="common_problems", verbose_name=_("牵头部门")
    )
    deadline = models.DateField(_("办理时限"))
    days = models.PositiveSmallIntegerField(_("办理时限(工作日)"))
    state = models.CharField(_("状态"), max_length=16, choices=ProblemState.choices, default=ProblemState.OPEN)
    answer = models.TextField(_("统一答复"), blank=True)
    terms = models.CharField(_("关键词"), max_length=200, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("共性问题")
        verbose_name_plural = _("共性问题")
        indexes = [
            models.Index(fields=["state", "id"], name="common_state_id"),
            models.Index(fields=["lead_department", "id"], name="common_dept_id"),
        ]

    def __str__(self) -> str:
        return self.title


class CommonMember(models.Model):
    problem = models.ForeignKey(CommonProblem, on_delete=models.CASCADE, related_name="members")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        constraints = [
            # a case belongs to one common problem at a time
            models.UniqueConstraint(fields=["case"], condition=Q(active=True), name="commonmember_one_active"),
        ]
        indexes = [models.Index(fields=["problem", "active"], name="commonmember_problem")]
