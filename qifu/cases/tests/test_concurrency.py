"""Two people act on one case at the same moment (security checklist RL-2): the case row is locked
first, so exactly one wins and the other is refused with a stable code; nothing is half-written.
Filing under concurrency keeps numbers unique and gap-free, and the audit chain linear."""

import pytest

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.audit.services import audit_verify
from qifu.cases.models import Case, CaseEvent
from qifu.cases.services import CaseData, case_act, case_file
from qifu.cases.tests.conftest import drive
from qifu.core.testing import race

# Real row locks need PostgreSQL (CI runs it): SQLite serialises whole write transactions.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_handler_and_head_sign_at_once_one_wins(cast) -> None:
    case = drive(cast, "dispatched")
    handler, head = Actor.of(cast.jfj_handler), Actor.of(cast.jfj_head)
    results = race(
        lambda: case_act(actor=handler, case_id=case.pk, action="sign"),
        lambda: case_act(actor=head, case_id=case.pk, action="sign"),
    )
    assert sorted(results) == ["action_not_allowed", "ok"]
    assert CaseEvent.objects.filter(case=case, action="sign").count() == 1


def test_withdraw_and_accept_at_once(cast) -> None:
    case = drive(cast, "submitted")
    results = race(
        lambda: case_act(actor=Actor.of(cast.ent_a), case_id=case.pk, action="withdraw"),
        lambda: case_act(actor=Actor.of(cast.desk), case_id=case.pk, action="accept"),
    )
    assert sorted(results) in (["action_not_allowed", "ok"], ["ok", "ok"])
    case.refresh_from_db()
    # either the desk accepted first and the enterprise then withdrew, or the withdrawal won
    assert case.state == "withdrawn"
    assert CaseEvent.objects.filter(case=case, action="withdraw").count() == 1


def test_twenty_filings_at_once_get_unique_gap_free_numbers(cast) -> None:
    ent = Actor.of(cast.ent_a)
    results = race(
        *[(lambda n=n: case_file(actor=ent, enterprise=cast.a, data=CaseData(text=f"并发{n}"))) for n in range(20)]
    )
    assert results == ["ok"] * 20
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in Case.objects.values_list("number", flat=True))
    assert serials == list(range(1, 21))
    # the audit chain took the twenty appends one after another: ids and hashes stay linked
    assert AuditEntry.objects.filter(action="case_file").count() == 20
    assert audit_verify().ok
