"""Parsing of the ledger's query string into `CaseFilters` (shared by the ledger page, the work
queues and the Excel export, so an export holds exactly what the list shows — UX.md §6).

Shape only: a bad value drops that one filter instead of failing the page. Filters narrow the
actor's scope (`case_filtered` starts from `scope_cases`); none of them can widen it.
(The case pages' own forms live in `forms_case.py`.)
"""

from dataclasses import asdict
from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from qifu.cases.models import CaseState
from qifu.cases.selectors import CaseFilters
from qifu.enterprises.forms import TriStateField

INBOX_TABS = ("to_sign", "in_progress", "due_soon", "overdue", "assist")


class CaseFilterForm(forms.Form):
    state = forms.MultipleChoiceField(required=False, choices=CaseState.choices, label=_("状态"))
    category = forms.RegexField(regex=r"^[a-z0-9_]{1,32}$", required=False, label=_("类别"))
    department = forms.RegexField(regex=r"^[A-Za-z0-9_]{1,16}$", required=False, label=_("责任部门"))
    assist_department = forms.RegexField(regex=r"^[A-Za-z0-9_]{1,16}$", required=False, label=_("协办部门"))
    enterprise = forms.RegexField(regex=r"^[0-9A-Za-z]{18}$", required=False, label=_("统一社会信用代码"))
    liaison = forms.CharField(required=False, max_length=150, label=_("挂钩干部"))
    handler = forms.CharField(required=False, max_length=150, label=_("承办人"))
    since = forms.DateField(required=False, label=_("提出时间起"))
    until = forms.DateField(required=False, label=_("提出时间止"))
    overdue = TriStateField(required=False, label=_("超期"))
    supervised = TriStateField(required=False, label=_("督办"))
    green_channel = TriStateField(required=False, label=_("绿色通道"))
    is_common = TriStateField(required=False, label=_("共性问题"))
    open = TriStateField(required=False, label=_("未办结"))


def filters_from_query(querydict: QueryDict) -> CaseFilters:
    """GET parameters → CaseFilters; unknown keys are ignored, bad values dropped."""
    form = CaseFilterForm(querydict)
    form.is_valid()
    data: dict[str, Any] = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    return CaseFilters(
        state=tuple(data.get("state") or ()),
        category=data.get("category") or "",
        department=(data.get("department") or "").upper(),
        assist_department=(data.get("assist_department") or "").upper(),
        enterprise=(data.get("enterprise") or "").upper(),
        liaison=(data.get("liaison") or "").strip(),
        handler=(data.get("handler") or "").strip(),
        since=data.get("since"),
        until=data.get("until"),
        overdue=data.get("overdue"),
        supervised=data.get("supervised"),
        green_channel=data.get("green_channel"),
        is_common=data.get("is_common"),
        open_only=bool(data.get("open")),
    )


def inbox_tab(querydict: QueryDict) -> str:
    """The department inbox tab (待签收 by default)."""
    tab = querydict.get("tab", "")
    return tab if tab in INBOX_TABS else INBOX_TABS[0]


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def filters_for_audit(filters: CaseFilters) -> dict[str, Any]:
    """The filters that were set, as JSON values for the audit log."""
    return {k: _plain(v) for k, v in asdict(filters).items() if v not in ("", None, False, (), {})}
