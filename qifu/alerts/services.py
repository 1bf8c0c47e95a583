"""Writes of the early warnings (预警, PRODUCT.md §2.5; issue 6 item 3; docs/ALERTS.md).

- `alerts_scan`: set-wise over the zone — enterprises entering 显著下滑 in the latest snapshot,
  the latest month's derived indicators past an active `AlarmRule`, milestones past their planned
  date without an actual date — raises one alert per (kind, enterprise, project, subject) while one
  is open, and never again for the same period (month of the figures, or planned date). The
  database holds both rules (partial unique + unique index); inserts that lose a race are caught
  inside a savepoint. Idempotent: a second run creates nothing.
- `alert_act`: the liaison (or the desk) closes an alert — done with a note, or dismissed with a
  reason; anything but an open alert is refused (409) by a conditional UPDATE.
- `alarm_rules_set`: the desk replaces the zone's alarm thresholds (audited).
"""

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import may_act_on_alerts, may_edit_alarm_rules, scope_alerts
from qifu.accounts.models import User
from qifu.alerts.errors import AlertErrorCode
from qifu.alerts.models import AlarmRule, Alert, AlertKind, AlertState, Comparison
from qifu.alerts.states import ACTIONS, TRANSITIONS
from qifu.audit.services import audit_record
from qifu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.indicators.models import IndicatorDerived
from qifu.notify.services import notify
from qifu.policies.conditions import INDICATOR_FIELDS
from qifu.projects.models import Milestone
from qifu.servicelists.models import Membership
from qifu.servicelists.selectors import latest_month
from qifu.workcal.calendar import zone_calendar

DECLINING_LIST = "declining"  # taxonomy.yaml: 显著下滑企业
CHUNK = 900  # ids per IN (…): under SQLite's bound-parameter limit with room to spare
WRITE_BATCH = 500

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def alert_key(*, kind: str, enterprise_id: int | None, project_id: int | None, subject: str) -> str:
    """The de-duplication key: at most one open alert per key (docs/ALERTS.md)."""
    return f"{kind}|{enterprise_id or '-'}|{project_id or '-'}|{subject}"


def alert_due_on(today: date) -> date:
    """The deadline: QIFU_ALERTS_DUE_WORKDAYS working days of the zone calendar after TODAY."""
    return zone_calendar().add_workdays(today, int(settings.ALERTS_DUE_WORKDAYS))


# --- the scan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A condition that holds now; it becomes an alert unless one is open or was raised for PERIOD."""

    kind: str
    enterprise_id: int | None
    project_id: int | None
    subject: str
    period: str
    facts: dict[str, Any]
    liaison_id: int | None = None  # the project's own liaison (milestones); else the enterprise's

    @property
    def key(self) -> str:
        return alert_key(
            kind=self.kind, enterprise_id=self.enterprise_id, project_id=self.project_id, subject=self.subject
        )


@dataclass
class ScanResult:
    today: date
    snapshot: str | None = None  # the list snapshot month read (YYYY-MM)
    indicators: str | None = None  # the indicator month read (YYYY-MM)
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AlertKind.values, 0))
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AlertKind.values, 0))
    still_open: int = 0  # conditions already covered by an open alert
    closed_before: int = 0  # conditions whose alert for the same period was closed: not raised again
    notified: int = 0  # liaisons told
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "snapshot": self.snapshot,
            "indicators": self.indicators,
            "found": self.found,
            "created": self.created,
            "still_open": self.still_open,
            "closed_before": self.closed_before,
            "notified": self.notified,
            "seconds": round(self.seconds, 3),
        }


def _month_text(month: date) -> str:
    return f"{month:%Y-%m}"


def declining_candidates(result: ScanResult) -> list[Candidate]:
    """Members of 显著下滑 in the latest snapshot that were not members in the snapshot before
    (every member when there is no snapshot before: they all entered)."""
    month = latest_month()
    if month is None:
        return []
    result.snapshot = _month_text(month)
    previous = latest_month(month - timedelta(days=1))
    rows = Membership.objects.filter(service_list__code=DECLINING_LIST)
    now = set(rows.filter(month=month).values_list("enterprise_id", flat=True))
    before = set(rows.filter(month=previous).values_list("enterprise_id", flat=True)) if previous else set()
    period = _month_text(month)
    facts = {"month": period, "previous": _month_text(previous) if previous else None}
    return [
        Candidate(kind=AlertKind.DECLINING, enterprise_id=ent, project_id=None, subject=DECLINING_LIST,
                  period=period, facts=facts)
        for ent in sorted(now - before)
    ]  # fmt: skip


def indicator_candidates(result: ScanResult) -> list[Candidate]:
    """The zone's latest indicator month: each enterprise's derived field past an active rule (a
    missing figure never alarms). One query per rule, along the (next_month, enterprise) index."""
    month = IndicatorDerived.objects.filter(next_month__isnull=True).aggregate(m=Max("month"))["m"]
    if month is None:
        return []
    result.indicators = _month_text(month)
    out: list[Candidate] = []
    for rule in AlarmRule.objects.filter(active=True).order_by("field"):
        if rule.field not in INDICATOR_FIELDS or rule.comparison not in Comparison.values:
            continue  # saved rules are checked; a field retired since then is skipped, not fatal
        lookup = {f"{rule.field}__{rule.comparison}": rule.threshold}
        rows = IndicatorDerived.objects.filter(next_month__isnull=True, month=month, **lookup)
        for ent, value in rows.values_list("enterprise_id", rule.field).iterator(chunk_size=5_000):
            facts = {
                "month": _month_text(month),
                "field": rule.field,
                "value": str(value),
                "comparison": rule.comparison,
                "threshold": str(rule.threshold),
            }
            out.append(
                Candidate(kind=AlertKind.INDICATOR, enterprise_id=ent, project_id=None, subject=rule.field,
                          period=_month_text(month), facts=facts)
            )  # fmt: skip
    return out


def milestone_candidates(today: date) -> list[Candidate]:
    """Milestones whose planned date is before TODAY and that have no actual date (the
    (actual_on, planned_on) index); the period is the planned date, so a re-planned milestone
    that slips again is raised again."""
    rows = Milestone.objects.filter(actual_on__isnull=True, planned_on__lt=today).values_list(
        "id", "project_id", "enterprise_id", "kind", "planned_on", "project__primary_liaison_id"
    )
    return [
        Candidate(
            kind=AlertKind.MILESTONE,
            enterprise_id=ent,
            project_id=project,
            subject=str(pk),
            period=planned.isoformat(),
            facts={"milestone": kind, "planned_on": planned.isoformat(), "days_late": (today - planned).days},
            liaison_id=liaison,
        )
        for pk, project, ent, kind, planned, liaison in rows.iterator(chunk_size=5_000)
    ]


def _blocked(candidates: Sequence[Candidate]) -> tuple[set[str], set[tuple[str, str]]]:
    """Keys with an open alert, and (key, period) pairs already raised in any state."""
    open_keys: set[str] = set()
    raised: set[tuple[str, str]] = set()
    keys = sorted({c.key for c in candidates})
    for part in _chunks(keys):
        for key, period, state in Alert.objects.filter(key__in=part).values_list("key", "period", "state"):
            raised.add((key, period))
            if state == AlertState.OPEN:
                open_keys.add(key)
    return open_keys, raised


def _names(enterprise_ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """{enterprise id: (name, primary liaison id)} for the message and the assignee."""
    ids = sorted(set(enterprise_ids))
    out: dict[int, tuple[str, int | None]] = {}
    for part in _chunks(ids):
        out.update(
            (pk, (name, liaison))
            for pk, name, liaison in Enterprise.objects.filter(pk__in=part).values_list(
                "id", "name", "primary_liaison_id"
            )
        )
    return out


def indicator_label(name: str) -> str:
    """The Chinese name of a derived indicator field (营业收入同比 for revenue_yoy)."""
    field_ = IndicatorDerived._meta.get_field(name)
    return str(getattr(field_, "verbose_name", name))


def _percent(value: Decimal) -> str:
    return f"{value * 100:.1f}%"


def _figure(field_name: str, value: str) -> str:
    number = Decimal(value)
    return _percent(number) if field_name.endswith("yoy") else f"{number:.2f}"


_translated: dict[tuple[str, str], str] = {}


def _t(text: str) -> str:
    """gettext, remembered per language: a city-wide scan words tens of thousands of messages."""
    key = (get_language() or "", text)
    found = _translated.get(key)
    if found is None:
        found = _translated[key] = _(text)
    return found


def _message(c: Candidate, enterprise: str, projects: dict[int, str]) -> str:
    if c.kind == AlertKind.DECLINING:
        return _t(gettext_noop("%(name)s 于 %(month)s 进入显著下滑清单，请及时走访了解困难。")) % {
            "name": enterprise,
            "month": c.facts["month"],
        }
    if c.kind == AlertKind.INDICATOR:
        label = indicator_label(c.subject)
        word = _t(gettext_noop("低于或等于")) if c.facts["comparison"] == Comparison.LTE else _t(gettext_noop("低于"))
        return _t(gettext_noop("%(name)s %(month)s %(label)s为 %(value)s，%(word)s预警阈值 %(threshold)s。")) % {
            "name": enterprise,
            "month": c.facts["month"],
            "label": label,
            "value": _figure(c.subject, c.facts["value"]),
            "word": word,
            "threshold": _figure(c.subject, c.facts["threshold"]),
        }
    from qifu.projects.models import MilestoneKind

    return _t(
        gettext_noop("项目“%(project)s”的“%(milestone)s”节点计划于 %(planned)s 完成，至今未填报实际完成日期。")
    ) % {
        "project": projects.get(c.project_id or 0, ""),
        "milestone": MilestoneKind(c.facts["milestone"]).label,
        "planned": c.facts["planned_on"],
    }


def _insert(rows: list[Alert]) -> list[Alert]:
    """Insert ROWS and return those created. The batch goes in one statement inside a savepoint;
    if it meets a unique constraint (a concurrent scan won some rows), each row is retried alone
    and the constraint decides, so two processes can never both raise the same alert."""
    if not rows:
        return []
    try:
        with transaction.atomic():
            return Alert.objects.bulk_create(rows, batch_size=WRITE_BATCH)
    except IntegrityError:
        for row in rows:
            row.pk = None
    created = []
    for row in rows:
        alert, new = alert_get_or_create(row)
        if new:
            created.append(alert)
    return created


def alert_get_or_create(row: Alert) -> tuple[Alert, bool]:
    """Race-safe single insert: the row, or the alert that holds its key open or its period."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
        return row, True
    except IntegrityError:
        row.pk = None
        existing = (
            Alert.objects.filter(key=row.key)
            .filter(Q(state=AlertState.OPEN) | Q(period=row.period))
            .order_by("-id")
            .first()
        )
        if existing is None:
            raise  # not one of the de-dup constraints: a real error
        return existing, False


def _notify(created: Sequence[Alert]) -> int:
    """One inbox item per liaison per scan (无事不扰): how many new alerts, a link to the list.
    Liaisons with the same count share one `notify` call, so a city-wide first scan costs a few
    calls, not one per liaison. Alerts without a liaison wait on the desk's list and tell nobody."""
    mine: dict[int, int] = defaultdict(int)
    for alert in created:
        if alert.liaison_id is not None:
            mine[alert.liaison_id] += 1
    if not mine:
        return 0
    by_count: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(pk__in=sorted(mine), is_active=True).order_by("pk"):
        by_count[mine[user.pk]].append(user)
    key = f"alerts:{min(a.pk for a in created)}"  # names this scan's first new alert: new to everyone
    for n, users in sorted(by_count.items()):
        notify(
            recipients=users,
            kind="alert_raised",
            title=_("新预警 %(n)s 条，请在期限内处理") % {"n": n},
            body=_("挂钩企业进入显著下滑清单、指标越过预警阈值或项目节点逾期未完成，请到预警清单查看并走访处理。"),
            url="/alerts/",
            dedup_key=key,
            new_key=True,
        )
    return sum(len(users) for users in by_count.values())


def alerts_scan(*, today: date | None = None, audit: bool = True) -> ScanResult:
    """Issue 6 item 3: raise the alerts whose condition holds on TODAY (default: Beijing's date),
    never a duplicate while one is open and never twice for the same period; the new ones go to
    the enterprise's (or project's) primary liaison, or to the desk when nobody is linked. AUDIT
    False leaves the record to the seed's one summary."""
    started = time.perf_counter()
    day = today or timezone.localdate()
    result = ScanResult(today=day)
    candidates = [*declining_candidates(result), *indicator_candidates(result), *milestone_candidates(day)]
    for c in candidates:
        result.found[c.kind] += 1
    open_keys, raised = _blocked(candidates)
    fresh: list[Candidate] = []
    seen: set[str] = set()
    for c in candidates:
        if c.key in open_keys or c.key in seen:
            result.still_open += 1
        elif (c.key, c.period) in raised:
            result.closed_before += 1
        else:
            seen.add(c.key)
            fresh.append(c)
    names = _names(c.enterprise_id for c in fresh if c.enterprise_id is not None)
    projects = _project_names({c.project_id for c in fresh if c.project_id is not None})
    now = timezone.now()
    due = alert_due_on(day)
    rows = []
    for c in fresh:
        name, liaison = names.get(c.enterprise_id or 0, ("", None))
        rows.append(
            Alert(
                kind=c.kind,
                enterprise_id=c.enterprise_id,
                project_id=c.project_id,
                subject=c.subject,
                key=c.key,
                period=c.period,
                liaison_id=c.liaison_id or liaison,
                state=AlertState.OPEN,
                raised_at=now,
                due_on=due,
                facts=c.facts,
                message=_message(c, name, projects)[:300],
            )
        )
    with transaction.atomic():
        created = _insert(rows)
        for alert in created:
            result.created[alert.kind] += 1
        result.notified = _notify(created)
        result.seconds = time.perf_counter() - started
        if created and audit:
            audit_record(
                actor=None, action="alerts_scan", object_type="alerts", object_id=day.isoformat(),
                changes=result.as_json(),
            )  # fmt: skip
    return result


def _project_names(ids: set[int]) -> dict[int, str]:
    from qifu.projects.models import Project

    out: dict[int, str] = {}
    for part in _chunks(sorted(ids)):
        out.update(Project.objects.filter(pk__in=part).values_list("id", "name"))
    return out


def alerts_scan_after_commit() -> None:
    """Schedule a scan after the caller's transaction commits (the list evaluation, an indicator
    import): a Huey job, so the caller neither waits for it nor fails with it."""
    transaction.on_commit(_enqueue_scan, robust=True)


def _enqueue_scan() -> None:
    from qifu.alerts.tasks import alerts_scan_task

    alerts_scan_task()


# --- closing an alert ----------------------------------------------------------------------------


@transaction.atomic
def alert_act(*, actor: Actor, alert: Alert, action: str, note: str = "") -> Alert:
    """Issue 6 item 3: the liaison (or the desk) closes an open alert — done (e.g. 已走访), or
    dismissed with a reason; a closed alert is refused (409) and nothing changes."""
    if action not in ACTIONS:
        raise RuleViolation(_("操作应为已处理或忽略。"), code=AlertErrorCode.BAD_ACTION)
    if not may_act_on_alerts(actor):
        raise PermissionDenied(_("只有挂钩干部和服务专班可以处理预警。"), code=AlertErrorCode.ACTION_FORBIDDEN)
    if not scope_alerts(actor).filter(pk=alert.pk).exists():
        raise NotFound(_("没有这条预警。"))
    note = (note or "").strip()
    if action == "dismiss" and not note:
        raise RuleViolation(_("忽略预警须填写理由。"), code=AlertErrorCode.NOTE_REQUIRED)
    if len(note) > 200:
        raise RuleViolation(_("说明最多200字。"), code=AlertErrorCode.BAD_ACTION)
    current = Alert.objects.filter(pk=alert.pk).values_list("state", flat=True).first()
    target = TRANSITIONS.get((str(current), action))
    if target is None:
        raise Conflict(_("这条预警已处理，不能再次操作。"), code=AlertErrorCode.ILLEGAL_TRANSITION)
    now = timezone.now()
    # Conditional UPDATE: of two concurrent closings exactly one matches the open row.
    changed = Alert.objects.filter(pk=alert.pk, state=current).update(
        state=target, closed_at=now, closed_by=actor.user, close_note=note, updated_at=now
    )
    if not changed:
        raise Conflict(_("这条预警已处理，不能再次操作。"), code=AlertErrorCode.ILLEGAL_TRANSITION)
    audit_record(
        actor=actor,
        action=f"alert_{action}",
        object_type="alert",
        object_id=alert.pk,
        changes={"before": current, "after": target, "note": note, "key": alert.key},
    )
    alert.refresh_from_db()
    return alert


# --- alarm thresholds ----------------------------------------------------------------------------


THRESHOLD_LIMIT = Decimal("9999999999")


@dataclass(frozen=True)
class AlarmRuleInput:
    """One threshold as given (the page, the API): FIELD a derived indicator field."""

    field: str
    comparison: str
    threshold: Any
    active: bool = True


def _threshold(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) > THRESHOLD_LIMIT:
        return None
    return number.quantize(Decimal("0.000001"))


def alarm_rule_faults(rules: Sequence[AlarmRuleInput]) -> list[dict[str, str]]:
    """Every fault as {"path", "message"} (`rules[2].field`); empty when the set may be saved."""
    faults: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.field not in INDICATOR_FIELDS:
            faults.append({"path": f"rules[{i}].field", "message": _("没有这个派生指标。")})
        elif rule.field in seen:
            faults.append({"path": f"rules[{i}].field", "message": _("同一指标只能设一条阈值。")})
        seen.add(rule.field)
        if rule.comparison not in Comparison.values:
            faults.append({"path": f"rules[{i}].comparison", "message": _("比较方式应为低于或低于或等于。")})
        if _threshold(rule.threshold) is None:
            faults.append({"path": f"rules[{i}].threshold", "message": _("阈值应为数字。")})
    return faults


def _rules_state() -> list[dict[str, Any]]:
    return [
        {"field": r.field, "comparison": r.comparison, "threshold": str(r.threshold), "active": r.active}
        for r in AlarmRule.objects.order_by("field")
    ]


@transaction.atomic
def alarm_rules_set(*, actor: Actor, rules: Sequence[AlarmRuleInput]) -> list[AlarmRule]:
    """Issue 6 item 3 the zone's alarm thresholds, replaced as a set (a field left out loses its
    rule): the desk only; every fault named and nothing changed when any is found; audited."""
    if not may_edit_alarm_rules(actor):
        raise PermissionDenied(_("只有服务专班可以修改预警阈值。"), code=AlertErrorCode.RULES_FORBIDDEN)
    faults = alarm_rule_faults(rules)
    if faults:
        raise RuleViolation(_("预警阈值有误，未保存。"), code=AlertErrorCode.RULES_INVALID, data={"faults": faults})
    before = _rules_state()
    stored = {r.field: r for r in AlarmRule.objects.select_for_update()}
    wanted = {r.field for r in rules}
    AlarmRule.objects.filter(pk__in=[r.pk for f, r in stored.items() if f not in wanted]).delete()
    for given in rules:
        rule = stored.get(given.field) or AlarmRule(field=given.field)
        rule.comparison = given.comparison
        rule.threshold = _threshold(given.threshold) or Decimal(0)
        rule.active = bool(given.active)
        rule.updated_by = actor.user
        rule.full_clean()
        rule.save()
    after = _rules_state()
    if after != before:
        audit_record(
            actor=actor, action="alarm_rules_set", object_type="alarm_rules", object_id="zone",
            changes={"before": before, "after": after},
        )  # fmt: skip
    return list(AlarmRule.objects.order_by("field"))
