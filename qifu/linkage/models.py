from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class LinkRole(models.TextChoices):
    PRIMARY = "primary", _("主挂钩人")
    BACKUP = "backup", _("备挂钩人")


class Linkage(BaseModel):
    """挂钩关系: a liaison (cadre or deputy) linked to an enterprise, or to one of its projects.

    History is kept: a link ends (`ended_on`) instead of being deleted. At most one open primary
    link per enterprise (or per project) is enforced by a partial unique index.
    """

    liaison = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="linkages")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="linkages")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="linkages"
    )
    role = models.CharField(_("挂钩角色"), max_length=16, choices=LinkRole.choices)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    reason = models.CharField(_("调整原因"), max_length=255, blank=True)
    assigned_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("挂钩关系")
        verbose_name_plural = _("挂钩关系")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(ended_on__isnull=True, role="primary", project__isnull=True),
                name="linkage_one_open_primary_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(ended_on__isnull=True, role="primary", project__isnull=False),
                name="linkage_one_open_primary_per_project",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "project", "liaison"],
                condition=Q(ended_on__isnull=True),
                name="linkage_one_open_link_per_liaison",
            ),
        ]
        indexes = [
            models.Index(fields=["liaison", "ended_on"], name="linkage_liaison_open"),
            models.Index(fields=["enterprise", "ended_on"], name="linkage_enterprise_open"),
        ]


class TaskForce(BaseModel):
    """专班 (一企业一专班): a lead and members from several departments working one ledger."""

    name = models.CharField(_("专班名称"), max_length=120)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="task_forces", verbose_name=_("企业")
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="task_forces"
    )
    lead = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头人"))
    goal = models.TextField(_("工作目标"), blank=True)
    active = models.BooleanField(_("运行中"), default=True)

    class Meta:
        verbose_name = _("专班")
        verbose_name_plural = _("专班")

    def __str__(self) -> str:
        return self.name


class TaskForceMember(models.Model):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="task_force_memberships")
    duty = models.CharField(_("分工"), max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task_force", "user"], name="taskforce_member_uniq")]
        indexes = [models.Index(fields=["user", "enterprise"], name="tfmember_user_ent")]
