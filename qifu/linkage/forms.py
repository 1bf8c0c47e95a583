"""Linkage management forms (PRODUCT.md §2.1 挂钩关系: assign, reassign, end, bulk).

Forms check shape and resolve references within the actor's scope; the rules (one open primary,
reason required, only cadres and deputies, …) stay in `linkage.services`. A service error is shown
beside the field it concerns, in Chinese, chosen by its stable `code`.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.core.errors import QifuError
from qifu.enterprises.models import Enterprise
from qifu.enterprises.selectors import EnterpriseFilters, enterprise_list
from qifu.enterprises.validators import normalize_uscc
from qifu.linkage.models import LinkRole
from qifu.linkage.selectors import liaison_workload
from qifu.linkage.services import LinkageErrorCode

MAX_CANDIDATES = 200

# code → (field it concerns, message). `None` as field: an error about the whole form.
ERROR_MESSAGES: dict[str, tuple[str | None, Any]] = {
    LinkageErrorCode.FORBIDDEN: (None, _("只有服务专班可以调整挂钩关系。")),
    LinkageErrorCode.NOT_A_LIAISON: ("liaison", _("只能选择在岗的挂钩干部或人大代表。")),
    LinkageErrorCode.PRIMARY_EXISTS: (
        "role",
        _("这家企业已有主挂钩人。如需更换，请使用“更换主挂钩人”，或改为备挂钩人。"),
    ),
    LinkageErrorCode.ALREADY_LINKED: ("liaison", _("该干部已经挂钩这家企业，请选择其他干部。")),
    LinkageErrorCode.NOT_OPEN: (None, _("该挂钩关系已经结束，无需重复操作。")),
    LinkageErrorCode.SAME_LIAISON: ("liaison", _("该干部已是这家企业的主挂钩人，请选择其他干部。")),
    LinkageErrorCode.PROJECT_MISMATCH: (None, _("所选项目不属于这家企业。")),
    "linkage_reason_required": ("reason", _("请填写调整原因，以便留痕备查。")),
    "linkage_invalid": ("role", _("请选择主挂钩人或备挂钩人。")),
}
DEFAULT_MESSAGE = _("操作未成功，请检查填写内容后重试。")


def error_message(exc: QifuError) -> tuple[str | None, str]:
    """The field and the Chinese message for a service error (never the English detail)."""
    field, message = ERROR_MESSAGES.get(exc.code, (None, DEFAULT_MESSAGE))
    return field, str(message)


class LiaisonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Cadres and deputies, labelled with department and current load (for rebalancing)."""

    default_error_messages = {
        "required": _("请选择挂钩干部。"),
        "invalid_choice": _("请从列表中选择挂钩干部。"),
    }

    def label_from_instance(self, obj: User) -> str:
        dept = f"（{obj.department.name}）" if obj.department_id and obj.department else ""
        count = getattr(obj, "enterprise_count", None)
        load = gettext(" · 主挂钩 %(n)s 家") % {"n": count} if count is not None else ""
        return f"{obj.name}{dept}{load}"


class EnterpriseField(forms.CharField):
    """Free text (name or USCC), resolved to one enterprise by the form (see resolve_enterprise)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("企业"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("输入企业名称或18位统一社会信用代码，可从提示中选择。"))
        kwargs.setdefault("error_messages", {"required": _("请填写企业名称或统一社会信用代码。")})
        super().__init__(**kwargs)
        # Type-ahead: HTMX fills the datalist with matching enterprises in scope.
        self.widget.attrs.update(
            {
                "list": "enterprise-options",
                "autocomplete": "off",
                "placeholder": _("如：昆山甲电子 或 91320583…"),
                "hx-get": reverse_lazy("linkage:enterprise_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#enterprise-options",
                "hx-swap": "innerHTML",
            }
        )


def resolve_enterprise(actor: Actor, text: str) -> Enterprise:
    """One enterprise in scope: the exact USCC, else the exact name, else the only match."""
    text = text.strip()
    candidates = list(enterprise_list(actor=actor, filters=EnterpriseFilters(q=text))[:6])
    uscc = normalize_uscc(text)
    exact = [e for e in candidates if e.uscc == uscc or e.name == text]
    if len(exact) == 1:
        return exact[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ValidationError(_("没有找到这家企业，请核对名称或统一社会信用代码。"), code="enterprise_not_found")
    names = "、".join(e.name for e in candidates[:5])
    raise ValidationError(
        _("找到多家企业（%(names)s），请输入完整名称或统一社会信用代码。"),
        code="enterprise_ambiguous",
        params={"names": names},
    )


class ServiceForm(forms.Form):
    """A form whose submit calls one service; `add_service_error` puts its error beside a field."""

    # Some forms call a concept by another field name (bulk: to_liaison for liaison).
    field_aliases: dict[str, str] = {}
    # Errors come from the server, in Chinese, beside the field — not from the browser's bubbles.
    use_required_attribute = False

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        self.actor = actor
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.SelectMultiple):
                continue  # rendered as a checklist by the template
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def add_service_error(self, exc: QifuError) -> None:
        field, message = error_message(exc)
        field = self.field_aliases.get(field or "", field)
        self.add_error(field if field in self.fields else None, message)


def _liaisons(actor: Actor) -> "QuerySet[User]":
    return liaison_workload(actor=actor)


def _choices(field: forms.Field) -> "forms.ModelChoiceField[Any]":
    """A model-choice field, to set its queryset for this actor (the class attribute is a none())."""
    return cast("forms.ModelChoiceField[Any]", field)


class EnterpriseLookupForm(ServiceForm):
    enterprise = EnterpriseField(label=_("企业名称或统一社会信用代码"))

    def clean_enterprise(self) -> Enterprise:
        return resolve_enterprise(self.actor, self.cleaned_data["enterprise"])


class AssignForm(ServiceForm):
    enterprise = EnterpriseField()
    liaison = LiaisonChoiceField(queryset=User.objects.none(), label=_("挂钩干部"), empty_label=_("请选择"))
    role = forms.ChoiceField(
        choices=LinkRole.choices,
        initial=LinkRole.PRIMARY,
        label=_("挂钩角色"),
        widget=forms.RadioSelect,
        help_text=_("每家企业只有一名主挂钩人，可另设若干备挂钩人。"),
    )
    reason = forms.CharField(required=False, max_length=255, label=_("说明"), help_text=_("选填，如“新落户企业”。"))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        _choices(self.fields["liaison"]).queryset = _liaisons(actor)

    def clean_enterprise(self) -> Enterprise:
        return resolve_enterprise(self.actor, self.cleaned_data["enterprise"])


class ReassignForm(ServiceForm):
    enterprise = EnterpriseField()
    liaison = LiaisonChoiceField(queryset=User.objects.none(), label=_("新的主挂钩人"), empty_label=_("请选择"))
    reason = forms.CharField(
        max_length=255,
        label=_("调整原因"),
        help_text=_("必填，将记入挂钩历史，如“岗位调整”。"),
        error_messages={"required": _("请填写调整原因，以便留痕备查。")},
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        _choices(self.fields["liaison"]).queryset = _liaisons(actor)

    def clean_enterprise(self) -> Enterprise:
        return resolve_enterprise(self.actor, self.cleaned_data["enterprise"])


class EndForm(forms.Form):
    reason = forms.CharField(required=False, max_length=255, label=_("结束原因"))


class BulkReassignForm(ServiceForm):
    """Move all (or the ticked) primary links of one liaison to another."""

    field_aliases = {"liaison": "to_liaison"}
    ALL, SELECTED = "all", "selected"

    from_liaison = LiaisonChoiceField(queryset=User.objects.none(), label=_("调出干部"), empty_label=_("请选择"))
    to_liaison = LiaisonChoiceField(queryset=User.objects.none(), label=_("调入干部"), empty_label=_("请选择"))
    scope = forms.ChoiceField(
        choices=[(ALL, _("该干部的全部主挂钩企业")), (SELECTED, _("仅勾选的企业"))],
        initial=ALL,
        label=_("调整范围"),
        widget=forms.RadioSelect,
    )
    enterprises = forms.ModelMultipleChoiceField(
        queryset=Enterprise.objects.none(),
        required=False,
        label=_("企业"),
        error_messages={"invalid_choice": _("所选企业已不在该干部名下，请刷新后重选。")},
    )
    reason = forms.CharField(
        max_length=255,
        label=_("调整原因"),
        help_text=_("必填，将记入每家企业的挂钩历史。"),
        error_messages={"required": _("请填写调整原因，以便留痕备查。")},
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        _choices(self.fields["from_liaison"]).queryset = _liaisons(actor)
        _choices(self.fields["to_liaison"]).queryset = _liaisons(actor)
        from_id = self._from_id()
        _choices(self.fields["enterprises"]).queryset = (
            enterprise_list(actor=actor, filters=EnterpriseFilters(liaison=from_id))
            if from_id
            else Enterprise.objects.none()
        )

    def _from_id(self) -> int | None:
        raw = str((self.data or {}).get("from_liaison") or (self.initial or {}).get("from_liaison") or "")
        return int(raw) if raw.isdigit() else None

    def candidates(self) -> list[Enterprise]:
        """The from-liaison's primary enterprises, to tick (shown once a liaison is chosen)."""
        return list((_choices(self.fields["enterprises"]).queryset or Enterprise.objects.none())[:MAX_CANDIDATES])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_liaison") and data.get("from_liaison") == data.get("to_liaison"):
            self.add_error("to_liaison", _("调入干部不能与调出干部相同。"))
        if data.get("scope") == self.SELECTED and not data.get("enterprises"):
            self.add_error("enterprises", _("请至少勾选一家企业，或选择“该干部的全部主挂钩企业”。"))
        return data

    def enterprise_ids(self) -> list[int] | None:
        if self.cleaned_data["scope"] == self.ALL:
            return None
        return [e.pk for e in self.cleaned_data["enterprises"]]


class BulkAssignForm(ServiceForm):
    """Give enterprises without a primary liaison to one liaison."""

    park = forms.CharField(required=False, max_length=64, label=_("园区"))
    liaison = LiaisonChoiceField(queryset=User.objects.none(), label=_("挂钩干部"), empty_label=_("请选择"))
    enterprises = forms.ModelMultipleChoiceField(
        queryset=Enterprise.objects.none(),
        label=_("未挂钩企业"),
        error_messages={
            "required": _("请勾选要分配的企业。"),
            "invalid_choice": _("所选企业已有主挂钩人，请刷新后重选。"),
        },
    )
    reason = forms.CharField(required=False, max_length=255, label=_("说明"), help_text=_("选填。"))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        park = str((self.data or {}).get("park") or (self.initial or {}).get("park") or "")
        _choices(self.fields["liaison"]).queryset = _liaisons(actor)
        _choices(self.fields["enterprises"]).queryset = enterprise_list(
            actor=actor, filters=EnterpriseFilters(without_liaison=True, park=park)
        )

    def candidates(self) -> list[Enterprise]:
        return list((_choices(self.fields["enterprises"]).queryset or Enterprise.objects.none())[:MAX_CANDIDATES])
