"""The case index merges in the background (SQLite): a filing adds its own small segment and never
carries on a merge; `search_merge` (the periodic job, `qifu search merge`) merges the rest."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qifu.search.selectors import search
from qifu.search.services import search_merge
from qifu.search.tasks import search_merge_periodic
from qifu.search.tests.conftest import file_for

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 segments are SQLite's")


def segments() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(DISTINCT segid) FROM search_case_fts_idx")
        return int(cursor.fetchone()[0])


def file_many(world, n: int) -> None:
    for i in range(n):
        file_for(world.cast, "ent_a", world.cast.a, f"第{i}号车间申请增容用电，请协调现场勘察{i}。", f"增容{i}")


def automerge() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT v FROM search_case_fts_config WHERE k = 'automerge'")
        return int(cursor.fetchone()[0])


@sqlite_only
def test_the_case_index_has_automerge_off_and_keeps_it_through_a_rebuild(db):
    assert automerge() == 0
    call_command("search", "rebuild", "--type", "cases", "--no-progress", stdout=StringIO())
    assert automerge() == 0


@sqlite_only
def test_filings_leave_their_segments_and_the_merge_folds_them(world):
    # given filings that each leave their own segment (below sixteen on one level, where FTS5 merges
    # them at once whatever the setting)
    before = segments()
    n = 15 - before
    assert n >= 4
    file_many(world, n)
    assert segments() == before + n
    # when the background merge runs
    result = search_merge()
    # then few segments are left, the run says it finished, and every case is still found
    assert result.done and result.rounds["search_casedoc"] >= 1
    assert segments() <= 4
    assert search(actor=world.actor("desk"), q="增容 勘察", type="cases").count == n
    # and a second run finds nothing to do
    again = search_merge()
    assert again.done and again.rounds == {"search_casedoc": 0}


@sqlite_only
def test_a_run_stops_after_its_rounds_and_says_so(world):
    file_many(world, 6)
    result = search_merge(pages=1, rounds=1)
    assert result.rounds == {"search_casedoc": 1} and not result.done
    assert search_merge_periodic.call_local().done  # the periodic job finishes the work
    assert segments() <= 4


@sqlite_only
def test_the_command_merges_and_reports(world):
    file_many(world, 6)
    out = StringIO()
    call_command("search", "merge", stdout=out)
    assert "search_casedoc" in out.getvalue() and "nothing left to merge" in out.getvalue()
    with pytest.raises(CommandError, match="at least 1"):
        call_command("search", "merge", "--pages", "0", stdout=StringIO())


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL keeps its own index")
def test_postgresql_has_nothing_to_merge(world):
    assert search_merge().rounds == {}
    out = StringIO()
    call_command("search", "merge", stdout=out)
    assert "Nothing to merge" in out.getvalue()
