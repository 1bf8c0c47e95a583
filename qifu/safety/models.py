"""Safety responsibility (督促落实安全责任, PRODUCT.md §2.4): the checklist, the check recorded after
a safety visit, and the rectifications (隐患整改) the enterprise owes with a working-day deadline.

Every table carries the enterprise key (PRODUCT.md §4). Deadlines are dates: the enterprise is on
time when it reports the hazard fixed on or before the end of that working day (Asia/Shanghai).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class Severity(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class Outcome(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NA = "na", _("不适用")


class RectState(models.TextChoices):
    OPEN = "open", _("待整改")
    SUBMITTED = "submitted", _("待验收")
    VERIFIED = "verified", _("已验收")
    REOPENED = "reopened", _("重新整改")


# The enterprise still owes the fix (the deadline runs); a submitted fix waits for the AHJ.
OWED_STATES = (RectState.OPEN, RectState.REOPENED)
OPEN_STATES = (RectState.OPEN, RectState.SUBMITTED, RectState.REOPENED)


class SafetyChecklist(BaseModel):
    """安全检查表: editable in the admin. `industries` (comma-separated industry-code prefixes, e.g.
    "C26,C27") narrows it to some enterprises; empty means every enterprise."""

    name = models.CharField(_("名称"), max_length=100)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    active = models.BooleanField(_("启用"), default=True)
    industries = models.CharField(
        _("适用行业代码前缀"), max_length=200, blank=True, help_text=_("以逗号分隔，如 C26,C27；留空适用于全部企业")
    )

    class Meta:
        verbose_name = _("安全检查表")
        verbose_name_plural = _("安全检查表")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="safetychecklist_name_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def prefixes(self) -> list[str]:
        return [p.strip().upper() for p in self.industries.split(",") if p.strip()]


class SafetyItem(models.Model):
    """One line of a checklist with its severity when failed and the default time to fix it."""

    checklist = models.ForeignKey(SafetyChecklist, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("编号"), max_length=16)
    text = models.CharField(_("检查内容"), max_length=300)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    severity = models.CharField(_("隐患等级"), max_length=16, choices=Severity.choices, default=Severity.GENERAL)
    days = models.PositiveSmallIntegerField(_("整改时限(工作日)"), default=10)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="safetyitem_checklist_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class SafetyCheck(BaseModel):
    """The checklist filled after one safety-kind visit (one per visit)."""

    visit = models.OneToOneField("visits.Visit", on_delete=models.PROTECT, related_name="safety_check")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)
    checklist = models.ForeignKey(SafetyChecklist, on_delete=models.PROTECT, related_name="checks")
    checked_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", db_index=False)
    checked_on = models.DateField(_("检查日期"))
    failed = models.PositiveSmallIntegerField(_("不合格项"), default=0)

    class Meta:
        verbose_name = _("安全检查记录")
        verbose_name_plural = _("安全检查记录")
        indexes = [models.Index(fields=["enterprise", "checked_on"], name="safetycheck_ent_on")]


class SafetyResult(models.Model):
    check_record = models.ForeignKey(SafetyCheck, on_delete=models.CASCADE, related_name="results", db_index=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)
    item = models.ForeignKey(SafetyItem, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["check_record", "item"], name="safetyresult_unique")]


class Rectification(BaseModel):
    """隐患整改: a failed item the enterprise must fix by `due` (working days from the check)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)
    result = models.OneToOneField(SafetyResult, on_delete=models.PROTECT, related_name="rectification")
    check_record = models.ForeignKey(SafetyCheck, on_delete=models.PROTECT, related_name="rectifications")
    hazard = models.TextField(_("隐患描述"), max_length=2000)
    severity = models.CharField(_("隐患等级"), max_length=16, choices=Severity.choices)
    days = models.PositiveSmallIntegerField(_("整改时限(工作日)"))
    due = models.DateField(_("整改期限"))
    state = models.CharField(_("状态"), max_length=16, choices=RectState.choices, default=RectState.OPEN)
    overdue = models.BooleanField(_("已超期"), default=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", db_index=False)
    fix_note = models.TextField(_("整改情况"), blank=True, max_length=2000)
    fix_photo = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    submitted_at = models.DateTimeField(_("报告整改时间"), null=True, blank=True)
    verify_note = models.TextField(_("验收意见"), blank=True, max_length=2000)
    verified_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    recheck_visit = models.ForeignKey(
        "visits.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("隐患整改")
        verbose_name_plural = _("隐患整改")
        indexes = [
            models.Index(fields=["enterprise", "state", "due"], name="rect_ent_state_due"),
            models.Index(fields=["state", "due"], name="rect_state_due"),
            models.Index(fields=["severity", "state"], name="rect_severity_state"),
            models.Index(fields=["overdue", "id"], name="rect_overdue_id", condition=Q(overdue=True)),
        ]

    def __str__(self) -> str:
        return self.hazard[:40]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class RectificationEvent(models.Model):
    """One line of a rectification's history: created, submitted, verified, reopened, overdue."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="events")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    action = models.CharField(max_length=16)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class RectificationNotice(models.Model):
    """The overdue notice sent for one deadline: the unique key makes the job idempotent (a new
    deadline after reopening starts a new round)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="notices")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)
    due = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rectification", "due"], name="rectnotice_unique")]
