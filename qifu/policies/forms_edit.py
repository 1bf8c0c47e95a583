"""The policy editor's forms (shape only) and the formats.md shape in both directions.

Every rule — required fields, code pattern, categories, departments, dates, the condition tree —
is `services.policy_check`'s; its faults come back by path: a catalogue field's beside the field,
a condition's (`conditions.all[2].op`) in the list above the condition editor, which marks the part.
"""

import json
from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qifu.access.actor import Actor
from qifu.enterprises.models import Ownership, Specialized
from qifu.policies.conditions import FIELDS, OP_LABELS, OPS_BY_KIND, Kind
from qifu.policies.models import Policy, PolicyStatus
from qifu.policies.services import DATE_FIELDS, TEXT_LIMITS
from qifu.reference.models import Department

EXPORT_KEYS = (
    "code", "title", "category", "department", "document_no", "valid_from", "valid_to", "apply_from", "apply_to",
    "benefit", "auto_grant", "summary", "interpretation", "full_text", "conditions", "status",
)  # fmt: skip
CATALOGUE_FIELDS = (
    "code", "title", "category", "department", "document_no", "valid_from", "valid_to", "apply_from", "apply_to",
    "benefit", "auto_grant", "summary", "interpretation", "full_text", "status",
)  # fmt: skip
EMPTY_CONDITIONS = {"all": [{"field": "high_tech", "op": "is", "value": True}]}


def policy_json(policy: Policy) -> dict[str, Any]:
    """One policy in the formats.md shape (it round-trips through `policy_import`). An expired
    policy is written as published: the import makes it expired again from its `valid_to`."""
    status = PolicyStatus.DRAFT if policy.status == PolicyStatus.DRAFT else PolicyStatus.PUBLISHED
    out: dict[str, Any] = {}
    for key in EXPORT_KEYS:
        if key == "department":
            out[key] = policy.department.code
        elif key == "status":
            out[key] = str(status)
        elif key in DATE_FIELDS:
            value = getattr(policy, key)
            out[key] = value.isoformat() if value else None
        else:
            out[key] = getattr(policy, key)
    return out


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class DateInput(forms.TextInput):
    input_type = "date"


class PolicyForm(forms.Form):
    """The catalogue fields and the conditions (JSON text kept in sync by the condition editor)."""

    use_required_attribute = False

    code = forms.CharField(
        label=_("政策编号"), required=False, max_length=64, help_text=_("如 KS-2026-HT-01；保存后不能修改。")
    )
    title = forms.CharField(label=_("政策名称"), required=False, max_length=TEXT_LIMITS["title"])
    category = forms.ChoiceField(label=_("政策类别"), required=False)
    department = forms.ChoiceField(label=_("发布部门"), required=False)
    document_no = forms.CharField(
        label=_("文号"), required=False, max_length=TEXT_LIMITS["document_no"], help_text=_("如 昆高新〔2026〕12号")
    )
    valid_from = forms.CharField(label=_("有效期起"), required=False, widget=DateInput())
    valid_to = forms.CharField(label=_("有效期止"), required=False, widget=DateInput())
    apply_from = forms.CharField(label=_("申报开始"), required=False, widget=DateInput())
    apply_to = forms.CharField(label=_("申报截止"), required=False, widget=DateInput())
    benefit = forms.CharField(
        label=_("扶持内容"), required=False, max_length=TEXT_LIMITS["benefit"], help_text=_("如 一次性奖励30万元")
    )
    auto_grant = forms.BooleanField(
        label=_("免申即享"), required=False, help_text=_("符合条件的企业无需申报，由工作人员审核名单后直接兑现。")
    )
    summary = forms.CharField(label=_("政策摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    interpretation = forms.CharField(
        label=_("政策解读"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("用企业看得懂的话说明：谁能享受、享受什么、怎么申报。"),
    )
    full_text = forms.CharField(label=_("政策原文"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    status = forms.ChoiceField(
        label=_("保存为"),
        required=False,
        choices=[(PolicyStatus.DRAFT, _("草稿")), (PolicyStatus.PUBLISHED, _("发布"))],
        help_text=_("发布后，企业即可看到，新符合条件的企业会收到一次通知。"),
    )
    conditions = forms.CharField(label=_("申报条件（JSON）"), required=False, widget=forms.Textarea(attrs={"rows": 14}))

    def __init__(
        self,
        *args: Any,
        actor: Actor,
        categories: dict[str, str],
        departments: list[Department],
        policy: Policy | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", gettext("请选择类别")), *categories.items()]
        if not actor.is_zone_wide:
            departments = [d for d in departments if d.pk == actor.department_id]
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            *([("", gettext("请选择部门"))] if len(departments) != 1 else []),
            *((d.code, d.name) for d in departments),
        ]
        if policy is not None:
            self.fields["code"].disabled = True
            del self.fields["status"]
        for name in ("summary", "interpretation", "full_text"):
            self.fields[name].widget.attrs["maxlength"] = TEXT_LIMITS[name]
        self.fields["conditions"].widget.attrs.update(
            {"spellcheck": "false", "autocomplete": "off", "class": "form-control font-monospace qf-json"}
        )
        _style(self)

    @classmethod
    def initial_of(cls, policy: Policy | None) -> dict[str, Any]:
        if policy is None:
            return {"status": PolicyStatus.DRAFT, "conditions": json.dumps(EMPTY_CONDITIONS, ensure_ascii=False)}
        data = policy_json(policy)
        data["conditions"] = json.dumps(policy.conditions, ensure_ascii=False, indent=2)
        for key in DATE_FIELDS:
            data[key] = data[key] or ""
        return data

    def policy_data(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The formats.md object to save, and the faults found before the service (malformed JSON)."""
        d = self.cleaned_data
        data: dict[str, Any] = {key: d.get(key, "") for key in CATALOGUE_FIELDS if key in self.fields}
        data["auto_grant"] = bool(d.get("auto_grant"))
        if self.policy is not None:
            data["code"] = self.policy.code
            data["status"] = str(self.policy.status)
        faults: list[tuple[str, str]] = []
        raw = (d.get("conditions") or "").strip()
        if not raw:
            faults.append(("conditions", gettext("申报条件必填。")))
        else:
            try:
                data["conditions"] = json.loads(raw)
            except json.JSONDecodeError as exc:
                faults.append(
                    (
                        "conditions",
                        gettext("申报条件不是有效的 JSON（第%(line)s行第%(col)s列）：%(msg)s")
                        % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg},
                    )
                )
        return data, faults

    def add_faults(self, faults: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Catalogue faults beside their fields; every fault (with its path) is also returned for the list."""
        for fault in faults:
            path = str(fault.get("path") or "")
            if path in self.fields and path != "conditions":
                self.add_error(path, str(fault.get("message", "")))
        return faults


class ImportForm(forms.Form):
    use_required_attribute = False

    file = forms.FileField(
        label=_("政策文件（JSON）"),
        required=False,
        allow_empty_file=True,
        help_text=_("按《数据交换格式》中“政策包”的 JSON 格式。"),
    )
    replace = forms.BooleanField(label=_("替换已有政策"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".json,application/json"
        _style(self)


class AttachmentForm(forms.Form):
    use_required_attribute = False

    file = forms.FileField(label=_("附件"), required=False, allow_empty_file=True)  # the service says "empty"

    def __init__(self, *args: Any, accept: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = accept
        _style(self)


# --- the field catalogue the condition editor reads (rendered as <script type="application/json">) ----

UNIT_HINTS = {Kind.RATIO: _("按百分比填写，如 3 表示 3%（保存为小数 0.03）")}


def _choice_labels(kind_choices: Any) -> dict[str, str]:
    return {str(value): str(label) for value, label in kind_choices}


def editor_catalogue(service_lists: dict[str, str]) -> dict[str, Any]:
    """Fields with their Chinese labels, kinds, units, operators (only those the kind allows) and,
    for choices and service lists, the codes with their Chinese names."""
    labels_by_field = {
        "ownership": _choice_labels(Ownership.choices),
        "specialized": _choice_labels(Specialized.choices),
    }
    fields = []
    for spec in FIELDS.values():
        if spec.kind == Kind.LISTS:
            choices = [[code, name] for code, name in service_lists.items()]
        elif spec.kind == Kind.CHOICE:
            names = labels_by_field.get(spec.name, {})
            choices = [[code, names.get(code, code)] for code in spec.choices]
        else:
            choices = []
        fields.append(
            {
                "name": spec.name,
                "label": str(spec.label),
                "kind": str(spec.kind),
                "unit": str(spec.unit),
                "hint": str(UNIT_HINTS.get(spec.kind, "")),
                "ops": [[op, str(OP_LABELS[op])] for op in OPS_BY_KIND[spec.kind]],
                "choices": choices,
            }
        )
    return {
        "fields": fields,
        "groups": [["all", gettext("全部满足")], ["any", gettext("满足任一")], ["not", gettext("不满足")]],
        "text": {
            "addLeaf": gettext("添加条件"),
            "addGroup": gettext("添加条件组"),
            "remove": gettext("删除"),
            "yes": gettext("是"),
            "no": gettext("否"),
            "to": gettext("至"),
            "listHint": gettext("多个值用逗号或空格分隔"),
            "pct": "%",
            "unrepresentable": gettext("这段条件无法在表单中显示，请在“JSON”页修改。"),
            "badJson": gettext("JSON 格式有误，请修正后再切换到表单："),
            "chooseField": gettext("选择字段"),
            "group": gettext("条件组"),
            "op": gettext("运算符"),
            "emptyGroup": gettext("此组还没有条件。"),
        },
    }
