"""Safety writes (督促落实安全责任, PRODUCT.md §2.4): record a check after a safety visit, turn failed
items into rectifications with a working-day deadline on the enterprise's side, and move each
rectification open → submitted (the enterprise reports the fix) → verified (a re-check visit, or
accepted by the work-safety authority), or back to reopened.

Every service checks all its rules before writing, so a refusal changes nothing; each writes its
audit entry in the same transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.audit.services import audit_record
from qifu.cases.models import Case, Channel
from qifu.cases.services import CaseData, case_file
from qifu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from qifu.files.services import file_store
from qifu.linkage.models import Linkage
from qifu.notify.services import notify
from qifu.safety.errors import SafetyErrorCode as E
from qifu.safety.models import (
    OPEN_STATES,
    OWED_STATES,
    Outcome,
    Rectification,
    RectificationEvent,
    RectState,
    SafetyCheck,
    SafetyChecklist,
    SafetyItem,
    SafetyResult,
)
from qifu.safety.selectors import checklist_for, is_authority, on_visit, rectification_get, safety_visit_get
from qifu.visits.models import Visit, VisitKind
from qifu.workcal.calendar import zone_calendar

NOTE_MAX = 500
TEXT_MAX = 2000
MAX_DAYS = 90


@dataclass(frozen=True)
class ResultIn:
    """One answered checklist line. A failed line becomes a rectification unless `rectify` is off;
    `days` overrides the item's default time to fix, `hazard` its wording."""

    item_id: int
    outcome: str
    note: str = ""
    rectify: bool = True
    days: int | None = None
    hazard: str = ""


def _bad(message: str, code: str, field: str | None = None) -> RuleViolation:
    return RuleViolation(message, code=code, data={"field": field} if field else None)


def _text(value: str, *, field: str, key: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _bad(_("请填写%(field)s。") % {"field": field}, E.REQUIRED, key)
    if len(text) > limit:
        message = _("%(field)s不能超过%(limit)s个字。") % {"field": field, "limit": limit}
        raise _bad(message, E.TOO_LONG, key)
    return text


def _days(value: int | None, default: int) -> int:
    days = default if value is None else value
    if not 1 <= days <= MAX_DAYS:
        message = _("整改时限应为1至%(max)s个工作日。") % {"max": MAX_DAYS}
        raise _bad(message, E.OUT_OF_RANGE, "days")
    return days


def due_after(start: date, days: int) -> date:
    """The deadline `days` working days after `start` (the zone's working-day calendar)."""
    return zone_calendar().add_workdays(start, days)


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)


def _event(rect: Rectification, actor: Actor | None, action: str, *, at: datetime, text: str = "") -> None:
    RectificationEvent.objects.create(
        rectification=rect,
        enterprise_id=rect.enterprise_id,
        at=at,
        actor=actor.user if actor else None,
        action=action,
        text=text,
    )


def owners(enterprise_id: int) -> list[User]:
    """Who hears about an enterprise's rectifications: its users and its liaisons."""
    liaisons = Linkage.objects.filter(enterprise_id=enterprise_id, ended_on__isnull=True).values("liaison_id")
    enterprise_users = User.objects.filter(role=Role.ENTERPRISE, enterprise_id=enterprise_id, is_active=True)
    return list(enterprise_users | User.objects.filter(pk__in=liaisons, is_active=True))


# ---------------------------------------------------------------------------------------------
# The check


def _check_visit(actor: Actor, visit: Visit) -> None:
    if visit.kind != VisitKind.SAFETY:
        raise _bad(_("只有“安全检查”类型的走访才能填写安全检查表。"), E.NOT_SAFETY_VISIT, "visit")
    if not on_visit(actor, visit):
        raise PermissionDenied(_("只有参加本次走访的人员才能填写检查结果。"), code=E.NOT_ON_VISIT)


def _clean_results(
    checklist: SafetyChecklist, results: Sequence[ResultIn], existing: dict[int, SafetyResult]
) -> tuple[dict[int, SafetyItem], list[ResultIn]]:
    items = {i.pk: i for i in checklist.items.filter(active=True)}
    seen: set[int] = set()
    for r in results:
        if r.item_id not in items and r.item_id not in existing:
            raise _bad(_("检查项（编号%(id)s）不在本检查表中。") % {"id": r.item_id}, E.UNKNOWN_ITEM, "item")
        if r.item_id in seen:
            raise _bad(_("同一检查项只能填写一次。"), E.DUPLICATE_ITEM, "item")
        seen.add(r.item_id)
        if r.outcome not in Outcome.values:
            raise _bad(_("检查结果“%(v)s”无效。") % {"v": r.outcome}, E.INVALID_CHOICE, "outcome")
        _text(r.note, field=_("说明"), key="note", limit=NOTE_MAX)
        _text(r.hazard, field=_("隐患描述"), key="hazard", limit=TEXT_MAX)
        if r.outcome == Outcome.FAIL and r.rectify:
            _days(r.days, 1)
        old = existing.get(r.item_id)
        if old is not None and old.outcome != r.outcome and hasattr(old, "rectification"):
            raise Conflict(
                _("“%(item)s”已生成整改项，不能再修改结果。") % {"item": old.item.text}, code=E.RESULT_HAS_RECTIFICATION
            )
    missing = [i for pk, i in items.items() if pk not in seen and pk not in existing]
    if missing:
        names = "、".join(i.code for i in missing[:5])
        message = _("还有%(n)s项未填写（%(items)s），每一项都要选择合格、不合格或不适用。") % {
            "n": len(missing),
            "items": names,
        }
        raise _bad(message, E.INCOMPLETE, "results")
    return items, list(results)


def check_record(
    *, actor: Actor, visit_id: int, results: Sequence[ResultIn], now: datetime | None = None
) -> SafetyCheck:
    """§2.4: fill the checklist after a safety visit; only the visit's participants, every item
    answered; failed items become rectifications; on a re-check visit the original's open
    rectifications are verified (item passes) or reopened (item fails again)."""
    now = now or timezone.now()
    visit = safety_visit_get(actor=actor, visit_id=visit_id)
    _check_visit(actor, visit)
    with transaction.atomic():
        check = SafetyCheck.objects.select_for_update().filter(visit_id=visit.pk).first()
        checklist = check.checklist if check else checklist_for(visit.enterprise)
        if checklist is None:
            raise _bad(_("尚未配置适用于该企业的安全检查表，请联系系统管理员。"), E.NO_CHECKLIST)
        existing = {r.item_id: r for r in check.results.select_related("item", "rectification")} if check else {}
        items, cleaned = _clean_results(checklist, results, existing)
        created = check is None
        if check is None:
            check = SafetyCheck(
                visit=visit,
                enterprise_id=visit.enterprise_id,
                checklist=checklist,
                checked_by=actor.user,
                checked_on=_local(visit.visited_at),
            )
        check.checked_by = actor.user
        check.full_clean(exclude=["visit"])
        check.save()
        new_rects: list[Rectification] = []
        for r in cleaned:
            item = items.get(r.item_id) or existing[r.item_id].item
            row = existing.get(r.item_id) or SafetyResult(
                check_record=check, enterprise_id=check.enterprise_id, item=item
            )
            row.outcome, row.note = r.outcome, r.note.strip()
            row.save()
            if r.outcome == Outcome.FAIL and r.rectify and not hasattr(row, "rectification"):
                new_rects.append(_create(actor, check, row, item, days=r.days, hazard=r.hazard, now=now))
        check.failed = check.results.filter(outcome=Outcome.FAIL).count()
        check.save(update_fields=["failed", "updated_at"])
        rechecked = _apply_recheck(actor, visit, {r.item_id: r.outcome for r in cleaned}, items, now=now)
        audit_record(
            actor=actor,
            action="safety_check_record" if created else "safety_check_update",
            object_type="safety_check",
            object_id=check.pk,
            changes={
                "visit": visit.pk,
                "enterprise": visit.enterprise_id,
                "failed": check.failed,
                "rectifications": [x.pk for x in new_rects],
                "rechecked": rechecked,
            },
        )
        _notify_new(check, new_rects)
    return check


def _create(
    actor: Actor,
    check: SafetyCheck,
    result: SafetyResult,
    item: SafetyItem,
    *,
    days: int | None,
    hazard: str,
    now: datetime,
) -> Rectification:
    n = _days(days, item.days)
    text = hazard.strip() or (f"{item.text}：{result.note}" if result.note else item.text)
    rect = Rectification(
        enterprise_id=check.enterprise_id,
        result=result,
        check_record=check,
        hazard=text,
        severity=item.severity,
        days=n,
        due=due_after(check.checked_on, n),
        created_by=actor.user,
    )
    rect.full_clean(exclude=["result", "check_record", "created_by", "enterprise"])
    rect.save()
    _event(rect, actor, "create", at=now, text=text)
    return rect


def _notify_new(check: SafetyCheck, rects: Sequence[Rectification]) -> None:
    if not rects:
        return
    recipients = owners(check.enterprise_id)
    first = min(r.due for r in rects)
    notify(
        recipients=recipients,
        kind="safety_rectification",
        title=_("安全检查发现%(n)s项隐患需整改") % {"n": len(rects)},
        body=_("请在%(day)s前完成整改，并在系统中报告整改情况。") % {"day": f"{first.month}月{first.day}日"},
        url="/safety/rectifications/",
        enterprise_id=check.enterprise_id,
        dedup_key=f"safety:new:{check.pk}:{','.join(str(r.pk) for r in rects)}",
    )


def _apply_recheck(
    actor: Actor, visit: Visit, outcomes: dict[int, str], items: dict[int, SafetyItem], *, now: datetime
) -> dict[str, list[int]]:
    """A re-check visit looks at the original visit's open rectifications again: an item that now
    passes verifies its rectification, one that fails again reopens a submitted fix."""
    done: dict[str, list[int]] = {"verified": [], "reopened": []}
    if not visit.recheck_of_id:
        return done
    by_code = {items[pk].code: outcome for pk, outcome in outcomes.items() if pk in items}
    rects = (
        Rectification.objects.select_for_update()
        .select_related("result__item")
        .filter(check_record__visit_id=visit.recheck_of_id, state__in=OPEN_STATES)
    )
    for rect in rects:
        outcome = outcomes.get(rect.result.item_id) or by_code.get(rect.result.item.code)
        if outcome == Outcome.PASS:
            _verify(actor, rect, note=_("复查合格"), recheck=visit, now=now)
            done["verified"].append(rect.pk)
        elif outcome == Outcome.FAIL and rect.state == RectState.SUBMITTED:
            _reopen(actor, rect, note=_("复查仍不合格"), days=None, now=now)
            done["reopened"].append(rect.pk)
    return done


# ---------------------------------------------------------------------------------------------
# Rectifications


def rectification_create(
    *, actor: Actor, result_id: int, days: int | None = None, hazard: str = "", now: datetime | None = None
) -> Rectification:
    """A failed item recorded without a rectification becomes one later (the visit's people or AHJ)."""
    now = now or timezone.now()
    result = SafetyResult.objects.select_related("item", "check_record__visit").filter(pk=result_id).first()
    if result is None:
        raise NotFound("result not found")
    visit = safety_visit_get(actor=actor, visit_id=result.check_record.visit_id)
    if not (on_visit(actor, visit) or is_authority(actor)):
        raise Conflict(_("只有参加检查的人员或安监部门才能提出整改要求。"), code=E.ACTION_NOT_ALLOWED)
    if result.outcome != Outcome.FAIL:
        raise _bad(_("只有不合格的检查项才需要整改。"), E.NOT_FAILED)
    _text(hazard, field=_("隐患描述"), key="hazard", limit=TEXT_MAX)
    _days(days, result.item.days)
    with transaction.atomic():
        if Rectification.objects.filter(result_id=result.pk).exists():
            raise Conflict(_("该检查项已有整改项。"), code=E.RECTIFICATION_EXISTS)
        rect = _create(actor, result.check_record, result, result.item, days=days, hazard=hazard, now=now)
        audit_record(actor=actor, action="rectification_create", object_type="rectification", object_id=rect.pk)
        _notify_new(result.check_record, [rect])
    return rect


def _locked(actor: Actor, rectification_id: int) -> Rectification:
    rectification_get(actor=actor, rectification_id=rectification_id)  # scope first: 404 outside it
    return Rectification.objects.select_for_update().get(pk=rectification_id)


def rectification_submit(
    *,
    actor: Actor,
    rectification_id: int,
    note: str,
    photo: UploadedFile | None = None,
    now: datetime | None = None,
) -> Rectification:
    """The enterprise reports the hazard fixed, with what it did and optionally a photo."""
    now = now or timezone.now()
    if not actor.is_enterprise:
        rectification_get(actor=actor, rectification_id=rectification_id)
        raise Conflict(_("整改情况由企业报告。"), code=E.ACTION_NOT_ALLOWED)
    text = _text(note, field=_("整改情况"), key="note", limit=TEXT_MAX, required=True)
    with transaction.atomic():
        rect = _locked(actor, rectification_id)
        if rect.state not in OWED_STATES:
            raise Conflict(
                _("该整改项当前不能报告整改（%(state)s）。") % {"state": rect.get_state_display()}, code=E.INVALID_STATE
            )
        if photo is not None:
            rect.fix_photo = file_store(actor=actor, upload=photo, enterprise_id=rect.enterprise_id)
        rect.state, rect.fix_note, rect.submitted_at = RectState.SUBMITTED, text, now
        rect.save()
        _event(rect, actor, "submit", at=now, text=text)
        audit_record(actor=actor, action="rectification_submit", object_type="rectification", object_id=rect.pk)
        authority = User.objects.filter(role__in=(Role.HANDLER, Role.DEPT_HEAD), department__code="AHJ", is_active=True)
        notify(
            recipients=list(authority),
            kind="safety_submitted",
            title=_("企业已报告隐患整改：%(hazard)s") % {"hazard": rect.hazard[:40]},
            body=text[:200],
            url=f"/safety/rectifications/{rect.pk}/",
            enterprise_id=rect.enterprise_id,
            dedup_key=f"safety:submit:{rect.pk}:{now.isoformat()}",
        )
    return rect


def _verify(actor: Actor, rect: Rectification, *, note: str, recheck: Visit | None, now: datetime) -> None:
    rect.state, rect.verified_by, rect.verified_at = RectState.VERIFIED, actor.user, now
    rect.verify_note, rect.recheck_visit, rect.overdue = note, recheck, False
    rect.save()
    _event(rect, actor, "verify", at=now, text=note)


def _reopen(actor: Actor, rect: Rectification, *, note: str, days: int | None, now: datetime) -> None:
    n = _days(days, rect.days)
    rect.state, rect.days, rect.due = RectState.REOPENED, n, due_after(_local(now), n)
    rect.verify_note, rect.reopen_count, rect.overdue = note, rect.reopen_count + 1, False
    rect.save()
    _event(rect, actor, "reopen", at=now, text=note)


def rectification_verify(
    *,
    actor: Actor,
    rectification_id: int,
    note: str = "",
    recheck_visit_id: int | None = None,
    now: datetime | None = None,
) -> Rectification:
    """Verified (已验收) by a re-check visit (a safety visit with recheck_of = the check's visit,
    by someone on it) or accepted by the work-safety authority once the enterprise reported it."""
    now = now or timezone.now()
    text = _text(note, field=_("验收意见"), key="note", limit=TEXT_MAX)
    if actor.is_enterprise:
        rectification_get(actor=actor, rectification_id=rectification_id)
        raise Conflict(_("企业不能验收自己的整改，请等待复查或安监部门验收。"), code=E.ACTION_NOT_ALLOWED)
    recheck = None
    with transaction.atomic():
        rect = _locked(actor, rectification_id)
        if recheck_visit_id is not None:
            recheck = safety_visit_get(actor=actor, visit_id=recheck_visit_id)
            original = SafetyCheck.objects.values_list("visit_id", flat=True).get(pk=rect.check_record_id)
            if recheck.kind != VisitKind.SAFETY or recheck.recheck_of_id != original:
                raise _bad(_("所选走访不是对本次检查的复查。"), E.NOT_A_RECHECK, "recheck_visit")
            if not (on_visit(actor, recheck) or is_authority(actor)):
                raise Conflict(_("只有参加复查的人员或安监部门才能验收。"), code=E.ACTION_NOT_ALLOWED)
            allowed: tuple[str, ...] = OPEN_STATES
        else:
            if not is_authority(actor):
                raise Conflict(_("整改验收由安监部门办理，或通过复查走访验收。"), code=E.ACTION_NOT_ALLOWED)
            allowed = (RectState.SUBMITTED,)
        if rect.state not in allowed:
            raise Conflict(
                _("该整改项当前不能验收（%(state)s）。") % {"state": rect.get_state_display()}, code=E.INVALID_STATE
            )
        _verify(actor, rect, note=text or _("验收合格"), recheck=recheck, now=now)
        audit_record(
            actor=actor,
            action="rectification_verify",
            object_type="rectification",
            object_id=rect.pk,
            changes={"recheck_visit": recheck.pk if recheck else None},
        )
        notify(
            recipients=owners(rect.enterprise_id),
            kind="safety_verified",
            title=_("隐患整改已验收"),
            body=rect.hazard[:200],
            url=f"/safety/rectifications/{rect.pk}/",
            enterprise_id=rect.enterprise_id,
            dedup_key=f"safety:verified:{rect.pk}",
        )
    return rect


def rectification_reopen(
    *, actor: Actor, rectification_id: int, note: str, days: int | None = None, now: datetime | None = None
) -> Rectification:
    """The reported fix is not accepted: back to the enterprise with a new working-day deadline."""
    now = now or timezone.now()
    text = _text(note, field=_("退回理由"), key="note", limit=TEXT_MAX, required=True)
    rect0 = rectification_get(actor=actor, rectification_id=rectification_id)
    if not (is_authority(actor) or on_visit(actor, rect0.check_record.visit)):
        raise Conflict(_("只有安监部门或参加检查的人员才能退回整改。"), code=E.ACTION_NOT_ALLOWED)
    _days(days, rect0.days)
    with transaction.atomic():
        rect = _locked(actor, rectification_id)
        if rect.state != RectState.SUBMITTED:
            raise Conflict(_("只有待验收的整改才能退回。"), code=E.INVALID_STATE)
        _reopen(actor, rect, note=text, days=days, now=now)
        audit_record(actor=actor, action="rectification_reopen", object_type="rectification", object_id=rect.pk)
        notify(
            recipients=owners(rect.enterprise_id),
            kind="safety_reopened",
            title=_("隐患整改未通过验收，请重新整改"),
            body=text[:200],
            url=f"/safety/rectifications/{rect.pk}/",
            enterprise_id=rect.enterprise_id,
            dedup_key=f"safety:reopen:{rect.pk}:{rect.reopen_count}",
        )
    return rect


def rectification_escalate(*, actor: Actor, rectification_id: int, text: str = "") -> Case:
    """The hazard needs departmental help: a case (category `safety`, channel visit) linked to it."""
    rect = rectification_get(actor=actor, rectification_id=rectification_id)
    if rect.case_id:
        raise Conflict(_("该整改项已关联诉求。"), code=E.CASE_EXISTS)
    body = _text(text, field=_("诉求内容"), key="text", limit=TEXT_MAX) or rect.hazard
    with transaction.atomic():
        locked = _locked(actor, rectification_id)
        if locked.case_id:
            raise Conflict(_("该整改项已关联诉求。"), code=E.CASE_EXISTS)
        channel = Channel.PORTAL if actor.is_enterprise else Channel.VISIT
        data = CaseData(
            text=body, title=_("隐患整改协调：%(h)s") % {"h": rect.hazard[:40]}, category="safety", channel=channel
        )
        case = case_file(actor=actor, enterprise=rect.enterprise, data=data)
        locked.case = case
        locked.save(update_fields=["case", "updated_at"])
        _event(locked, actor, "case", at=timezone.now(), text=case.number)
        audit_record(
            actor=actor,
            action="rectification_escalate",
            object_type="rectification",
            object_id=locked.pk,
            changes={"case": case.number},
        )
    return case
