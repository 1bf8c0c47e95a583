"""Suggestion forms (shape only): every rule — required text, lengths, topics, departments, who
may assign or answer in which state — is the service's, whose errors come back beside the field
they name, in Chinese."""

from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qifu.access.actor import Actor
from qifu.core.errors import QifuError
from qifu.enterprises.models import Enterprise
from qifu.linkage.forms import resolve_enterprise
from qifu.reference.models import Department
from qifu.suggestions.models import SuggestionState, SuggestionTopic
from qifu.suggestions.schemas import parse_month
from qifu.suggestions.selectors import SuggestionFilters
from qifu.suggestions.services import TEXT_MAX, TITLE_MAX


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


def add_service_error(form: forms.Form, exc: QifuError) -> None:
    """A service error beside the field it names (`data["field"]`), or above the form."""
    field = str((exc.data or {}).get("field") or "")
    if exc.code == "not_found" and "enterprise" in form.fields:
        field, exc = "enterprise", QifuError(gettext("没有找到这家企业，请核对名称或统一社会信用代码。"))
    form.add_error(field if field in form.fields else None, exc.message)


def _topic_choices(topics: list[SuggestionTopic], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((t.code, t.name) for t in topics)]


class SuggestionForm(forms.Form):
    """提建议. Cadres and deputies may name the enterprise it concerns (optional)."""

    use_required_attribute = False  # errors come from the server, in Chinese, beside the field

    enterprise = forms.CharField(
        label=_("涉及企业"),
        required=False,
        max_length=200,
        help_text=_("选填：输入企业名称或18位统一社会信用代码，可从提示中选择。"),
    )
    topic = forms.CharField(label=_("建议类别"), required=False, max_length=32, widget=forms.Select())
    title = forms.CharField(label=_("标题"), required=False, help_text=_("选填；不填时取建议内容的开头作为标题。"))
    text = forms.CharField(label=_("建议内容"), required=False, widget=forms.Textarea(attrs={"rows": 7}))

    def __init__(self, *args: Any, actor: Actor, topics: list[SuggestionTopic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["topic"].widget.choices = _topic_choices(topics, gettext("不确定，由服务专班归类"))
        self.fields["text"].widget.attrs.update({"maxlength": TEXT_MAX, "data-qf-counter": TEXT_MAX})
        self.fields["text"].widget.attrs["placeholder"] = gettext("请写明您的建议、理由和希望的改进方式。")
        self.fields["title"].widget.attrs.update({"maxlength": TITLE_MAX})
        if actor.is_enterprise:
            del self.fields["enterprise"]
        else:
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
        _style(self)

    def clean_enterprise(self) -> Enterprise | None:
        value = str(self.cleaned_data.get("enterprise") or "").strip()
        return resolve_enterprise(self.actor, value) if value else None

    def submit_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "text": d.get("text", ""),
            "title": d.get("title", ""),
            "topic": d.get("topic") or None,
            "enterprise": d.get("enterprise"),
        }


class AssignForm(forms.Form):
    """分办: the topic and the answering department."""

    use_required_attribute = False

    topic = forms.CharField(label=_("建议类别"), required=False, max_length=32, widget=forms.Select())
    department = forms.CharField(label=_("答复部门"), required=False, max_length=16, widget=forms.Select())

    def __init__(self, *args: Any, topics: list[SuggestionTopic], departments: list[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].widget.choices = _topic_choices(topics, gettext("请选择类别"))
        self.fields["department"].widget.choices = [
            ("", gettext("请选择部门")),
            *((d.code, d.name) for d in departments),
        ]
        _style(self)


class AnswerForm(forms.Form):
    use_required_attribute = False

    answer = forms.CharField(label=_("答复内容"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].widget.attrs.update(
            {"maxlength": TEXT_MAX, "placeholder": gettext("答复将送达提出人，请写明采纳情况和下一步安排。")}
        )
        _style(self)


def _month(value: str | None) -> date | None:
    try:
        return parse_month(value or "")
    except ValueError:
        return None


def filters_from_query(query: QueryDict) -> SuggestionFilters:
    """The filters in the URL (bad values are ignored, never an error page)."""
    states = tuple(s for s in query.getlist("state") if s in SuggestionState.values)
    return SuggestionFilters(
        topic=(query.get("topic") or "").strip()[:32], month=_month(query.get("month")), state=states
    )
