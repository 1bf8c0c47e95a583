"""Forms of the visit pages: 记录走访 (for a phone on site), the enterprise's rating, its preferences
and quiet periods, the ledger's filters and the desk's merge.

Forms check shape only (dates, numbers, lengths); every rule (the link to the enterprise, a future
time, the budget and its reason, quiet periods, images only) is the service's (`visit_log` and
friends), whose errors come back beside the field they concern, in Chinese.
"""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qifu.cases.models import Urgency
from qifu.core.errors import QifuError
from qifu.reference.models import Department
from qifu.visits.models import Feedback, PreferredChannel, VisitKind
from qifu.visits.selectors import VisitFilters
from qifu.visits.selectors_pages import month_parse

MAX_PHOTOS = 9
MAX_PROBLEMS = 10
TEXT_MAX = 5000
LEARNT = (
    ("production", _("生产经营"), _("产能利用、产值、开工情况等")),
    ("orders", _("订单情况"), _("在手订单、新增客户、出口等")),
    ("staffing", _("用工情况"), _("用工人数、招工缺口、技能人才需求等")),
    ("investment", _("投资计划"), _("扩产、技改、新项目计划等")),
    ("difficulties", _("困难问题"), _("企业反映的主要困难（具体诉求请在下方“提出的问题”中逐条填写）")),
)


def _style(form: forms.Form) -> None:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxInput | forms.HiddenInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Several photos under one name; that they are images is the service's check (by content)."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"accept": "image/*", "capture": "environment", "class": "form-control"}
        kwargs.setdefault("widget", MultiplePhotoInput(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(gettext("一次最多上传%(n)s张照片。") % {"n": MAX_PHOTOS}, code="too_many")
        return [super(PhotoField, self).clean(f, initial) for f in files]


class IdsField(forms.Field):
    """Several numeric ids under one name (the participant chips); anything else is dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        return list(dict.fromkeys(int(v) for v in values if str(v).isdigit() and 0 < int(v) < 2**31))[:50]


class VisitForm(forms.Form):
    """记录走访. The problems come as parallel lists (problem_title, problem_text, problem_category,
    problem_urgency), one entry per problem row of the page."""

    use_required_attribute = False  # errors come from the server, in Chinese, beside the field

    visited_on = forms.DateField(label=_("走访日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    visited_time = forms.TimeField(label=_("时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    kind = forms.ChoiceField(label=_("走访类型"), choices=VisitKind.choices, initial=VisitKind.ROUTINE)
    requested = forms.BooleanField(
        label=_("企业主动邀请"), required=False, help_text=_("企业请我们来的走访不占用企业的每月打扰额度。")
    )
    participants = IdsField(label=_("同行人员"), required=False)
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    accuracy_m = forms.IntegerField(required=False, min_value=0, max_value=100_000, widget=forms.HiddenInput)
    production = forms.CharField(required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    orders = forms.CharField(required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    staffing = forms.CharField(required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    investment = forms.CharField(required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    difficulties = forms.CharField(required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(
        label=_("走访记录"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    suggestions = forms.CharField(
        label=_("意见建议"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("企业对政府工作、营商环境的意见建议。"),
    )
    photos = PhotoField(label=_("现场照片"), required=False)
    reason = forms.CharField(
        label=_("超额走访理由"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("本月已达到企业的打扰额度：请写明为什么必须上门（如企业诉求需现场核实）。"),
    )
    plan = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    recheck_of = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, hint in LEARNT:
            self.fields[name].label = label
            self.fields[name].help_text = hint
        _style(self)
        self.fields["requested"].widget.attrs["class"] = "form-check-input"
        self.fields["photos"].help_text = gettext(
            "可拍照或从相册选择，最多%(n)s张；照片会自动压缩并去除位置等隐私信息。"
        ) % {"n": MAX_PHOTOS}
        self.problems: list[dict[str, str]] = []
        self.problem_errors: dict[int, list[str]] = {}
        self.problems_errors: list[str] = []  # the service's word on the problems as a whole

    @classmethod
    def initial_now(cls, query: "QueryDict | None" = None) -> dict[str, Any]:
        """Now, and what a link asked for: `?kind=safety&recheck_of=<visit>` from a rectification's
        登记复查走访 button."""
        now = timezone.localtime()
        initial: dict[str, Any] = {
            "visited_on": now.date(),
            "visited_time": now.time().replace(second=0, microsecond=0),
        }
        if query is not None:
            kind, recheck = str(query.get("kind", "")), str(query.get("recheck_of", ""))
            if kind in VisitKind.values:
                initial["kind"] = kind
            if recheck.isdigit():
                initial["recheck_of"] = int(recheck)
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        post = self.data
        titles = post.getlist("problem_title") if isinstance(post, QueryDict) else []
        texts = post.getlist("problem_text") if isinstance(post, QueryDict) else []
        categories = post.getlist("problem_category") if isinstance(post, QueryDict) else []
        urgencies = post.getlist("problem_urgency") if isinstance(post, QueryDict) else []
        rows = []
        for i in range(max(len(titles), len(texts))):
            row = {
                "title": (titles[i] if i < len(titles) else "").strip(),
                "text": (texts[i] if i < len(texts) else "").strip(),
                "category": (categories[i] if i < len(categories) else "").strip(),
                "urgency": (urgencies[i] if i < len(urgencies) else "") or Urgency.NORMAL,
            }
            if row["urgency"] not in Urgency.values:
                row["urgency"] = Urgency.NORMAL
            if row["title"] or row["text"]:
                rows.append(row)
        if len(rows) > MAX_PROBLEMS:
            raise forms.ValidationError(gettext("一次走访最多登记%(n)s个问题。") % {"n": MAX_PROBLEMS})
        for i, row in enumerate(rows):
            if not row["text"]:
                self.problem_errors.setdefault(i, []).append(gettext("请写明问题的具体内容。"))
        self.problems = rows
        if self.problem_errors:
            raise forms.ValidationError(gettext("有问题未填写内容，请补充后再提交。"))
        return data

    def learnt_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label, _hint in LEARNT]

    def problem_rows(self) -> list[dict[str, Any]]:
        """The problems as posted, each with its errors (a refused post shows them again)."""
        return [{**row, "errors": self.problem_errors.get(i, [])} for i, row in enumerate(self.problems)]

    def visited_at(self) -> datetime:
        d: date = self.cleaned_data["visited_on"]
        t: time = self.cleaned_data["visited_time"]
        return datetime.combine(d, t, tzinfo=timezone.get_current_timezone())

    def location(self) -> tuple[Decimal, Decimal, int | None] | None:
        lat, lng = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        if lat is None or lng is None:
            return None
        return (lat, lng, self.cleaned_data.get("accuracy_m"))

    def learnt(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name, _label, _hint in LEARNT}

    def uploads(self) -> list[UploadedFile]:
        return list(self.cleaned_data.get("photos") or [])

    def add_service_error(self, exc: QifuError) -> None:
        """The service's message beside the field it names."""
        data = exc.data or {}
        field = str(data.get("field") or "")
        code = exc.code
        if code == "not_found":
            self.add_error(None, gettext("没有找到相关的企业、人员或计划，请刷新页面后重试。"))
            return
        if not field:
            if code.startswith("file_") or "photo" in code or "image" in code:
                field = "photos"
            elif "future" in code or "visited_at" in code:
                field = "visited_on"
            elif "budget" in code or "reason" in code:
                field = "reason"
            elif "participant" in code or "link" in code or "joint" in code:
                field = "participants"
            elif "quiet" in code:
                field = ""
        aliases = {
            "visited_at": "visited_on",
            "photo": "photos",
            "over_budget_reason": "reason",
            "participant_ids": "participants",
            "enterprise": "participants",  # not linked: the fix is to add the enterprise's liaison
            "location": "latitude",
        }
        field = aliases.get(field, field)
        if field == "problems":
            self.problems_errors.append(exc.message)
            return
        self.add_error(field if field in self.fields else None, exc.message)


class RateForm(forms.Form):
    feedback = forms.ChoiceField(label=_("这次走访对您有帮助吗？"), choices=Feedback.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("补充说明（选填）"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["feedback"].error_messages["required"] = gettext("请选择一项评价。")
        _style(self)


class PreferenceForm(forms.Form):
    preferred_channel = forms.ChoiceField(label=_("首选联系方式"), choices=PreferredChannel.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class QuietPeriodForm(forms.Form):
    use_required_attribute = False

    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("说明（选填）"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on"):
            self.fields[name].error_messages.update(
                required=gettext("请选择日期。"), invalid=gettext("日期格式不正确，请重新选择。")
            )
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("starts_on"), data.get("ends_on")
        if a and b and b < a:
            self.add_error("ends_on", gettext("结束日期不能早于开始日期。"))
        return data

    def add_service_error(self, exc: QifuError) -> None:
        field = str((exc.data or {}).get("field") or "")
        self.add_error(field if field in self.fields else None, exc.message)


class PlanVisitForm(forms.Form):
    """计划走访: a date (today or later) and the purpose; the service checks the date."""

    use_required_attribute = False

    planned_on = forms.DateField(label=_("计划日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    purpose = forms.CharField(label=_("走访事由（选填）"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["planned_on"].error_messages.update(
            required=gettext("请选择计划日期。"), invalid=gettext("日期格式不正确，请重新选择。")
        )
        _style(self)


class VisitFilterForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False)
    liaison = forms.CharField(required=False, max_length=150, strip=True)
    department = forms.RegexField(regex=r"^[A-Za-z0-9_]{1,16}$", required=False)
    kind = forms.ChoiceField(choices=[("", ""), *VisitKind.choices], required=False)
    over_budget = forms.BooleanField(required=False)
    enterprise = forms.RegexField(regex=r"^[0-9A-Za-z]{18}$", required=False)


def visit_filters(query: QueryDict) -> VisitFilters:
    """The ledger's GET parameters → VisitFilters; unknown keys ignored, bad values dropped (shape
    only): the liaison by username or name, the month `YYYY-MM` as its first day (a month out of
    range: the current one), over budget only when ticked."""
    form = VisitFilterForm(query)
    form.is_valid()
    d = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    return VisitFilters(
        month=month_parse(d["month"]).first if d.get("month") else None,
        liaison_name=d.get("liaison") or "",
        department=(d.get("department") or "").upper(),
        kind=d.get("kind") or "",
        over_budget=True if d.get("over_budget") else None,
        enterprise=(d.get("enterprise") or "").upper(),
    )


def department_choices(departments: list[Department]) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in departments]
