"""导出Excel of a list's members in a month (openpyxl write-only through qifu.core.excel), audited."""

from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.excel import Column, Sheet, Value, xlsx_tempfile
from qifu.reference.models import ServiceList
from qifu.servicelists.models import Membership, MembershipSource
from qifu.servicelists.selectors import list_members

EXPORT_MAX_ROWS = 100_000
COLUMNS = [
    Column("统一社会信用代码", 22),
    Column("企业名称", 36),
    Column("行业代码", 10),
    Column("所在园区", 20),
    Column("主挂钩人", 12),
    Column("来源", 8),
    Column("理由", 80),
]
SOURCES: dict[str, str] = {MembershipSource.RULE: "规则", MembershipSource.MANUAL: "人工"}


def _rows(rows: Iterable[Membership]) -> Iterator[list[Value]]:
    for m in rows:
        e = m.enterprise
        liaison = e.primary_liaison
        name = (liaison.display_name or liaison.username) if liaison else ""
        yield [e.uscc, e.name, e.industry, e.park, name, SOURCES.get(m.source, m.source), m.reason]


def members_export(*, actor: Actor, service_list: ServiceList, month: date, q: str = "") -> tuple[IO[bytes], int]:
    """The members of SERVICE_LIST in MONTH that the actor sees (narrowed by Q)."""
    qs = list_members(actor=actor, service_list=service_list, month=month, q=q)
    sheet = Sheet(
        title=f"{service_list.name}{month:%Y-%m}",
        columns=COLUMNS,
        rows=_rows(qs.iterator(chunk_size=2_000)),
        max_rows=EXPORT_MAX_ROWS,
    )
    file, (count,) = xlsx_tempfile(sheet)
    audit_record(
        actor=actor,
        action="list_members_export",
        object_type="service_list",
        object_id=service_list.code,
        changes={"month": f"{month:%Y-%m}", "q": q, "rows": count},
    )
    return file, count
