"""Parsing of the project list's query string (filters stay in the URL, UX.md §6)."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from qifu.enterprises.forms import TriStateField
from qifu.projects.models import ProjectStatus
from qifu.projects.progress import BOARD_STATUS_LABELS, BoardFilters
from qifu.projects.selectors import ProjectFilters


class ProjectFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("项目名称或编号"))
    park = forms.CharField(required=False, max_length=64, label=_("园区"))
    status = forms.ChoiceField(required=False, choices=[("", _("不限")), *ProjectStatus.choices], label=_("状态"))
    major = TriStateField(required=False, label=_("重大项目"))
    delayed = TriStateField(required=False, label=_("延期"))
    enterprise = forms.RegexField(regex=r"^[0-9A-Za-z]{18}$", required=False, label=_("业主企业"))


def project_filters_from_query(querydict: QueryDict) -> ProjectFilters:
    """GET parameters → ProjectFilters; bad values drop that one filter."""
    form = ProjectFilterForm(querydict)
    form.is_valid()
    data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    return ProjectFilters(
        q=(data.get("q") or "").strip(),
        park=data.get("park") or "",
        status=data.get("status") or "",
        major=data.get("major"),
        delayed=data.get("delayed"),
        enterprise=(data.get("enterprise") or "").upper(),
    )


class BoardFilterForm(forms.Form):
    """The progress board's filters (UX.md §6: in the URL). Shape only; a bad value drops that filter."""

    status = forms.ChoiceField(required=False, choices=[("", _("不限")), *BOARD_STATUS_LABELS.items()], label=_("进度"))
    park = forms.CharField(required=False, max_length=64, label=_("园区"))
    major = TriStateField(required=False, label=_("重大项目"))
    liaison = forms.IntegerField(required=False, min_value=1, label=_("主挂钩人"))
    q = forms.CharField(required=False, max_length=100, label=_("项目名称或编号"))


def board_filters_from_query(querydict: QueryDict) -> BoardFilters:
    """GET parameters → BoardFilters; a bad value (an unknown status, a liaison that is no number)
    drops that one filter and the page says so (`board_filter_errors`)."""
    form = BoardFilterForm(querydict)
    form.is_valid()
    data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    return BoardFilters(
        status=data.get("status") or "",
        park=data.get("park") or "",
        major=data.get("major"),
        liaison=data.get("liaison"),
        q=(data.get("q") or "").strip(),
    )


def board_filter_errors(querydict: QueryDict) -> list[str]:
    """The labels of the filters that were ignored because their value was not understood."""
    form = BoardFilterForm(querydict)
    form.is_valid()
    return [str(form.fields[name].label) for name in form.errors]
