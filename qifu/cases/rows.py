"""Rows of the case lists (ledger, department inbox, supervision) without model instances.

A list page shows twenty cases with a dozen columns each. Read as `Case` objects with their
enterprise, category and department, those twenty rows cost about ten times the query itself in
Django's model construction, and rendered cell by cell through the template engine they cost more
again (measured on the ledger: ~6 ms of model building and ~10 ms of row templates per page). Here a
page's rows are read with `values_list` into `CaseRow`s and the rows' markup is built in Python
(`templatetags/case_lists.case_rows`), the state badge once per (language, state).

`CaseRow` carries exactly what a row shows and what the deadline cell needs (`selectors.clock_of`
and `selectors_lists.row_clock` read the same attribute names from a `Case` or a `CaseRow`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from qifu.cases.models import Case, CaseState

# attribute → lookup, in the order of CaseRow's fields
_LOOKUPS = {
    "pk": "id",
    "number": "number",
    "title": "title",
    "state": "state",
    "green_channel": "green_channel",
    "supervised": "supervised",
    "overdue": "overdue",
    "paused": "paused",
    "respond_by": "respond_by",
    "sign_by": "sign_by",
    "resolve_by": "resolve_by",
    "resolve_days": "resolve_days",
    "remind_on": "remind_on",
    "resolved_on_time": "resolved_on_time",
    "submitted_at": "submitted_at",
    "enterprise_name": "enterprise__name",
    "category_name": "category__name",
    "department_name": "lead_department__name",
}


@dataclass(slots=True)
class CaseRow:
    pk: int
    number: str
    title: str
    state: str
    green_channel: bool
    supervised: bool
    overdue: bool
    paused: bool
    respond_by: date
    sign_by: date | None
    resolve_by: date | None
    resolve_days: int | None
    remind_on: date | None
    resolved_on_time: bool | None
    submitted_at: datetime
    enterprise_name: str
    category_name: str | None
    department_name: str | None

    @classmethod
    def of(cls, case: Case) -> "CaseRow":
        """The row of a case already loaded (the department home's short list)."""
        return cls(
            **{name: getattr(case, name) for name in _LOOKUPS if "__" not in _LOOKUPS[name]},
            enterprise_name=case.enterprise.name,
            category_name=case.category.name if case.category_id and case.category else None,
            department_name=case.lead_department.name if case.lead_department_id and case.lead_department else None,
        )

    def get_state_display(self) -> str:
        return str(CaseState(self.state).label)


def case_rows(qs: "QuerySet[Case]") -> Mapping[int, CaseRow]:
    """A page's rows by key, in one query and without model instances (a `RowLoader`, core/web.py)."""
    values: Any = qs.select_related(None).values_list(*_LOOKUPS.values())
    return {row[0]: CaseRow(*row) for row in values}
