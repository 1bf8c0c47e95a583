"""Meeting and event forms: shape only (every rule is the services'), errors beside the field in
Chinese. Times are entered in Beijing time (`datetime-local`) and stored UTC."""

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qifu.access.actor import Actor
from qifu.core.errors import QifuError
from qifu.enterprises.models import Enterprise
from qifu.linkage.forms import ServiceForm, resolve_enterprise
from qifu.meetings.models import Meeting, MeetingKind, Outcome
from qifu.meetings.services import DecisionData, MeetingData, OutcomeData
from qifu.meetings.services_events import EventData
from qifu.reference.models import Department

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
MAX_INVITES = 50


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=LOCAL_INPUT, **kwargs)


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime(LOCAL_INPUT) if value else ""


class ServiceErrorsForm(ServiceForm):
    """The service's own Chinese message, beside the field it names (`data["field"]`)."""

    def add_service_error(self, exc: QifuError) -> None:
        field = str((exc.data or {}).get("field") or "")
        self.add_error(field if field in self.fields else None, exc.message)


def _departments(departments: list[Department]) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in departments]


class MeetingForm(ServiceErrorsForm):
    """安排会议 / 修改安排."""

    kind = forms.ChoiceField(label=_("类型"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("会议名称"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("开始时间"), required=False, widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT]
    )
    place = forms.CharField(label=_("地点"), max_length=300, required=False)
    host_department = forms.ChoiceField(
        label=_("牵头部门"), required=False, help_text=_("部门负责人安排的会议由本部门牵头。")
    )
    departments = forms.MultipleChoiceField(
        label=_("参会部门"), required=False, widget=forms.CheckboxSelectMultiple, help_text=_("牵头部门自动参会。")
    )

    def __init__(self, *args: Any, actor: Actor, departments: list[Department], **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        choices = _departments(departments)
        self.fields["host_department"].choices = [("", gettext("服务专班")), *choices]  # type: ignore[attr-defined]
        self.fields["departments"].choices = choices  # type: ignore[attr-defined]
        if actor.role != "desk":
            del self.fields["host_department"]

    @classmethod
    def initial_for(cls, meeting: Meeting, department_codes: list[str]) -> dict[str, Any]:
        return {
            "kind": meeting.kind,
            "title": meeting.title,
            "starts_at": _local(meeting.starts_at),
            "place": meeting.place,
            "host_department": meeting.host_department.code,
            "departments": department_codes,
        }

    def data_out(self) -> MeetingData:
        d = self.cleaned_data
        return MeetingData(
            title=d.get("title") or "",
            starts_at=d.get("starts_at"),
            place=d.get("place") or "",
            kind=d.get("kind") or MeetingKind.ONSITE_OFFICE,
            host_department=d.get("host_department") or "",
            departments=tuple(d.get("departments") or ()),
        )


def resolve_many(actor: Actor, text: str) -> list[Enterprise]:
    """One enterprise per line (name or USCC, in the actor's scope); every bad line is reported."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise ValidationError(gettext("请填写要邀请的企业，每行一家。"), code="required")
    if len(lines) > MAX_INVITES:
        raise ValidationError(gettext("一次最多邀请%(n)s家企业。") % {"n": MAX_INVITES}, code="too_many")
    found, errors = [], []
    for line in lines:
        try:
            found.append(resolve_enterprise(actor, line))
        except ValidationError as exc:
            errors.append(f"{line}：{'；'.join(exc.messages)}")
    if errors:
        raise ValidationError(errors)
    return found


class InviteForm(ServiceErrorsForm):
    enterprises = forms.CharField(
        label=_("邀请企业"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一家：企业名称或统一社会信用代码。"),
    )
    requested = forms.BooleanField(label=_("企业主动申请参加（不计入无事不扰次数）"), required=False)

    def clean_enterprises(self) -> list[Enterprise]:
        return resolve_many(self.actor, self.cleaned_data.get("enterprises", ""))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=[c for c in Outcome.choices if c[0] != Outcome.PENDING])
    note = forms.CharField(required=False, max_length=6000)
    department = forms.CharField(required=False, max_length=16)
    deadline_days = forms.IntegerField(required=False, min_value=0, max_value=999)

    def data_out(self) -> OutcomeData:
        d = self.cleaned_data
        return OutcomeData(
            outcome=d.get("outcome") or "",
            note=d.get("note") or "",
            department=d.get("department") or "",
            deadline_days=d.get("deadline_days"),
        )


class DecisionForm(ServiceErrorsForm):
    enterprise = forms.CharField(label=_("企业"), max_length=200, required=False)
    text = forms.CharField(
        label=_("决定事项"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=6000
    )
    department = forms.CharField(label=_("责任部门"), required=False, max_length=16)
    deadline_days = forms.IntegerField(label=_("办结时限（工作日）"), required=False, min_value=0, max_value=999)

    def clean_enterprise(self) -> Enterprise | None:
        text = self.cleaned_data.get("enterprise", "")
        return resolve_enterprise(self.actor, text) if text.strip() else None

    def data_out(self) -> DecisionData:
        d = self.cleaned_data
        return DecisionData(
            enterprise=d.get("enterprise"),
            text=d.get("text") or "",
            department=d.get("department") or "",
            deadline_days=d.get("deadline_days"),
        )


class EventForm(ServiceErrorsForm):
    title = forms.CharField(label=_("活动名称"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("开始时间"), required=False, widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT]
    )
    registration_closes_at = forms.DateTimeField(
        label=_("报名截止"),
        required=False,
        widget=LocalDateTimeInput(),
        input_formats=[LOCAL_INPUT],
        help_text=_("不填则开始前均可报名。"),
    )
    place = forms.CharField(label=_("地点"), max_length=300, required=False)
    capacity = forms.IntegerField(label=_("名额（人）"), required=False, min_value=0, max_value=100000)
    description = forms.CharField(
        label=_("活动介绍"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=6000
    )

    def data_out(self) -> EventData:
        d = self.cleaned_data
        return EventData(
            title=d.get("title") or "",
            starts_at=d.get("starts_at"),
            place=d.get("place") or "",
            capacity=d.get("capacity"),
            registration_closes_at=d.get("registration_closes_at"),
            description=d.get("description") or "",
        )
