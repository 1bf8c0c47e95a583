"""Writes of the service lists (PRODUCT.md §2.5): rules, manual overrides, the monthly evaluation.

Every write checks the actor's right, enforces the rules, audits in the same transaction
(STYLE.md §6.2.1). Pages, the API, the admin, the command and the monthly task call these.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import (
    may_edit_list_rules,
    may_evaluate_lists,
    may_override_lists,
    scope_list_enterprises,
)
from qifu.alerts.services import alerts_scan_after_commit
from qifu.audit.services import audit_record
from qifu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.policies.conditions import ConditionError, parse
from qifu.reference.models import ServiceList
from qifu.reference.selectors import service_list_names
from qifu.servicelists.errors import ListErrorCode
from qifu.servicelists.evaluation import RuleSpec, evaluate_rules, member_reasons
from qifu.servicelists.models import (
    MAX_MONTHS,
    MAX_VISIT_INTERVAL_DAYS,
    ListOverride,
    ListRule,
    Membership,
    MembershipSource,
    OverrideAction,
)
from qifu.servicelists.months import current_month, first_of
from qifu.servicelists.selectors import latest_month, members_by_list

WRITE_BATCH = 2_000

# --- rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInput:
    """A rule as given (the page's form, the admin, the API): conditions as formats.md JSON."""

    conditions: Any
    months: Any
    active: bool
    visit_interval_days: Any
    notify_liaison: bool
    notify_department: bool
    notify_leaders: bool
    strategy: str


def rule_faults(data: RuleInput) -> list[dict[str, str]]:
    """Every fault of DATA as {"path", "message"} (conditions by formats.md path, e.g.
    `conditions.any[1].op`); empty when the rule may be saved."""
    faults: list[dict[str, str]] = []
    try:
        parse(data.conditions)
    except ConditionError as exc:
        faults += [{"path": path, "message": message} for path, message in exc.faults]
    months = data.months
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        faults.append({"path": "months", "message": _("连续月数应为1至%(n)s之间的整数。") % {"n": MAX_MONTHS}})
    days = data.visit_interval_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_VISIT_INTERVAL_DAYS:
        faults.append(
            {
                "path": "visit_interval_days",
                "message": _("走访间隔应为1至%(n)s天。") % {"n": MAX_VISIT_INTERVAL_DAYS},
            }
        )
    if len(data.strategy) > 2_000:
        faults.append({"path": "strategy", "message": _("服务策略最多2000字。")})
    return faults


def _rule_state(rule: ListRule) -> dict[str, Any]:
    return {
        "conditions": rule.conditions,
        "months": rule.months,
        "active": rule.active,
        "visit_interval_days": rule.visit_interval_days,
        "notify_liaison": rule.notify_liaison,
        "notify_department": rule.notify_department,
        "notify_leaders": rule.notify_leaders,
        "strategy": rule.strategy,
    }


@transaction.atomic
def list_rule_set(*, actor: Actor, service_list: ServiceList, data: RuleInput) -> ListRule:
    """§2.5 a list's rule and strategy: the service desk only; every fault named by its path and
    nothing changed when any is found; audited with before and after."""
    if not may_edit_list_rules(actor):
        raise PermissionDenied(_("只有服务专班可以修改清单规则。"), code=ListErrorCode.RULE_EDIT_FORBIDDEN)
    faults = rule_faults(data)
    if faults:
        raise RuleViolation(_("规则有误，未保存。"), code=ListErrorCode.RULE_INVALID, data={"faults": faults})
    rule = ListRule.objects.select_for_update().filter(service_list=service_list).first()
    before = _rule_state(rule) if rule is not None else None
    if rule is None:
        rule = ListRule(service_list=service_list)
    rule.conditions = data.conditions
    rule.months = data.months
    rule.active = data.active
    rule.visit_interval_days = data.visit_interval_days
    rule.notify_liaison = data.notify_liaison
    rule.notify_department = data.notify_department
    rule.notify_leaders = data.notify_leaders
    rule.strategy = data.strategy.strip()
    rule.updated_by = actor.user
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action="list_rule_set",
        object_type="service_list",
        object_id=service_list.code,
        changes={"before": before, "after": _rule_state(rule)},
    )
    return rule


# --- manual overrides ----------------------------------------------------------------------------


def _may_override(actor: Actor) -> None:
    if not may_override_lists(actor):
        raise PermissionDenied(_("只有服务专班和经济发展局可以人工调整清单。"), code=ListErrorCode.OVERRIDE_FORBIDDEN)


@transaction.atomic
def list_override_add(
    *, actor: Actor, service_list: ServiceList, enterprise: Enterprise, action: str, reason: str
) -> ListOverride:
    """§2.5 manual add or remove with a reason: one open override per enterprise and list; it
    applies to the current snapshot at once and to every later evaluation until withdrawn."""
    _may_override(actor)
    if not scope_list_enterprises(actor).filter(pk=enterprise.pk).exists():
        raise NotFound(_("企业不存在。"))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("请填写调整理由。"), code=ListErrorCode.REASON_REQUIRED)
    if action not in OverrideAction.values:
        raise RuleViolation(_("操作应为纳入或移出。"))
    open_ = ListOverride.objects.select_for_update().filter(
        enterprise=enterprise, service_list=service_list, withdrawn_at__isnull=True
    )
    if open_.exists():
        raise Conflict(_("该企业在此清单上已有未撤销的人工调整。"), code=ListErrorCode.OVERRIDE_OPEN)
    override = ListOverride(
        enterprise=enterprise, service_list=service_list, action=action, reason=reason, created_by=actor.user
    )
    override.full_clean()
    try:
        with transaction.atomic():
            override.save()
    except IntegrityError as exc:  # a concurrent add won the race (the partial unique constraint)
        raise Conflict(_("该企业在此清单上已有未撤销的人工调整。"), code=ListErrorCode.OVERRIDE_OPEN) from exc
    month = latest_month()
    if month is not None:
        _apply_now(month, override)
    audit_record(
        actor=actor,
        action=f"list_override_{action}",
        object_type="enterprise",
        object_id=enterprise.uscc,
        changes={"list": service_list.code, "reason": reason, "snapshot": f"{month:%Y-%m}" if month else None},
    )
    return override


def _apply_now(month: date, override: ListOverride) -> None:
    rows = Membership.objects.filter(
        month=month, service_list_id=override.service_list_id, enterprise_id=override.enterprise_id
    )
    if override.action == OverrideAction.ADD:
        if not rows.update(source=MembershipSource.MANUAL, reason=override.reason, updated_at=timezone.now()):
            Membership.objects.create(
                month=month,
                service_list_id=override.service_list_id,
                enterprise_id=override.enterprise_id,
                source=MembershipSource.MANUAL,
                reason=override.reason,
            )
    else:
        rows.delete()


@transaction.atomic
def list_override_withdraw(*, actor: Actor, override: ListOverride) -> ListOverride:
    """§2.5 withdraw a manual adjustment: from the next evaluation the rule decides again."""
    _may_override(actor)
    locked = ListOverride.objects.select_for_update().filter(pk=override.pk, withdrawn_at__isnull=True).first()
    if locked is None:
        raise NotFound(_("没有可撤销的人工调整。"), code=ListErrorCode.OVERRIDE_MISSING)
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor.user
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    audit_record(
        actor=actor,
        action="list_override_withdraw",
        object_type="enterprise",
        object_id=locked.enterprise.uscc,
        changes={"list": locked.service_list.code, "action": locked.action, "reason": locked.reason},
    )
    return locked


# --- the monthly evaluation ----------------------------------------------------------------------


@dataclass
class ListSummary:
    code: str
    name: str
    members: int = 0
    by_rule: int = 0
    by_hand: int = 0
    entered: int = 0
    left: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "members": self.members,
            "by_rule": self.by_rule,
            "by_hand": self.by_hand,
            "entered": self.entered,
            "left": self.left,
        }


@dataclass
class EvaluationResult:
    month: date
    previous: date | None
    enterprises: int = 0
    lists: dict[str, ListSummary] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    deleted: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "month": f"{self.month:%Y-%m}",
            "previous": f"{self.previous:%Y-%m}" if self.previous else None,
            "enterprises": self.enterprises,
            "lists": {code: s.as_json() for code, s in self.lists.items()},
            "written": {"created": self.created, "updated": self.updated, "deleted": self.deleted},
            "seconds": round(self.seconds, 3),
        }


def evaluation_steps(month: date) -> int:
    """How many times `evaluate_month` calls its STEP (for a progress bar)."""
    depth = max(ListRule.objects.filter(active=True).values_list("months", flat=True), default=0)
    return 1 + depth + 2  # load, one per month back, reasons, write


def _check_month(month: date) -> date:
    month = first_of(month)
    if month > current_month():
        raise RuleViolation(_("不能评估未来的月份。"), code=ListErrorCode.BAD_MONTH)
    return month


def evaluate_month(
    *,
    month: date,
    actor: Actor | None = None,
    step: Callable[[str], None] | None = None,
    check_month: bool = True,
    audit: bool = True,
) -> EvaluationResult:
    """§2.5 the monthly snapshot: each active rule over every active enterprise (numpy; N months
    for "N consecutive months"), then the open manual overrides; MONTH's rows replaced in one
    transaction by their difference (a second run writes nothing). ACTOR None = the system;
    CHECK_MONTH False lets the seed evaluate its demo months whatever the clock says, AUDIT False
    leaves the audit to the seed's one summary record."""
    if actor is not None and not may_evaluate_lists(actor):
        raise PermissionDenied(_("只有服务专班可以执行清单评估。"), code=ListErrorCode.EVALUATE_FORBIDDEN)
    month = _check_month(month) if check_month else first_of(month)
    started = time.perf_counter()
    note = step or (lambda _label: None)
    lists = list(ServiceList.objects.order_by("sort", "code"))
    names = service_list_names()
    rules: list[tuple[ListRule, RuleSpec]] = []
    for rule in ListRule.objects.filter(active=True).select_related("service_list"):
        try:
            tree = parse(rule.conditions)
        except ConditionError as exc:  # saved rules are checked; a field retired since then lands here
            faults = [{"path": p, "message": m} for p, m in exc.faults]
            raise RuleViolation(
                _("清单“%(name)s”的规则有误，未评估。") % {"name": rule.service_list.name},
                code=ListErrorCode.RULE_INVALID,
                data={"faults": faults, "list": rule.service_list.code},
            ) from exc
        rules.append((rule, RuleSpec(code=rule.service_list.code, tree=tree, months=rule.months)))
    cols, masks = evaluate_rules([spec for _rule, spec in rules], month, step=note)
    wanted: dict[tuple[int, int], tuple[str, str]] = {}  # (list id, enterprise id) -> (source, reason)
    for rule, spec in rules:
        rows = masks[spec.code].nonzero()[0]
        reasons = member_reasons(spec.tree, spec.months, cols, rows, names)
        for ent, reason in zip(cols.ids[rows].tolist(), reasons, strict=True):
            wanted[(rule.service_list_id, ent)] = (MembershipSource.RULE, reason)
    note("reasons")
    overrides = ListOverride.objects.filter(withdrawn_at__isnull=True).values_list(
        "service_list_id", "enterprise_id", "action", "reason"
    )
    for list_id, ent, action, reason in overrides:
        if action == OverrideAction.ADD:
            wanted[(list_id, ent)] = (MembershipSource.MANUAL, reason)
        else:
            wanted.pop((list_id, ent), None)
    result = EvaluationResult(month=month, previous=latest_month(month - timedelta(days=1)), enterprises=cols.size)
    with transaction.atomic():
        list(ListRule.objects.select_for_update().values_list("pk", flat=True))  # one evaluation at a time
        _write(month, wanted, result)
        _summarise(result, lists, wanted)
        result.seconds = time.perf_counter() - started
        if audit:
            audit_record(
                actor=actor,
                action="list_evaluate",
                object_type="service_lists",
                object_id=f"{month:%Y-%m}",
                changes=result.as_json(),
            )
        alerts_scan_after_commit()  # early warnings: who entered 显著下滑 (docs/ALERTS.md)
    note("write")
    return result


def _write(month: date, wanted: dict[tuple[int, int], tuple[str, str]], result: EvaluationResult) -> None:
    stored = {
        (list_id, ent): (pk, source, reason)
        for pk, list_id, ent, source, reason in Membership.objects.filter(month=month).values_list(
            "pk", "service_list_id", "enterprise_id", "source", "reason"
        )
    }
    gone = [pk for key, (pk, _s, _r) in stored.items() if key not in wanted]
    changed = []
    fresh = []
    for key, (source, reason) in wanted.items():
        had = stored.get(key)
        if had is None:
            fresh.append(
                Membership(month=month, service_list_id=key[0], enterprise_id=key[1], source=source, reason=reason)
            )
        elif (had[1], had[2]) != (source, reason):
            changed.append(Membership(pk=had[0], source=source, reason=reason, updated_at=timezone.now()))
    for start in range(0, len(gone), WRITE_BATCH):
        Membership.objects.filter(pk__in=gone[start : start + WRITE_BATCH]).delete()
    Membership.objects.bulk_create(fresh, batch_size=WRITE_BATCH)
    Membership.objects.bulk_update(changed, ["source", "reason", "updated_at"], batch_size=WRITE_BATCH)
    result.created, result.updated, result.deleted = len(fresh), len(changed), len(gone)


Wanted = dict[tuple[int, int], tuple[str, str]]  # (list id, enterprise id) -> (source, reason)


def _summarise(result: EvaluationResult, lists: list[ServiceList], wanted: Wanted) -> None:
    before = members_by_list(result.previous) if result.previous is not None else {}
    for sl in lists:
        summary = ListSummary(code=sl.code, name=sl.name)
        now = {ent for (list_id, ent), _v in wanted.items() if list_id == sl.pk}
        sources = [wanted[(sl.pk, ent)][0] for ent in now]
        summary.members = len(now)
        summary.by_hand = sources.count(MembershipSource.MANUAL)
        summary.by_rule = summary.members - summary.by_hand
        if result.previous is not None:
            was = set(before.get(sl.code, ()))
            summary.entered, summary.left = len(now - was), len(was - now)
        else:
            summary.entered = summary.members
        result.lists[sl.code] = summary
