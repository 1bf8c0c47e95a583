"""Newly eligible enterprises are told once (PRODUCT.md §2.6 push; UX.md 无事不扰): on publishing,
when an enterprise's data changes, and nightly; never twice, never a deregistered enterprise. And
the 免申即享 grant lists that the same jobs keep."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.audit.models import AuditEntry
from qifu.core.errors import Conflict, PermissionDenied
from qifu.enterprises.models import Enterprise, EnterpriseStatus
from qifu.enterprises.services import EnterpriseData, enterprise_create, enterprise_data_of, enterprise_update
from qifu.enterprises.uscc import make_uscc
from qifu.notify.models import Notification
from qifu.policies.models import GrantState, PolicyGrant, PolicyNotice
from qifu.policies.notices import (
    enterprise_changed,
    enterprise_changes_batched,
    notify_enterprises_changed,
    notify_newly_eligible,
    policies_nightly,
)
from qifu.policies.services import policy_set_status
from qifu.policies.services_grants import grant_list_refresh, grant_review
from qifu.policies.tests.given_api import ABOVE_SCALE, given_policy

pytestmark = pytest.mark.django_db


def told(policy_code: str) -> list[int]:
    return sorted(PolicyNotice.objects.filter(policy__code=policy_code).values_list("enterprise_id", flat=True))


def inbox(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="policy"))


def test_publishing_tells_the_eligible_enterprises_once(cast, django_capture_on_commit_callbacks) -> None:
    # when: KJJ publishes a policy that fits enterprise A
    with django_capture_on_commit_callbacks(execute=True):
        policy = given_policy(cast.kjj_handler, "KS-EL")
    # then: A is told, through its portal user, once, non-urgent, linked to 适合我们的政策
    assert told("KS-EL") == [cast.a.pk]
    [notice] = inbox(cast.ent_a)
    assert notice.dedup_key == f"policy:KS-EL:{cast.a.pk}" and notice.enterprise_id == cast.a.pk
    assert notice.url == "/policies/for-us/" and notice.urgent is False
    assert "高新技术企业首次认定奖励" in notice.title
    assert inbox(cast.ent_b) == []
    # when: withdrawn and published again, and the job runs again
    kjj = Actor.of(cast.kjj_handler)
    with django_capture_on_commit_callbacks(execute=True):
        policy_set_status(actor=kjj, policy=policy, status="draft")
        policy_set_status(actor=kjj, policy=policy, status="published")
    assert notify_newly_eligible(["KS-EL"]) == 0
    # then: nobody is told again
    assert len(inbox(cast.ent_a)) == 1 and told("KS-EL") == [cast.a.pk]


def test_a_draft_tells_nobody(cast, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        given_policy(cast.desk, "KS-DRAFT", status="draft")
    assert notify_newly_eligible(["KS-DRAFT"]) == 0
    assert told("KS-DRAFT") == [] and inbox(cast.ent_a) == []


def test_an_enterprise_whose_change_makes_it_eligible_is_told_once(cast, django_capture_on_commit_callbacks) -> None:
    # given: the policy fits A only (industry C39/C40); B is C3484
    with django_capture_on_commit_callbacks(execute=True):
        given_policy(cast.desk, "KS-EL")
    desk = Actor.of(cast.desk)
    b = Enterprise.objects.get(pk=cast.b.pk)
    # when: B moves into C39
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_update(actor=desk, enterprise=b, data=_with(b, industry="C3911"))
    # then
    assert told("KS-EL") == sorted([cast.a.pk, cast.b.pk])
    assert len(inbox(cast.ent_b)) == 1
    # when: B changes again (still eligible), and leaves and comes back
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_update(actor=desk, enterprise=b, data=_with(b, employees=400))
        enterprise_update(actor=desk, enterprise=b, data=_with(b, industry="C3484"))
        enterprise_update(actor=desk, enterprise=b, data=_with(b, industry="C4011"))
    # then: told once, ever
    assert len(inbox(cast.ent_b)) == 1


def test_a_deregistered_enterprise_is_never_told(cast, django_capture_on_commit_callbacks) -> None:
    Enterprise.objects.filter(pk=cast.b.pk).update(status=EnterpriseStatus.DEREGISTERED)
    with django_capture_on_commit_callbacks(execute=True):
        given_policy(cast.desk, "KS-ALL", conditions=ABOVE_SCALE)
    assert policies_nightly().notified == 0  # (publishing told A and C already)
    assert notify_enterprises_changed([cast.b.pk]) == 0
    assert cast.b.pk not in told("KS-ALL") and inbox(cast.ent_b) == []
    assert told("KS-ALL") == sorted([cast.a.pk, cast.c.pk])


def test_the_nightly_tells_those_the_calendar_made_eligible_once(cast) -> None:
    # given: "15 years or older"; the cast was founded 2012-05-01
    conditions = {"all": [ABOVE_SCALE, {"field": "age_years", "op": "ge", "value": 15}]}
    given_policy(cast.desk, "KS-AGE", conditions=conditions, valid_to="2030-12-31")
    # when / then
    assert policies_nightly(on=date(2027, 4, 30)).notified == 0
    first = policies_nightly(on=date(2027, 5, 1))
    assert first.notified == 3 and told("KS-AGE") == sorted([cast.a.pk, cast.b.pk, cast.c.pk])
    assert policies_nightly(on=date(2027, 5, 1)).notified == 0
    assert policies_nightly(on=date(2027, 5, 2)).notified == 0
    assert len(inbox(cast.ent_a)) == 1 and len(inbox(cast.ent_b)) == 1


def test_the_nightly_expires_policies_past_their_validity(cast) -> None:
    given_policy(cast.desk, "KS-SHORT", valid_to="2026-12-31")
    result = policies_nightly(on=date(2027, 1, 1))
    assert (result.expired, result.notified) == (1, 0)


def test_two_workers_never_tell_anyone_twice(cast) -> None:
    # given: a worker told A; a second worker that read "not told" before the first committed …
    given_policy(cast.desk, "KS-EL")
    assert notify_newly_eligible(["KS-EL"]) == 1
    PolicyNotice.objects.all().delete()  # … is what this second run sees
    # when
    notify_newly_eligible(["KS-EL"])
    # then: the notification's dedup key holds
    assert len(inbox(cast.ent_a)) == 1


def test_many_changed_enterprises_are_matched_over_columns_with_the_same_result(cast) -> None:
    given_policy(cast.desk, "KS-RICH", conditions={"field": "revenue_last_year", "op": "ge", "value": 1000})
    desk = Actor.of(cast.desk)
    ids = []
    for serial in range(3001, 3031):
        revenue = Decimal(500 if serial % 3 == 0 else 1500)
        e = enterprise_create(
            actor=desk, data=EnterpriseData(uscc=make_uscc(serial), name=f"企业{serial}", revenue_last_year=revenue)
        )
        ids.append(e.pk)
    expected = sorted(pk for serial, pk in zip(range(3001, 3031), ids, strict=True) if serial % 3 != 0)
    # when: 30 at once (over the column path), then a few again (the explanation path)
    assert notify_enterprises_changed(ids) == 20
    assert told("KS-RICH") == expected
    assert notify_enterprises_changed(ids[:5]) == 0


def test_changes_in_one_transaction_are_checked_once_after_the_commit(cast, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic(), enterprise_changes_batched():
        enterprise_changed(cast.a.pk)
        enterprise_changed(cast.b.pk)
        enterprise_changed(cast.a.pk)
    assert len(callbacks) == 1
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
        enterprise_changes_batched(),
    ):
        enterprise_changed(cast.c.pk)
        raise RuntimeError("rolled back")
    assert callbacks == []


# --- 免申即享 grant lists ---------------------------------------------------------------------------


def test_publishing_an_auto_grant_policy_lists_the_eligible_once(cast, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        given_policy(cast.kjj_head, "KS-AUTO", auto_grant=True, conditions=ABOVE_SCALE)
    grants = PolicyGrant.objects.filter(policy__code="KS-AUTO")
    assert sorted(grants.values_list("enterprise_id", flat=True)) == sorted([cast.a.pk, cast.b.pk, cast.c.pk])
    assert set(grants.values_list("state", flat=True)) == {GrantState.PROPOSED}
    assert grant_list_refresh() == 0 and policies_nightly().granted == 0
    assert grants.count() == 3


def test_a_policy_without_auto_grant_has_no_list(cast) -> None:
    given_policy(cast.desk, "KS-EL")
    assert grant_list_refresh() == 0 and PolicyGrant.objects.count() == 0


def test_the_issuing_department_reviews_a_grant_once(cast) -> None:
    given_policy(cast.kjj_head, "KS-AUTO", auto_grant=True, conditions=ABOVE_SCALE)
    grant_list_refresh(["KS-AUTO"])
    grant = PolicyGrant.objects.select_related("policy").get(enterprise=cast.a)
    audits = AuditEntry.objects.count()
    # a handler of another department may not
    with pytest.raises(PermissionDenied) as denied:
        grant_review(actor=Actor.of(cast.jfj_handler), grant=grant, approve=True)
    assert denied.value.code == "policy_grant_forbidden" and AuditEntry.objects.count() == audits
    # the issuing department approves
    grant_review(actor=Actor.of(cast.kjj_handler), grant=grant, approve=True, note="材料齐全")
    grant.refresh_from_db()
    assert (grant.state, grant.reviewed_by_id, grant.note) == (GrantState.APPROVED, cast.kjj_handler.pk, "材料齐全")
    assert AuditEntry.objects.count() == audits + 1
    # a second review is refused and changes nothing
    with pytest.raises(Conflict) as again:
        grant_review(actor=Actor.of(cast.desk), grant=grant, approve=False)
    assert again.value.code == "policy_grant_reviewed"
    grant.refresh_from_db()
    assert grant.state == GrantState.APPROVED and AuditEntry.objects.count() == audits + 1
    # a rejected enterprise is not listed again by the refresh
    other = PolicyGrant.objects.select_related("policy").get(enterprise=cast.b)
    grant_review(actor=Actor.of(cast.desk), grant=other, approve=False, note="已享受同类政策")
    assert grant_list_refresh() == 0
    assert PolicyGrant.objects.get(pk=other.pk).state == GrantState.REJECTED


def _with(enterprise: Enterprise, **changes: object) -> EnterpriseData:
    from dataclasses import replace

    return replace(enterprise_data_of(enterprise), **changes)  # type: ignore[arg-type]
