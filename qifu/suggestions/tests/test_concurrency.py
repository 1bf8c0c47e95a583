"""Two people answer one suggestion at the same moment: the row is locked first, so exactly one
answer is written and the other is refused with `suggestion_already_answered`."""

import pytest

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.core.testing import race
from qifu.suggestions.models import Suggestion
from qifu.suggestions.services import suggestion_answer, suggestion_assign
from qifu.suggestions.tests.conftest import given

# Real row locks need PostgreSQL (CI runs it): SQLite serialises whole write transactions.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_handler_and_head_answer_at_once_one_wins(cast) -> None:
    s = given(cast, "assigned", department="JFJ")
    handler, head = Actor.of(cast.jfj_handler), Actor.of(cast.jfj_head)
    results = race(
        lambda: suggestion_answer(actor=handler, suggestion=s.pk, answer="承办人答复"),
        lambda: suggestion_answer(actor=head, suggestion=s.pk, answer="负责人答复"),
    )
    assert sorted(results) == ["ok", "suggestion_already_answered"]
    assert AuditEntry.objects.filter(action="suggestion_answer", object_id=str(s.pk)).count() == 1
    assert Suggestion.objects.get(pk=s.pk).answer in ("承办人答复", "负责人答复")


def test_reassign_and_answer_at_once(cast) -> None:
    s = given(cast, "assigned", department="JFJ")
    results = race(
        lambda: suggestion_assign(actor=Actor.of(cast.desk), suggestion=s.pk, department="KJJ"),
        lambda: suggestion_answer(actor=Actor.of(cast.jfj_handler), suggestion=s.pk, answer="已答复"),
    )
    row = Suggestion.objects.get(pk=s.pk)
    # either the answer came first (the reassignment is refused) or the reassignment did (JFJ no longer sees it)
    assert sorted(results) in (["ok", "suggestion_already_answered"], ["not_found", "ok"])
    assert (row.state == "answered") == ("suggestion_already_answered" in results)
