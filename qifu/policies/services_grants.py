"""免申即享 (auto_grant) grant lists: the eligible enterprises are listed for staff review, approved
or rejected, and exported (PRODUCT.md §2.6). The list only grows by itself: an enterprise already
on it — in any state — is never listed again, so a rejection stays a rejection."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.errors import Conflict, PermissionDenied, RuleViolation
from qifu.policies import engine
from qifu.policies.errors import PolicyErrorCode as Code
from qifu.policies.models import GrantState, PolicyGrant
from qifu.policies.selectors import current_policies, policy_tree
from qifu.policies.services import may_edit

BATCH = 1000
NOTE_MAX = 200


def grant_list_refresh(policy_codes: Sequence[str] | None = None, *, on: date | None = None) -> int:
    """§2.6 免申即享: every enterprise eligible on ON for a published, in-force auto_grant policy
    (of POLICY_CODES, or all) that is not on its list yet is added as proposed; the number added.
    Idempotent (unique (enterprise, policy), inserted with ignore-conflicts)."""
    day = on or timezone.localdate()
    wanted = None if policy_codes is None else set(policy_codes)
    policies = [p for p in current_policies(day) if p.auto_grant and (wanted is None or p.code in wanted)]
    if not policies:
        return 0
    ctx = engine.context(day)
    added = 0
    for policy in policies:
        unlisted = ~Exists(PolicyGrant.objects.filter(policy_id=policy.pk, enterprise_id=OuterRef("pk")))
        ids = list(engine.matching(policy_tree(policy), ctx).filter(unlisted).values_list("id", flat=True))
        if not ids:
            continue
        with transaction.atomic():
            for start in range(0, len(ids), BATCH):
                PolicyGrant.objects.bulk_create(
                    [
                        PolicyGrant(enterprise_id=e, policy_id=policy.pk, state=GrantState.PROPOSED, listed_on=day)
                        for e in ids[start : start + BATCH]
                    ],
                    ignore_conflicts=True,  # a concurrent refresh listed it first
                )
            audit_record(
                actor=None,
                action="policy_grant_list",
                object_type="policy",
                object_id=policy.code,
                changes={"listed": len(ids), "on": day.isoformat()},
            )
        added += len(ids)
    return added


def grant_review(*, actor: Actor, grant: PolicyGrant, approve: bool, note: str = "") -> PolicyGrant:
    """§2.6 免申即享 review: the desk or the issuing department approves or rejects a proposed
    grant, once (a reviewed grant answers 409 and changes nothing)."""
    if not may_edit(actor, grant.policy.department_id):
        raise PermissionDenied(_("只有服务专班和发布部门可以审核免申即享名单。"), code=Code.GRANT_FORBIDDEN)
    if grant.policy.auto_grant is False:
        raise Conflict(_("该政策不是免申即享政策。"), code=Code.NOT_AUTO_GRANT)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise RuleViolation(_("审核意见不能超过200个字。"), code="too_long", data={"field": "note"})
    state = GrantState.APPROVED if approve else GrantState.REJECTED
    now = timezone.now()
    with transaction.atomic():
        # A conditional UPDATE: of two reviewers at once, exactly one changes the row.
        changed = PolicyGrant.objects.filter(pk=grant.pk, state=GrantState.PROPOSED).update(
            state=state, reviewed_by=actor.user, reviewed_at=now, note=note, updated_at=now
        )
        if not changed:
            raise Conflict(_("该企业已审核过，不能再次审核。"), code=Code.GRANT_REVIEWED)
        audit_record(
            actor=actor,
            action="policy_grant_review",
            object_type="policy",
            object_id=grant.policy.code,
            changes={"enterprise_id": grant.enterprise_id, "state": [GrantState.PROPOSED, state], "note": note},
        )
    grant.state, grant.reviewed_by, grant.reviewed_at, grant.note = state, actor.user, now, note
    return grant
