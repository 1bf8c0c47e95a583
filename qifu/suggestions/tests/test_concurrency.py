"""Two people answer one suggestion at the same moment: the row is locked first, so exactly one
answer is written and the other is refused with `suggestion_already_answered`."""

import os
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.core.errors import QifuError
from qifu.suggestions.models import Suggestion
from qifu.suggestions.services import suggestion_answer, suggestion_assign
from qifu.suggestions.tests.conftest import given

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("QIFU_DATABASE_URL", "").startswith("postgres"),
        reason="real row locks need PostgreSQL (CI runs it); SQLite serialises whole write transactions",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(*calls: Callable[[], Any]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    results: list[str] = [""] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            call()
            results[i] = "ok"
        except QifuError as exc:
            results[i] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_handler_and_head_answer_at_once_one_wins(cast) -> None:
    s = given(cast, "assigned", department="JFJ")
    handler, head = Actor.of(cast.jfj_handler), Actor.of(cast.jfj_head)
    results = _race(
        lambda: suggestion_answer(actor=handler, suggestion=s.pk, answer="承办人答复"),
        lambda: suggestion_answer(actor=head, suggestion=s.pk, answer="负责人答复"),
    )
    assert sorted(results) == ["ok", "suggestion_already_answered"]
    assert AuditEntry.objects.filter(action="suggestion_answer", object_id=str(s.pk)).count() == 1
    assert Suggestion.objects.get(pk=s.pk).answer in ("承办人答复", "负责人答复")


def test_reassign_and_answer_at_once(cast) -> None:
    s = given(cast, "assigned", department="JFJ")
    results = _race(
        lambda: suggestion_assign(actor=Actor.of(cast.desk), suggestion=s.pk, department="KJJ"),
        lambda: suggestion_answer(actor=Actor.of(cast.jfj_handler), suggestion=s.pk, answer="已答复"),
    )
    row = Suggestion.objects.get(pk=s.pk)
    # either the answer came first (the reassignment is refused) or the reassignment did (JFJ no longer sees it)
    assert sorted(results) in (["ok", "suggestion_already_answered"], ["not_found", "ok"])
    assert (row.state == "answered") == ("suggestion_already_answered" in results)
