"""The visit ledger export: the scoped, filtered ledger plus the month's coverage; formula cells
neutralised; audited."""

from datetime import date

import openpyxl
import pytest

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.conftest import Cast
from qifu.visits.exporting import visit_export
from qifu.visits.selectors import VisitFilters
from qifu.visits.tests.domain_helpers import at, backdate_links, log

pytestmark = pytest.mark.django_db


def test_export_ledger_and_coverage(cast: Cast) -> None:
    backdate_links()
    log(cast, visited_at=at(2026, 11, 3), notes='=HYPERLINK("http://x")', participant_ids=[cast.kjj_handler.pk])
    log(cast, who="liaison_b", enterprise=cast.b, visited_at=at(2026, 11, 4))
    file, count, truncated = visit_export(actor=Actor.of(cast.liaison_a), filters=VisitFilters(month=date(2026, 11, 1)))
    assert (count, truncated) == (1, False)
    book = openpyxl.load_workbook(file)
    ledger, by_liaison, by_dept = book.worksheets
    rows = list(ledger.values)
    assert rows[0][0] == "序号" and rows[1][2] == cast.a.name
    assert rows[1][6] == "挂钩干部甲、科创承办"
    notes = rows[1][14]
    assert isinstance(notes, str) and not notes.startswith("=")
    cov = list(by_liaison.values)
    assert (cov[1][0], *cov[1][2:5]) == ("挂钩干部甲", 1, 1, "100.0%")
    assert cov[-1][0] == "合计"
    assert list(by_dept.values)[-1][0] == "合计"
    assert AuditEntry.objects.filter(action="visit_export").count() == 1


def test_export_is_capped(cast: Cast) -> None:
    backdate_links()
    for day in (2, 3, 4):
        log(cast, visited_at=at(2026, 11, day), requested=True)
    file, count, truncated = visit_export(actor=Actor.of(cast.desk), filters=VisitFilters(), limit=2)
    assert (count, truncated) == (2, True)
    rows = list(openpyxl.load_workbook(file).worksheets[0].values)
    assert "仅导出前2条" in str(rows[-1][1])
