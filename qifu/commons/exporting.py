"""Excel export of the common problems (the desk, leaders, a lead department: what they see)."""

from collections.abc import Iterator
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.commons.selectors import ProblemFilters, member_rows, problem_list
from qifu.core.excel import Column, Sheet, Value, xlsx_tempfile
from qifu.reference.taxonomy import INDUSTRY_SECTIONS

MAX_ROWS = 20000


def _columns() -> list[Column]:
    return [
        Column(_("编号"), 8),
        Column(_("标题"), 36),
        Column(_("类别"), 14),
        Column(_("牵头部门"), 18),
        Column(_("状态"), 10),
        Column(_("诉求件数"), 10),
        Column(_("涉及企业数"), 12),
        Column(_("涉及行业"), 24),
        Column(_("涉及园区"), 30),
        Column(_("办理时限"), 12),
        Column(_("答复时间"), 18),
        Column(_("统一答复"), 60),
        Column(_("关键词"), 24),
    ]


def _rows(actor: Actor, filters: ProblemFilters) -> Iterator[list[Value]]:
    problems = list(problem_list(actor=actor, filters=filters)[:MAX_ROWS])
    extra = member_rows(problems)
    for p in problems:
        more = extra.get(p.pk, {})
        yield [
            p.pk,
            p.title,
            p.category.name if p.category else "",
            p.lead_department.name,
            p.get_state_display(),
            getattr(p, "n_cases", 0),
            getattr(p, "n_enterprises", 0),
            "、".join(str(INDUSTRY_SECTIONS.get(s, s)) for s in more.get("industries", [])),
            "、".join(more.get("parks", [])),
            p.deadline,
            timezone.localtime(p.answered_at) if p.answered_at else None,
            p.answer,
            p.terms,
        ]


def problems_export(*, actor: Actor, filters: ProblemFilters | None = None) -> tuple[IO[bytes], str]:
    filters = filters or ProblemFilters()
    file, (count,) = xlsx_tempfile(Sheet(title=_("共性问题"), columns=_columns(), rows=_rows(actor, filters)))
    audit_record(actor=actor, action="common_export", object_type="common_problem", changes={"rows": count})
    return file, f"common-problems-{timezone.localdate():%Y%m%d}.xlsx"
