"""The entry form (shape only: the rules — lengths, who writes which department — are in services)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qifu.access.actor import Actor
from qifu.core.errors import QifuError
from qifu.knowledge.models import ANSWER_MAX, KEYWORDS_MAX, TITLE_MAX, EntryState
from qifu.knowledge.selectors import department_by_code
from qifu.knowledge.services import EntryData
from qifu.reference.selectors import category_by_code, department_list


class EntryForm(forms.Form):
    title = forms.CharField(
        label=_("问题"), required=False, widget=forms.TextInput(attrs={"class": "form-control", "maxlength": TITLE_MAX})
    )
    answer = forms.CharField(
        label=_("答复口径"), required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 8, "maxlength": ANSWER_MAX,
                                     "data-qf-counter": ANSWER_MAX}),
    )  # fmt: skip
    keywords = forms.CharField(
        label=_("关键词"), required=False, help_text=_("用空格或顿号分隔，便于检索，如：贷款 担保 首贷"),
        widget=forms.TextInput(attrs={"class": "form-control", "maxlength": KEYWORDS_MAX}),
    )  # fmt: skip
    category = forms.ChoiceField(
        label=_("诉求类别"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    department = forms.ChoiceField(
        label=_("责任部门"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    public = forms.BooleanField(
        label=_("企业可见"), required=False, help_text=_("勾选后，发布的口径企业在“常见问题答复”中可以看到。"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    state = forms.ChoiceField(
        label=_("状态"), choices=EntryState.choices, initial=EntryState.PUBLISHED,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = department_list()
        cats = [("", _("不限类别"))]
        for d in departments:
            cats.extend((c.code, c.name) for c in getattr(d, "active_categories", []))
        cast(forms.ChoiceField, self.fields["category"]).choices = cats
        if actor.role == "desk":
            cast(forms.ChoiceField, self.fields["department"]).choices = [("", _("按类别默认"))] + [
                (d.code, d.name) for d in departments
            ]
        else:  # department staff write their own department's entries only
            cast(forms.ChoiceField, self.fields["department"]).choices = [
                (d.code, d.name) for d in departments if d.pk == actor.department_id
            ]

    def entry_data(self) -> EntryData:
        d = self.cleaned_data
        return EntryData(
            title=d.get("title", ""),
            answer=d.get("answer", ""),
            category=category_by_code(d.get("category") or ""),
            department=department_by_code(d.get("department") or ""),
            public=bool(d.get("public")),
            keywords=d.get("keywords", ""),
            state=d.get("state") or EntryState.PUBLISHED,
        )

    def add_service_error(self, exc: QifuError) -> None:
        field = exc.data.get("field")
        self.add_error(field if field in self.fields else None, exc.message)


def initial_of(data: EntryData) -> dict[str, Any]:
    return {
        "title": data.title,
        "answer": data.answer,
        "keywords": data.keywords,
        "category": data.category.code if data.category else "",
        "department": data.department.code if data.department else "",
        "public": data.public,
        "state": data.state,
    }
