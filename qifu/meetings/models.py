"""On-site office days, coordination meetings and enterprise salons (PRODUCT.md §2.7).

A meeting invites departments and enterprises, takes existing cases onto its agenda, records an
outcome per case and decisions that become cases with deadlines. An event (企业沙龙) invites
enterprises, which register and attend. Rows that belong to one enterprise carry its key.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qifu.core.models import BaseModel


class MeetingKind(models.TextChoices):
    ONSITE_OFFICE = "onsite_office", _("集中现场办公")
    COORDINATION = "coordination", _("现场协调会")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("已安排")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class Meeting(BaseModel):
    """集中现场办公 / 现场协调会."""

    kind = models.CharField(_("类型"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.ONSITE_OFFICE)
    title = models.CharField(_("会议名称"), max_length=120)
    starts_at = models.DateTimeField(_("开始时间"))
    place = models.CharField(_("地点"), max_length=200)
    organiser = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织人"))
    host_department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头部门")
    )
    state = models.CharField(_("状态"), max_length=16, choices=MeetingState.choices, default=MeetingState.PLANNED)
    minutes = models.TextField(_("会议纪要"), blank=True, max_length=20000)
    held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("现场办公/协调会")
        verbose_name_plural = _("现场办公/协调会")
        indexes = [
            models.Index(fields=["starts_at", "id"], name="meeting_starts"),
            models.Index(fields=["host_department", "starts_at"], name="meeting_host_starts"),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingDepartment(models.Model):
    """A department taking part (the host department is always one)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="departments")
    department = models.ForeignKey("reference.Department", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "department"], name="meetingdept_unique")]
        indexes = [models.Index(fields=["department", "meeting"], name="meetingdept_dept")]


class InviteState(models.TextChoices):
    INVITED = "invited", _("已邀请")
    ATTENDING = "attending", _("确认参加")
    DECLINED = "declined", _("不参加")


class MeetingInvite(BaseModel):
    """An enterprise invited to a meeting; `requested`: the enterprise asked for it (无事不扰: not
    counted in its disturbance budget)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invites")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("回复"), max_length=16, choices=InviteState.choices, default=InviteState.INVITED)
    requested = models.BooleanField(_("企业申请参加"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "enterprise"], name="meetinginvite_unique")]
        indexes = [models.Index(fields=["enterprise", "meeting"], name="meetinginvite_enterprise")]


class Outcome(models.TextChoices):
    PENDING = "pending", _("待议")
    RESOLVED_ON_SPOT = "resolved_on_spot", _("现场解决")
    ASSIGNED = "assigned", _("明确责任限时办结")
    NEEDS_POLICY = "needs_policy", _("需政策研究")


class MeetingItem(BaseModel):
    """One existing case on the agenda, with the outcome the meeting reached."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("议定结果"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deadline_days = models.PositiveSmallIntegerField(_("办结时限(工作日)"), null=True, blank=True)
    due_on = models.DateField(_("办结期限"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True, max_length=5000)
    case_changed = models.CharField(max_length=32, blank=True)  # the case action applied, if any
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="meetingitem_unique")]
        indexes = [models.Index(fields=["enterprise", "meeting"], name="meetingitem_enterprise")]


class MeetingDecision(BaseModel):
    """A decision of the meeting: filed as a case (channel onsite_office) and dispatched to the lead
    department with the agreed time limit."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("决定事项"), max_length=5000)
    department = models.ForeignKey("reference.Department", on_delete=models.PROTECT, related_name="+")
    deadline_days = models.PositiveSmallIntegerField(_("办结时限(工作日)"))
    due_on = models.DateField(_("办结期限"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["enterprise", "meeting"], name="meetingdecision_enterprise")]


class EventState(models.TextChoices):
    OPEN = "open", _("报名中")
    CANCELLED = "cancelled", _("已取消")


class Event(BaseModel):
    """企业沙龙: invited enterprises register (up to the capacity, before registration closes)."""

    title = models.CharField(_("活动名称"), max_length=120)
    starts_at = models.DateTimeField(_("开始时间"))
    place = models.CharField(_("地点"), max_length=200)
    capacity = models.PositiveIntegerField(_("名额(人)"))
    description = models.TextField(_("活动介绍"), blank=True, max_length=5000)
    registration_closes_at = models.DateTimeField(_("报名截止"))
    state = models.CharField(_("状态"), max_length=16, choices=EventState.choices, default=EventState.OPEN)
    organiser = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织人"))

    class Meta:
        verbose_name = _("企业沙龙")
        verbose_name_plural = _("企业沙龙")
        indexes = [models.Index(fields=["starts_at", "id"], name="event_starts")]

    def __str__(self) -> str:
        return self.title


class EventInvite(BaseModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invites")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "enterprise"], name="eventinvite_unique")]
        indexes = [models.Index(fields=["enterprise", "event"], name="eventinvite_enterprise")]


class RegistrationState(models.TextChoices):
    REGISTERED = "registered", _("已报名")
    CANCELLED = "cancelled", _("已取消")


class EventRegistration(BaseModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    attendees = models.PositiveSmallIntegerField(_("参加人数"), default=1)
    state = models.CharField(
        _("状态"), max_length=16, choices=RegistrationState.choices, default=RegistrationState.REGISTERED
    )
    attended = models.BooleanField(_("已签到"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "enterprise"], condition=Q(state="registered"), name="eventreg_one_active"
            )
        ]
        indexes = [
            models.Index(fields=["event", "state"], name="eventreg_event_state"),
            models.Index(fields=["enterprise", "event"], name="eventreg_enterprise"),
        ]
