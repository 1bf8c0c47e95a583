"""导出Excel of the policy pages: who qualifies for a policy, and a 免申即享 grant list.

openpyxl write-only through `qifu.core.excel` (constant memory, every string neutralised so no value
runs as a formula, IP-6 e); each export is audited with its policy, filter and row count.
"""

from collections.abc import Iterable, Iterator
from typing import IO

from django.utils import timezone, translation

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.excel import Column, Sheet, Value, xlsx_tempfile
from qifu.enterprises.models import Enterprise
from qifu.policies.models import GrantState, Policy, PolicyGrant
from qifu.policies.selectors_pages import grant_rows, match_rows

EXPORT_MAX_ROWS = 100_000
CHUNK = 2_000

MATCH_COLUMNS = [
    Column("统一社会信用代码", 22),
    Column("企业名称", 36),
    Column("行业代码", 10),
    Column("所在园区", 20),
    Column("主挂钩人", 12),
]
GRANT_COLUMNS = [
    *MATCH_COLUMNS,
    Column("列入日期", 12),
    Column("审核人", 12),
    Column("审核时间", 18),
    Column("审核意见", 30),
]


def _liaison(enterprise: Enterprise) -> str:
    liaison = enterprise.primary_liaison
    return (liaison.display_name or liaison.username) if liaison else ""


def _enterprise_cells(e: Enterprise) -> list[Value]:
    return [e.uscc, e.name, e.industry, e.park, _liaison(e)]


def _match_rows(rows: Iterable[Enterprise]) -> Iterator[list[Value]]:
    with translation.override("zh-hans"):
        for e in rows:
            yield _enterprise_cells(e)


def matches_export(*, actor: Actor, policy: Policy, park: str = "") -> tuple[IO[bytes], int]:
    """Every enterprise the actor may see that qualifies for POLICY today (narrowed by PARK)."""
    qs = match_rows(actor=actor, policy=policy, park=park)
    sheet = Sheet(
        title="符合条件的企业",
        columns=MATCH_COLUMNS,
        rows=_match_rows(qs.iterator(chunk_size=CHUNK)),
        max_rows=EXPORT_MAX_ROWS,
    )
    file, (count,) = xlsx_tempfile(sheet)
    audit_record(
        actor=actor,
        action="policy_matches_export",
        object_type="policy",
        object_id=policy.code,
        changes={"park": park, "rows": count},
    )
    return file, count


def _grant_rows(rows: Iterable[PolicyGrant]) -> Iterator[list[Value]]:
    with translation.override("zh-hans"):
        for g in rows:
            reviewer = g.reviewed_by
            reviewed_at = timezone.localtime(g.reviewed_at) if g.reviewed_at else None
            yield [
                *_enterprise_cells(g.enterprise),
                g.listed_on,
                (reviewer.display_name or reviewer.username) if reviewer else "",
                reviewed_at,
                g.note,
            ]


def grants_export(*, actor: Actor, policy: Policy, state: str = GrantState.APPROVED) -> tuple[IO[bytes], int]:
    """The 免申即享 list of POLICY in STATE (the approved list by default) for the actor."""
    qs = grant_rows(actor=actor, policy=policy, state=state)
    sheet = Sheet(
        title="免申即享名单",
        columns=GRANT_COLUMNS,
        rows=_grant_rows(qs.iterator(chunk_size=CHUNK)),
        max_rows=EXPORT_MAX_ROWS,
    )
    file, (count,) = xlsx_tempfile(sheet)
    audit_record(
        actor=actor,
        action="policy_grants_export",
        object_type="policy",
        object_id=policy.code,
        changes={"state": state, "rows": count},
    )
    return file, count


def export_filename(policy: Policy, what: str) -> str:
    return f"{policy.code}-{what}-{timezone.localdate():%Y%m%d}.xlsx"
