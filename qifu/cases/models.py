"""Requests and the problem ledger (PRODUCT.md §2.2): the case, its parts, events and clocks.

Every table carries the enterprise key (`enterprise_id`) so the schema can be sharded by
enterprise later (PRODUCT.md §4). Deadlines are dates (the end of that working day in
Asia/Shanghai); the `*_on_time` booleans are settled when the step happens, so the assessment
rates are plain conditional sums over indexed rows instead of date arithmetic per request.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    DISPATCHED = "dispatched", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已关闭")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATES = frozenset({CaseState.SUBMITTED, CaseState.ACCEPTED, CaseState.DISPATCHED, CaseState.IN_PROGRESS})
FINAL_STATES = frozenset({CaseState.CLOSED, CaseState.REJECTED, CaseState.WITHDRAWN})


class CaseKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class Channel(models.TextChoices):
    PORTAL = "portal", _("企业端")
    VISIT = "visit", _("走访")
    ONSITE_OFFICE = "onsite_office", _("集中现场办公")
    PHONE = "phone", _("电话")
    API = "api", _("接口")


class Solved(models.TextChoices):
    SOLVED = "solved", _("已解决")
    PARTLY = "partly_solved", _("部分解决")
    NOT_SOLVED = "not_solved", _("未解决")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class CaseSequence(models.Model):
    """The last number given out per year. Incremented inside the filing transaction, so a
    rollback returns the number and numbers stay gap-free under concurrency."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


# Indexes over columns that are empty when a request is filed (department, handler, deadlines
# of later steps) hold only the rows that have them: filing then updates half as many B-trees.
# A query that compares the column (`lead_department_id = ?`, `resolve_by < ?`) implies the
# condition, so SQLite and PostgreSQL use these indexes with bound parameters too.
LED = Q(lead_department__isnull=False)


class Case(BaseModel):
    """诉求 / 工单."""

    number = models.CharField(_("编号"), max_length=20, unique=True)
    # Foreign keys led by a composite index below carry no index of their own: every index is
    # one more B-tree to update per filing (case_create at a million rows).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="cases", verbose_name=_("企业"), db_index=False
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("项目"),
    )
    category = models.ForeignKey(
        "reference.Category", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("类别"), db_index=False
    )
    kind = models.CharField(_("诉求性质"), max_length=16, choices=CaseKind.choices, default=CaseKind.HELP)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    title = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("诉求内容"), max_length=10000)
    state = models.CharField(_("状态"), max_length=16, choices=CaseState.choices, default=CaseState.SUBMITTED)

    lead_department = models.ForeignKey(
        "reference.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
        verbose_name=_("责任部门"),
        db_index=False,
    )
    handler = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
        db_index=False,
    )
    liaison = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("挂钩干部"),
        db_index=False,
    )
    filed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人"))
    is_common = models.BooleanField(_("共性问题"), default=False)
    green_channel = models.BooleanField(_("绿色通道"), default=False)
    supervised = models.BooleanField(_("督办"), default=False)
    overdue = models.BooleanField(_("已超期"), default=False)
    paused = models.BooleanField(_("待企业补充"), default=False)

    submitted_at = models.DateTimeField(_("提出时间"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField()

    respond_by = models.DateField(_("受理时限"))
    sign_by = models.DateField(_("签收时限"), null=True, blank=True)
    resolve_by = models.DateField(_("办理时限"), null=True, blank=True)
    resolve_days = models.PositiveSmallIntegerField(_("办理时限(工作日)"), null=True, blank=True)
    remind_on = models.DateField(null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(default=0)
    paused_days = models.PositiveSmallIntegerField(default=0)

    responded_on_time = models.BooleanField(null=True, blank=True)
    signed_on_time = models.BooleanField(null=True, blank=True)
    resolved_on_time = models.BooleanField(null=True, blank=True)
    handling_days = models.PositiveSmallIntegerField(null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    solved = models.CharField(_("解决情况"), max_length=16, choices=Solved.choices, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=24, choices=Satisfaction.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("答复"), blank=True)

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        indexes = [
            models.Index(fields=["state", "id"], name="case_state_id"),
            models.Index(fields=["enterprise", "id"], name="case_enterprise_id"),
            models.Index(fields=["lead_department", "state", "id"], name="case_dept_state_id", condition=LED),
            models.Index(fields=["lead_department", "state", "resolve_by"], name="case_dept_state_due", condition=LED),
            models.Index(fields=["handler", "state"], name="case_handler_state", condition=Q(handler__isnull=False)),
            models.Index(fields=["liaison", "id"], name="case_liaison_id"),
            models.Index(fields=["state", "resolve_by"], name="case_state_due", condition=Q(resolve_by__isnull=False)),
            models.Index(fields=["state", "sign_by"], name="case_state_sign_by", condition=Q(sign_by__isnull=False)),
            models.Index(fields=["state", "respond_by"], name="case_state_respond_by"),
            models.Index(fields=["state", "remind_on"], name="case_state_remind", condition=Q(remind_on__isnull=False)),
            models.Index(fields=["supervised", "id"], name="case_supervised_id", condition=Q(supervised=True)),
            # 督办中 (open and supervised) on the desk's home and the leaders' list
            models.Index(fields=["state", "id"], name="case_supervised_state", condition=Q(supervised=True)),
            models.Index(fields=["submitted_at"], name="case_submitted_at"),
            models.Index(fields=["category", "id"], name="case_category_id"),
            models.Index(fields=["lead_department", "submitted_at"], name="case_dept_submitted"),
            models.Index(fields=["liaison", "submitted_at"], name="case_liaison_submitted"),
            # the department inbox: to sign by its deadline (the working cases by theirs use
            # case_dept_state_due: a sort of narrow index entries, see CappedPaginator.page)
            models.Index(fields=["lead_department", "state", "sign_by"], name="case_dept_state_sign_by", condition=LED),
            # the inbox's 即将到期 count reads this index alone (reminder day reached, not yet late)
            models.Index(
                fields=["lead_department", "state", "remind_on", "resolve_by"],
                name="case_dept_state_remind",
                condition=LED,
            ),
            # a department's view of enterprises (access.scopes) reads only this index
            models.Index(fields=["lead_department", "enterprise"], name="case_dept_enterprise", condition=LED),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class PartState(models.TextChoices):
    DISPATCHED = "dispatched", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    DONE = "done", _("已答复")


class CasePart(BaseModel):
    """An assisting department's share (协办): its own deadline and state."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parts")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("reference.Department", on_delete=models.PROTECT, related_name="case_parts")
    state = models.CharField(max_length=16, choices=PartState.choices, default=PartState.DISPATCHED)
    due_on = models.DateField(_("协办时限"))
    handler = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answer = models.TextField(_("协办意见"), blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "department"], condition=Q(active=True), name="casepart_one_active_per_dept"
            )
        ]
        indexes = [models.Index(fields=["department", "state", "due_on"], name="casepart_dept_state_due")]


class CaseEvent(models.Model):
    """One line of the timeline: who, when, what, before/after; public or internal.

    Messages (public) and internal notes are events too (`message`, `note`), so the
    conversation and the timeline are one ordered stream."""

    # read only by case (caseevent_case_id); the other keys carry no index of their own
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    actor_role = models.CharField(max_length=16, blank=True)
    department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    public = models.BooleanField(default=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "id"], name="caseevent_case_id")]


class CaseAttachment(models.Model):
    """A stored file attached to a case, by a message/note event or at filing."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["case", "id"], name="caseattachment_case_id")]


class RequestState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    DENIED = "denied", _("未同意")


class Extension(BaseModel):
    """延期申请: approved by the lead department's head; lengthens the resolve clock."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("reference.Department", on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField(_("延期工作日"))
    reason = models.CharField(_("延期理由"), max_length=500)
    state = models.CharField(max_length=16, choices=RequestState.choices, default=RequestState.PENDING)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(state="pending"), name="extension_one_pending")
        ]
        indexes = [models.Index(fields=["department", "state"], name="extension_dept_state")]


class ReturnRequest(BaseModel):
    """退单申请 by a handler: the head approves (back to the desk) or denies it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="returns")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("reference.Department", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("退单理由"), max_length=500)
    state = models.CharField(max_length=16, choices=RequestState.choices, default=RequestState.PENDING)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(state="pending"), name="return_one_pending")
        ]
        indexes = [models.Index(fields=["department", "state"], name="return_dept_state")]


class InfoRequest(BaseModel):
    """补充材料: the resolve clock pauses from the question until the enterprise answers."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="info_requests")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("需补充的内容"), max_length=2000)
    asked_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    answer = models.TextField(_("企业补充"), blank=True, max_length=10000)
    answered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    paused_workdays = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(answered_at__isnull=True), name="inforequest_one_open")
        ]


class Follower(models.Model):
    """Staff who follow a case (a liaison for their enterprise) and get its notices."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="follower_unique")]


class RoutingMode(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("轮流分配")
    LEAST_LOADED = "least_loaded", _("最少在办优先")
    HEAD_ASSIGNS = "head_assigns", _("负责人指派")


class DepartmentRouting(models.Model):
    """How a department hands a dispatched case to one handler."""

    department = models.OneToOneField("reference.Department", on_delete=models.CASCADE, related_name="routing")
    mode = models.CharField(_("分配规则"), max_length=16, choices=RoutingMode.choices, default=RoutingMode.ROUND_ROBIN)
    last_handler = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("部门分办规则")
        verbose_name_plural = _("部门分办规则")


class SlaKind(models.TextChoices):
    RESPOND_LATE = "respond_late", _("受理超时")
    SIGN_LATE = "sign_late", _("签收超时")
    REMIND = "remind", _("催办")
    OVERDUE = "overdue", _("超期")
    REPORT = "report", _("通报")


class SlaNotice(models.Model):
    """One escalation step sent for a case, for one deadline (an extension moves the deadline and
    so starts a new round). The unique key makes the deadline job idempotent: two runs or two
    workers never send the same notice twice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sla_notices")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=SlaKind.choices)
    due = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "kind", "due"], name="slanotice_unique")]
