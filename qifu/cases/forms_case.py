"""Case page forms (issue 3 item 5): 提诉求 and the action forms of the case page.

Forms check shape only; every rule (required text, lengths, categories, who may act in which
state, file types and sizes) is the service's (`case_file`, `case_act`), whose errors come back
beside the field they concern, in Chinese.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qifu.access.actor import Actor
from qifu.cases.models import CaseKind, CaseState, Channel, Urgency
from qifu.cases.selectors import filing_enterprise
from qifu.cases.services import TEXT_MAX, TITLE_MAX, CaseData
from qifu.cases.wording import action_label
from qifu.core.errors import Conflict, QifuError
from qifu.enterprises.models import Enterprise
from qifu.linkage.forms import resolve_enterprise
from qifu.reference.models import Department

MAX_FILES = 10
ACCEPT = ".jpg,.jpeg,.png,.gif,.webp,.bmp,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
STAFF_CHANNELS = [(c.value, c.label) for c in (Channel.VISIT, Channel.ONSITE_OFFICE, Channel.PHONE)]


def upload_hint() -> str:
    return gettext("可上传图片（JPG、PNG等）、PDF和Office文档，单个文件不超过%(mb)s MB，最多%(n)s个。") % {
        "mb": settings.UPLOAD_MAX_MB,
        "n": MAX_FILES,
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the type, size and virus checks are `file_store`'s."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT, "data-qf-max-mb": "0"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(gettext("一次最多上传%(n)s个附件。") % {"n": MAX_FILES}, code="too_many")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _category_choices(departments: list[Department]) -> list[Any]:
    """Categories grouped by their default department (one optgroup per department)."""
    groups: list[Any] = [("", _("不确定，由服务专班分办"))]
    for dept in departments:
        options = [(c.code, c.name) for c in getattr(dept, "active_categories", [])]
        if options:
            groups.append((dept.name, options))
    return groups


class CaseFileForm(forms.Form):
    """提诉求. Staff (a liaison on a visit, the desk on the phone) also name the enterprise and channel."""

    use_required_attribute = False  # errors come from the server, in Chinese, beside the field

    enterprise = forms.CharField(
        label=_("企业"),
        required=False,
        max_length=200,
        help_text=_("输入企业名称或18位统一社会信用代码，可从提示中选择。"),
    )
    channel = forms.ChoiceField(label=_("来源渠道"), choices=STAFF_CHANNELS, required=False)
    # A plain value (the select only offers choices): an unknown code gets the service's message.
    category = forms.CharField(
        label=_("诉求类别"),
        required=False,
        max_length=32,
        widget=forms.Select(),
        help_text=_("不确定可不选，由服务专班分办"),
    )
    kind = forms.ChoiceField(label=_("诉求性质"), choices=CaseKind.choices, initial=CaseKind.HELP)
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("标题"), required=False, help_text=_("选填；不填时取诉求内容的开头作为标题。"))
    text = forms.CharField(label=_("诉求内容"), required=False, widget=forms.Textarea(attrs={"rows": 7}))
    attachments = MultipleFileField(label=_("附件"), required=False)

    def __init__(self, *args: Any, actor: Actor, departments: list[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["category"].widget.choices = _category_choices(departments)
        self.fields["attachments"].help_text = upload_hint()
        self.fields["attachments"].widget.attrs.update(
            {
                "data-qf-max-mb": str(settings.UPLOAD_MAX_MB),
                "data-qf-too-big": gettext("“{name}”超过 {mb} MB，请压缩或拆分后再上传。"),
            }
        )
        self.fields["text"].widget.attrs.update({"maxlength": TEXT_MAX, "data-qf-counter": TEXT_MAX})
        self.fields["title"].widget.attrs.update({"maxlength": TITLE_MAX})
        self.fields["text"].widget.attrs["placeholder"] = gettext(
            "请写明遇到的问题、希望得到的帮助，以及时间、地点等关键信息。"
        )
        if actor.is_enterprise:
            del self.fields["enterprise"], self.fields["channel"]
        else:
            self.fields["channel"].initial = Channel.VISIT if actor.is_liaison else Channel.PHONE
            self.fields["enterprise"].widget.attrs.update(
                {
                    "list": "enterprise-options",
                    "autocomplete": "off",
                    "placeholder": gettext("如：昆山甲电子 或 91320583…"),
                    "hx-get": reverse_lazy("cases:enterprise_options"),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#enterprise-options",
                    "hx-swap": "innerHTML",
                }
            )
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def clean_enterprise(self) -> str:
        """The USCC of the one enterprise in the filer's scope the text names (name or USCC)."""
        value = str(self.cleaned_data.get("enterprise") or "").strip()
        if not value:
            raise forms.ValidationError(gettext("请填写企业名称或统一社会信用代码。"), code="required")
        return resolve_enterprise(self.actor, value).uscc

    def filed_for(self) -> Enterprise:
        """The enterprise filed for, from the scoped selector (NotFound outside the scope). An
        enterprise user files for itself; a USCC smuggled into its post must be its own (as in the API)."""
        if self.actor.is_enterprise:
            return filing_enterprise(actor=self.actor, uscc=str(self.data.get("enterprise") or "").strip())
        return filing_enterprise(actor=self.actor, uscc=self.cleaned_data.get("enterprise", ""))

    def uploads(self) -> list[UploadedFile]:
        return list(self.cleaned_data.get("attachments") or [])

    def case_data(self) -> CaseData:
        d = self.cleaned_data
        return CaseData(
            text=d.get("text", ""),
            title=d.get("title", ""),
            category=d.get("category", ""),
            kind=d.get("kind", ""),
            urgency=d.get("urgency", ""),
            channel=d.get("channel", "") or "",
        )

    def add_service_error(self, exc: QifuError) -> None:
        """The service's message beside the field it names (files: the attachments field)."""
        field = str((exc.data or {}).get("field") or "")
        if exc.code.startswith("file_"):
            field = "attachments"
        elif exc.code == "not_found":
            field, exc = "enterprise", QifuError(gettext("没有找到这家企业，请核对名称或统一社会信用代码。"))
        self.add_error(field if field in self.fields else None, exc.message)


# --- the case page's actions ----------------------------------------------------------------------

# The text inputs each action posts (their names are the service's payload keys).
TEXT_KEYS: dict[str, tuple[str, ...]] = {
    "reject": ("reason",),
    "answer": ("answer",),
    "dispatch": ("lead", "category"),
    "assign": ("handler",),
    "return": ("reason",),
    "deny_return": ("reason",),
    "progress": ("note",),
    "request_info": ("question",),
    "provide_info": ("answer",),
    "request_extension": ("days", "reason"),
    "deny_extension": ("reason",),
    "resolve": ("answer",),
    "rate": ("solved", "satisfaction", "comment"),
    "close": ("note",),
    "supervise": ("note",),
    "withdraw": ("reason",),
    "message": ("text",),
    "assist_reply": ("answer",),
}
FLAGS = ("green_channel", "is_common")


def action_payload(action: str, post: QueryDict, actor: Actor) -> dict[str, Any]:
    """The service payload from the posted form: text fields as typed, checkboxes as booleans."""
    payload: dict[str, Any] = {key: post.get(key, "") for key in TEXT_KEYS.get(action, ())}
    if action == "dispatch":
        payload["assist"] = [code for code in post.getlist("assist") if code]
        payload.update({flag: post.get(flag) == "1" for flag in FLAGS})
    if action in ("message", "progress"):
        # staff choose 公开留言 or 内部备注; the enterprise's messages are always public
        payload["public"] = actor.is_enterprise or post.get("visibility", "public") == "public"
    return payload


def action_error(exc: QifuError, action: str) -> str:
    """The refusal in Chinese: 'not allowed now' names the state and the action, never a code."""
    if isinstance(exc, Conflict) and exc.code == "action_not_allowed":
        state = str(exc.data.get("state") or "")
        label = CaseState(state).label if state in CaseState.values else state
        return gettext("诉求当前为“%(state)s”，不能%(action)s。页面已更新为最新状态，请查看。") % {
            "state": label,
            "action": action_label(action),
        }
    return exc.message


DONE: dict[str, Any] = {
    "file": _("诉求已提交，编号%(number)s。我们会尽快受理，进展会在本页实时更新。"),
    "message": _("留言已发送。"),
    "rate": _("感谢您的评价。"),
    "withdraw": _("诉求已撤回。"),
    "provide_info": _("补充材料已提交，办理时限恢复计算。"),
}


def done_message(action: str, **values: Any) -> str:
    template = DONE.get(action)
    if template is None:
        return gettext("已完成：%(action)s。") % {"action": action_label(action)}
    return str(template) % values if values else str(template)
