"""Visit writes (PRODUCT.md §2.4): the visit log, the enterprise's rating, its 无事不扰 wishes
(budget, channel, quiet periods) and planned visits.

`visit_log` checks everything first (the rules below, each with a stable code) and then writes
the visit, its participants, photos, cases, the contact, the coverage credit and the audit entry in
one transaction: a refused or failing visit changes nothing.

Rules of `visit_log`
- `visit_in_future`: the visit time is later than now (a few minutes of clock skew allowed);
- `not_linked`: the author is not linked to the enterprise on the visit date and no participant
  is (a joint visit with its liaison is fine); the desk and leaders may log any visit;
- `quiet_period`: the date falls in one of the enterprise's quiet periods and it did not ask;
- `over_budget_reason_required`: the month's counted contacts reached the budget, the enterprise
  did not ask and no reason was written; with a reason the visit is flagged and the desk told;
- `photo_not_image`: a photo whose content is not an image (the name does not matter).
"""

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.accounts.roles import STAFF_ROLES, Role
from qifu.audit.services import audit_record
from qifu.cases.models import CaseKind, Channel, Urgency
from qifu.cases.services import CaseData, case_file
from qifu.core.errors import NotFound, PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.files.services import file_store, upload_max_bytes
from qifu.notify.services import notify
from qifu.projects.models import Project
from qifu.suggestions.services import suggestion_submit
from qifu.visits.contacts import budget_status, contact_record
from qifu.visits.coverage import coverage_credit, linked_on
from qifu.visits.models import (
    LEARNT_FIELDS,
    ContactKind,
    Feedback,
    PlannedVisit,
    PlanState,
    PreferredChannel,
    QuietPeriod,
    ServicePreference,
    Visit,
    VisitCase,
    VisitKind,
    VisitParticipant,
    VisitPhoto,
)

logger = logging.getLogger(__name__)

LEARNT_MAX = 5000
NOTES_MAX = 10000
REASON_MAX = 1000
MAX_PROBLEMS = 10
MAX_PHOTOS = 10
MAX_PARTICIPANTS = 30
PHOTO_LONG_SIDE = 1600
PHOTO_MAX_PIXELS = 60_000_000  # decompression bombs: a 60-megapixel image is the most a phone sends
FUTURE_SKEW = timedelta(minutes=5)
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP", "BMP", "MPO", "TIFF"})


def _bad(message: str, code: str, field: str | None = None, **data: Any) -> RuleViolation:
    if field:
        data["field"] = field
    return RuleViolation(message, code=code, data=data or None)


def _text(value: str | None, *, label: str, key: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise _bad(
            _("%(field)s不能超过%(limit)s个字（现有%(n)s个字），请精简后再提交。")
            % {"field": label, "limit": limit, "n": len(text)},
            "too_long",
            key,
        )
    return text


def _local(value: datetime) -> datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_current_timezone())
    return value


# ---------------------------------------------------------------------------------------------
# Photos


@dataclass(frozen=True)
class PreparedPhoto:
    upload: SimpleUploadedFile
    width: int
    height: int
    size: int


def photo_prepare(upload: UploadedFile, *, index: int = 1) -> PreparedPhoto:
    """The photo's content must be an image (sniffed by Pillow, whatever the name says); it is
    turned upright, shrunk to a long side of at most 1600 px and re-encoded as JPEG without any
    EXIF/XMP/ICC metadata (a phone's GPS position and serial number never reach the server's disk)."""
    size = upload.size or 0
    if size <= 0:
        raise _bad(_("第%(n)s张照片为空，请重新选择。") % {"n": index}, "photo_not_image", "photos")
    if size > upload_max_bytes():
        raise _bad(
            _("第%(n)s张照片过大：不能超过 %(mb)s MB。") % {"n": index, "mb": settings.UPLOAD_MAX_MB},
            "photo_too_large",
            "photos",
        )
    upload.seek(0)
    raw = upload.read()
    not_image = _bad(
        _("第%(n)s张照片不是图片文件（仅支持 JPG、PNG、GIF、WEBP、BMP 等图片），请重新选择。") % {"n": index},
        "photo_not_image",
        "photos",
    )
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise not_image
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise not_image
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.seek(0)
            upright = ImageOps.exif_transpose(image) or image
            rgb = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_image from exc
    rgb.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", rgb.size)  # a fresh image: no info dict, no EXIF, no ICC profile
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    data = out.getvalue()
    return PreparedPhoto(
        upload=SimpleUploadedFile(f"photo-{index}.jpg", data, content_type="image/jpeg"),
        width=clean.width,
        height=clean.height,
        size=len(data),
    )


# ---------------------------------------------------------------------------------------------
# The visit log


@dataclass(frozen=True)
class _Checked:
    visited_at: datetime
    day: date
    kind: str
    participants: list[User]
    joint: bool
    location: tuple[Decimal | None, Decimal | None, int | None]
    learnt: dict[str, str]
    notes: str
    suggestions: str
    problems: list[CaseData]
    problem_filer: Actor | None
    photos: list[PreparedPhoto]
    over_budget: bool
    reason: str
    linked: set[int]


def _check_actor(actor: Actor) -> None:
    if not actor.is_staff_role:
        raise PermissionDenied(_("您的角色不能登记走访。"), code="visit_log_forbidden")


def _participants(actor: Actor, ids: Sequence[int]) -> list[User]:
    wanted = {int(i) for i in ids if i is not None} - {actor.id}
    if len(wanted) > MAX_PARTICIPANTS:
        raise _bad(_("参加人员不能超过%(n)s人。") % {"n": MAX_PARTICIPANTS}, "too_many_participants", "participants")
    found = list(User.objects.filter(pk__in=wanted, role__in=STAFF_ROLES, is_active=True).order_by("pk"))
    if len(found) != len(wanted):
        raise _bad(_("参加人员须为在岗的工作人员，请从名单中选择。"), "unknown_participant", "participants")
    return [actor.user, *found]


def _location(location: Any) -> tuple[Decimal | None, Decimal | None, int | None]:
    if not location:
        return None, None, None
    if isinstance(location, dict):
        lat, lon, acc = location.get("latitude"), location.get("longitude"), location.get("accuracy_m")
    else:
        lat, lon, acc = (*tuple(location), None, None, None)[:3]
    bad = _bad(_("定位信息无效，请重新定位或不填写定位。"), "invalid_location", "location")
    try:
        latitude = Decimal(str(lat)).quantize(Decimal("0.000001"))
        longitude = Decimal(str(lon)).quantize(Decimal("0.000001"))
        accuracy = None if acc in (None, "") else round(float(acc))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise bad from exc
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (accuracy is not None and accuracy < 0):
        raise bad
    return latitude, longitude, accuracy


def _learnt(learnt: dict[str, str] | None) -> dict[str, str]:
    learnt = learnt or {}
    unknown = set(learnt) - set(LEARNT_FIELDS)
    if unknown:
        raise _bad(_("未知的走访了解事项：%(f)s。") % {"f": ", ".join(sorted(unknown))}, "unknown_field", "learnt")
    labels = {name: str(Visit._meta.get_field(name).verbose_name) for name in LEARNT_FIELDS}  # type: ignore[union-attr]
    return {k: _text(learnt.get(k), label=labels[k], key=k, limit=LEARNT_MAX) for k in LEARNT_FIELDS}


def _problems(problems: Sequence[dict[str, Any]]) -> list[CaseData]:
    if len(problems) > MAX_PROBLEMS:
        raise _bad(_("一次走访最多登记%(n)s个问题。") % {"n": MAX_PROBLEMS}, "too_many_problems", "problems")
    out = []
    for n, problem in enumerate(problems, start=1):
        text = (problem.get("text") or "").strip()
        if not text:
            raise _bad(_("第%(n)s个问题没有填写内容。") % {"n": n}, "required", "problems")
        kind = problem.get("kind") or CaseKind.HELP
        urgency = problem.get("urgency") or Urgency.NORMAL
        if kind not in CaseKind.values or urgency not in Urgency.values:
            raise _bad(_("第%(n)s个问题的性质或紧急程度无效。") % {"n": n}, "invalid_choice", "problems")
        out.append(
            CaseData(
                text=text,
                title=(problem.get("title") or "").strip(),
                category=(problem.get("category") or "").strip(),
                kind=kind,
                urgency=urgency,
                channel=Channel.VISIT,
                project=(problem.get("project") or "").strip(),
            )
        )
    return out


def _problem_filer(actor: Actor, participants: list[User], linked: set[int]) -> Actor | None:
    """Who files the visit's problems as cases: the author when they may file (a liaison, the desk),
    else the enterprise's linked liaison among the participants."""
    if actor.is_liaison or actor.role == Role.DESK:
        return actor
    for user in participants:
        if user.pk in linked and user.role in (Role.CADRE, Role.DEPUTY):
            return Actor.of(user)
    return None


def _check(
    actor: Actor,
    enterprise: Enterprise,
    *,
    visited_at: datetime,
    kind: str,
    participant_ids: Sequence[int],
    requested: bool,
    location: Any,
    learnt: dict[str, str] | None,
    notes: str,
    suggestions: str,
    problems: Sequence[dict[str, Any]],
    photos: Sequence[UploadedFile],
    reason: str,
    now: datetime,
) -> _Checked:
    if kind not in VisitKind.values:
        raise _bad(_("走访类型“%(v)s”无效。") % {"v": kind}, "invalid_choice", "kind")
    if visited_at is None:
        raise _bad(_("请填写走访时间。"), "required", "visited_at")
    visited_at = _local(visited_at)
    if visited_at > now + FUTURE_SKEW:
        raise _bad(_("走访时间不能晚于现在，请登记已经完成的走访。"), "visit_in_future", "visited_at")
    day = timezone.localdate(visited_at)
    participants = _participants(actor, participant_ids)
    linked = linked_on(enterprise.pk, day)
    if not actor.is_zone_wide and not any(u.pk in linked for u in participants):
        raise _bad(
            _("您在走访当日未挂钩该企业，不能单独登记走访；如为联合走访，请把该企业的挂钩干部加入参加人员。"),
            "not_linked",
            "enterprise",
        )
    status = budget_status(enterprise, day)
    if not requested and status.quiet is not None:
        raise _bad(
            _("%(start)s至%(end)s是企业设定的免打扰期，除企业邀请外不安排走访。")
            % {"start": status.quiet.starts_on.isoformat(), "end": status.quiet.ends_on.isoformat()},
            "quiet_period",
            "visited_at",
        )
    reason = _text(reason, label=_("超额走访理由"), key="reason", limit=REASON_MAX)
    over = not requested and status.over
    if over and not reason:
        raise _bad(
            _("该企业本月已被接触%(used)s次，达到每月%(budget)s次的打扰额度；再次走访须填写理由，并将报服务专班。")
            % {"used": status.used, "budget": status.budget},
            "over_budget_reason_required",
            "reason",
            used=status.used,
            budget=status.budget,
        )
    if len(photos) > MAX_PHOTOS:
        raise _bad(_("一次走访最多上传%(n)s张照片。") % {"n": MAX_PHOTOS}, "too_many_photos", "photos")
    problem_rows = _problems(problems)
    filer = _problem_filer(actor, participants, linked) if problem_rows else None
    if problem_rows and filer is None:
        raise _bad(
            _("走访中发现的问题须由挂钩干部或服务专班提交，请把该企业的挂钩干部加入参加人员。"),
            "problem_filer_missing",
            "problems",
        )
    departments = {u.department_id for u in participants if u.department_id}
    return _Checked(
        visited_at=visited_at,
        day=day,
        kind=kind,
        participants=participants,
        joint=kind == VisitKind.JOINT or len(departments) > 1,
        location=_location(location),
        learnt=_learnt(learnt),
        notes=_text(notes, label=_("走访记录"), key="notes", limit=NOTES_MAX),
        suggestions=_text(suggestions, label=_("意见建议"), key="suggestions", limit=LEARNT_MAX),
        problems=problem_rows,
        problem_filer=filer,
        photos=[photo_prepare(p, index=n) for n, p in enumerate(photos, start=1)],
        over_budget=over,
        reason=reason if over else "",
        linked=linked,
    )


def visit_log(
    *,
    actor: Actor,
    enterprise: Enterprise,
    visited_at: datetime,
    kind: str,
    participant_ids: Sequence[int] = (),
    project: Project | None = None,
    requested: bool = False,
    location: tuple[Any, ...] | dict[str, Any] | None = None,
    learnt: dict[str, str] | None = None,
    notes: str = "",
    suggestions: str = "",
    problems: Sequence[dict[str, Any]] = (),
    photos: Sequence[UploadedFile] = (),
    reason: str = "",
    planned: PlannedVisit | None = None,
    recheck_of: Visit | None = None,
    now: datetime | None = None,
) -> Visit:
    """Log a visit (see the module's rules). `enterprise` comes from `visit_enterprise_get`."""
    _check_actor(actor)
    now = now or timezone.now()
    if project is not None and project.enterprise_id != enterprise.pk:
        raise _bad(_("该项目不属于所走访的企业。"), "unknown_project", "project")
    if recheck_of is not None and recheck_of.enterprise_id != enterprise.pk:
        raise _bad(_("复查的走访不属于该企业。"), "invalid_recheck", "recheck_of")
    if planned is not None and (planned.enterprise_id != enterprise.pk or planned.state != PlanState.PLANNED):
        raise _bad(_("该走访计划不属于该企业或已不在计划中。"), "invalid_plan", "planned")
    c = _check(
        actor,
        enterprise,
        visited_at=visited_at,
        kind=kind,
        participant_ids=participant_ids,
        requested=requested,
        location=location,
        learnt=learnt,
        notes=notes,
        suggestions=suggestions,
        problems=problems,
        photos=photos,
        reason=reason,
        now=now,
    )
    with transaction.atomic():
        visit = _write(actor, enterprise, c, project=project, requested=requested, recheck_of=recheck_of)
        if planned is not None:
            _plan_done(planned, visit)
        if c.suggestions:
            _suggest(actor, enterprise, visit)
    return visit


def _write(
    actor: Actor,
    enterprise: Enterprise,
    c: _Checked,
    *,
    project: Project | None,
    requested: bool,
    recheck_of: Visit | None,
) -> Visit:
    latitude, longitude, accuracy = c.location
    visit = Visit(
        enterprise=enterprise,
        project=project,
        author=actor.user,
        visited_at=c.visited_at,
        kind=c.kind,
        requested=requested,
        joint=c.joint,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy,
        notes=c.notes,
        suggestions=c.suggestions,
        over_budget=c.over_budget,
        over_budget_reason=c.reason,
        recheck_of=recheck_of,
        **c.learnt,
    )
    visit.full_clean(exclude=["enterprise", "project", "author", "recheck_of"])
    visit.save(force_insert=True)
    VisitParticipant.objects.bulk_create(
        [
            VisitParticipant(visit=visit, user=u, department_id=u.department_id, enterprise=enterprise)
            for u in c.participants
        ]
    )
    for photo in c.photos:
        stored = file_store(actor=actor, upload=photo.upload, enterprise_id=enterprise.pk)
        VisitPhoto.objects.create(
            visit=visit, enterprise=enterprise, file=stored, width=photo.width, height=photo.height, size=photo.size
        )
    numbers = []
    for data in c.problems:
        filer = c.problem_filer or actor  # _check found a filer whenever there are problems
        case = case_file(actor=filer, enterprise=enterprise, data=data)
        VisitCase.objects.create(visit=visit, case=case, enterprise=enterprise)
        numbers.append(case.number)
    contact_kind = ContactKind.INSPECTION if c.kind == VisitKind.SAFETY else ContactKind.VISIT
    contact_record(
        enterprise=enterprise, on=c.day, kind=contact_kind, source="visit", source_id=visit.pk, requested=requested
    )
    credited = coverage_credit(enterprise_id=enterprise.pk, day=c.day)
    audit_record(
        actor=actor,
        action="visit_log",
        object_type="visit",
        object_id=visit.pk,
        changes={
            "enterprise": enterprise.uscc,
            "visited_at": c.visited_at.isoformat(),
            "kind": c.kind,
            "participants": [u.pk for u in c.participants],
            "joint": c.joint,
            "requested": requested,
            "over_budget": c.over_budget,
            "cases": numbers,
            "photos": len(c.photos),
            "credited": credited,
        },
    )
    if c.over_budget:
        _tell_desk_over_budget(visit, enterprise)
    return visit


def _tell_desk_over_budget(visit: Visit, enterprise: Enterprise) -> None:
    desk = User.objects.filter(role=Role.DESK, is_active=True).only("id", "email", "username")
    notify(
        recipients=desk,
        kind="visit_over_budget",
        title=_("超额走访：%(name)s") % {"name": enterprise.name},
        body=_("该企业本月接触次数已达打扰额度，仍登记了走访。理由：%(reason)s")
        % {"reason": visit.over_budget_reason[:300]},
        url=f"/visits/{visit.pk}/",
        enterprise_id=enterprise.pk,
        dedup_key=f"visit_over_budget:{visit.pk}",
    )


def _plan_done(planned: PlannedVisit, visit: Visit) -> None:
    PlannedVisit.objects.filter(pk=planned.pk).update(state=PlanState.DONE, visit=visit, updated_at=timezone.now())
    PlannedVisit.objects.filter(merged_into_id=planned.pk).update(visit=visit, updated_at=timezone.now())
    planned.state = PlanState.DONE
    planned.visit = visit


def _suggest(actor: Actor, enterprise: Enterprise, visit: Visit) -> None:
    """The visit's suggestions become a suggestion (source `visit`) for the desk to assign."""
    suggestion_submit(actor=actor, text=visit.suggestions, enterprise=enterprise, source="visit", source_id=visit.pk)


# ---------------------------------------------------------------------------------------------
# The enterprise's side


def visit_rate(*, actor: Actor, visit: Visit, feedback: str, comment: str = "", now: datetime | None = None) -> Visit:
    """帮上了 / 一般 / 打扰了: the visited enterprise only, once, for its own visit."""
    if not actor.is_enterprise or actor.enterprise_id != visit.enterprise_id:
        raise NotFound("visit not found")
    if feedback not in Feedback.values:
        raise _bad(_("请选择“帮上了”“一般”或“打扰了”。"), "invalid_choice", "feedback")
    comment = _text(comment, label=_("评价意见"), key="comment", limit=500)
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.feedback:
            raise _bad(_("这次走访已经评价过了。"), "already_rated", "feedback")
        locked.feedback = feedback
        locked.feedback_comment = comment
        locked.feedback_at = now or timezone.now()
        locked.save(update_fields=["feedback", "feedback_comment", "feedback_at", "updated_at"])
        audit_record(
            actor=actor, action="visit_rate", object_type="visit", object_id=visit.pk, changes={"feedback": feedback}
        )
    return locked


def _may_manage(actor: Actor, enterprise: Enterprise) -> None:
    """The enterprise for itself, or the desk."""
    if actor.is_enterprise and actor.enterprise_id == enterprise.pk:
        return
    if actor.role == Role.DESK:
        return
    if actor.is_enterprise:
        raise NotFound("enterprise not found")
    raise PermissionDenied(_("只有企业本身或服务专班可以修改这项设置。"), code="preference_forbidden")


def preference_set(
    *,
    actor: Actor,
    enterprise: Enterprise,
    monthly_budget: int | None = None,
    preferred_channel: str | None = None,
    clear_budget: bool = False,
) -> ServicePreference:
    """The budget (None leaves it, `clear_budget` returns to the zone default) and the channel."""
    _may_manage(actor, enterprise)
    if monthly_budget is not None and not (0 <= int(monthly_budget) <= 31):
        raise _bad(_("每月打扰额度须在0到31次之间。"), "invalid_budget", "monthly_budget")
    if preferred_channel is not None and preferred_channel not in PreferredChannel.values:
        raise _bad(_("首选联系方式无效。"), "invalid_choice", "preferred_channel")
    with transaction.atomic():
        pref, _created = ServicePreference.objects.select_for_update().get_or_create(enterprise=enterprise)
        before = {"monthly_budget": pref.monthly_budget, "preferred_channel": pref.preferred_channel}
        if clear_budget:
            pref.monthly_budget = None
        elif monthly_budget is not None:
            pref.monthly_budget = int(monthly_budget)
        if preferred_channel is not None:
            pref.preferred_channel = preferred_channel
        pref.save()
        audit_record(
            actor=actor,
            action="visit_preference_set",
            object_type="enterprise",
            object_id=enterprise.uscc,
            changes={
                "before": before,
                "after": {"monthly_budget": pref.monthly_budget, "preferred_channel": pref.preferred_channel},
            },
        )
    return pref


QUIET_MAX_DAYS = 92


def quiet_period_add(
    *, actor: Actor, enterprise: Enterprise, starts_on: date, ends_on: date, note: str = ""
) -> QuietPeriod:
    """免打扰期: at most three months at a time, not ending in the past."""
    _may_manage(actor, enterprise)
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise _bad(_("免打扰期的结束日期不能早于开始日期。"), "invalid_period", "ends_on")
    if ends_on < timezone.localdate():
        raise _bad(_("免打扰期不能设在过去。"), "invalid_period", "ends_on")
    if (ends_on - starts_on).days + 1 > QUIET_MAX_DAYS:
        raise _bad(_("一次免打扰期不能超过%(n)s天。") % {"n": QUIET_MAX_DAYS}, "period_too_long", "ends_on")
    note = _text(note, label=_("说明"), key="note", limit=200)
    with transaction.atomic():
        period = QuietPeriod.objects.create(enterprise=enterprise, starts_on=starts_on, ends_on=ends_on, note=note)
        audit_record(
            actor=actor,
            action="quiet_period_add",
            object_type="quiet_period",
            object_id=period.pk,
            changes={"enterprise": enterprise.uscc, "starts_on": starts_on, "ends_on": ends_on},
        )
    return period


def quiet_period_remove(*, actor: Actor, period: QuietPeriod) -> None:
    _may_manage(actor, period.enterprise)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="quiet_period_remove",
            object_type="quiet_period",
            object_id=period.pk,
            changes={"enterprise_id": period.enterprise_id, "starts_on": period.starts_on, "ends_on": period.ends_on},
        )
        period.delete()


# ---------------------------------------------------------------------------------------------
# Planned visits


def planned_visit_create(*, actor: Actor, enterprise: Enterprise, planned_on: date, purpose: str = "") -> PlannedVisit:
    """Any staff member plans a visit to an enterprise they may see (the caller scoped it)."""
    _check_actor(actor)
    if planned_on is None or planned_on < timezone.localdate():
        raise _bad(_("计划走访日期不能早于今天。"), "invalid_date", "planned_on")
    purpose = _text(purpose, label=_("走访事由"), key="purpose", limit=500)
    with transaction.atomic():
        plan = PlannedVisit.objects.create(
            enterprise=enterprise,
            planner=actor.user,
            department_id=actor.department_id,
            planned_on=planned_on,
            purpose=purpose,
        )
        audit_record(
            actor=actor,
            action="planned_visit_create",
            object_type="planned_visit",
            object_id=plan.pk,
            changes={"enterprise": enterprise.uscc, "planned_on": planned_on},
        )
    return plan


def planned_visits_merge(*, actor: Actor, ids: Sequence[int], planned_on: date | None = None) -> PlannedVisit:
    """The desk merges several planned visits to one enterprise into one joint planned visit; the
    merged ones point at it (state `merged`)."""
    if actor.role != Role.DESK:
        raise PermissionDenied(_("只有服务专班可以合并走访计划。"), code="merge_forbidden")
    wanted = sorted({int(i) for i in ids})
    if len(wanted) < 2:
        raise _bad(_("请至少选择两个走访计划进行合并。"), "merge_needs_two", "ids")
    with transaction.atomic():
        plans = list(PlannedVisit.objects.select_for_update().filter(pk__in=wanted).order_by("planned_on", "pk"))
        if len(plans) != len(wanted):
            raise NotFound("planned visit not found")
        if any(p.state != PlanState.PLANNED for p in plans):
            raise _bad(_("只能合并仍在计划中的走访。"), "invalid_state", "ids")
        if len({p.enterprise_id for p in plans}) != 1:
            raise _bad(_("只能合并同一企业的走访计划。"), "different_enterprises", "ids")
        first = plans[0]
        purposes = [p.purpose for p in plans if p.purpose]
        joint = PlannedVisit.objects.create(
            enterprise_id=first.enterprise_id,
            planner=actor.user,
            department_id=actor.department_id,
            planned_on=planned_on or first.planned_on,
            purpose="；".join(dict.fromkeys(purposes))[:500],
            joint=True,
        )
        PlannedVisit.objects.filter(pk__in=wanted).update(
            state=PlanState.MERGED, merged_into=joint, updated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="planned_visits_merge",
            object_type="planned_visit",
            object_id=joint.pk,
            changes={"merged": wanted},
        )
        planners = User.objects.filter(pk__in={p.planner_id for p in plans}, is_active=True)
        notify(
            recipients=planners,
            kind="planned_visits_merged",
            title=_("走访计划已合并为联合走访"),
            body=_("服务专班把同一企业的%(n)s个走访计划合并为一次联合走访，计划日期%(day)s。")
            % {"n": len(plans), "day": joint.planned_on.isoformat()},
            url="/visits/plan/",
            enterprise_id=first.enterprise_id,
            dedup_key=f"planned_merge:{joint.pk}",
        )
    return joint


# ---------------------------------------------------------------------------------------------
# The month-end reminder


@dataclass(frozen=True)
class ReminderResult:
    month: date
    sent: int  # liaisons told this run
    skipped: int  # liaisons with due visits already told this month


def reminder_day(month_last: date) -> date:
    return month_last - timedelta(days=int(getattr(settings, "VISIT_REMINDER_DAYS", 5)))


def visit_reminders_send(*, today: date | None = None, now: datetime | None = None) -> ReminderResult:
    """From QIFU_VISIT_REMINDER_DAYS days before the month's end: each liaison with enterprises
    still due this month (linked today, not visited while linked this month) hears once. Idempotent:
    the VisitReminder row (unique per liaison and month) and the notice's dedup key."""
    from qifu.visits.coverage import month_end, month_start
    from qifu.visits.models import CoverageCell, VisitReminder

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    month = month_start(today)
    if today < reminder_day(month_end(month)):
        return ReminderResult(month=month, sent=0, skipped=0)
    from qifu.visits.coverage import coverage_rebuild, links_on

    coverage_rebuild(month)  # the denominator as of today (new links included)
    open_pairs = links_on(today).filter(liaison_id=OuterRef("liaison_id"), enterprise_id=OuterRef("enterprise_id"))
    due = dict(
        CoverageCell.objects.filter(month=month, visited_on__isnull=True)
        .filter(Exists(open_pairs))
        .values("liaison_id")
        .annotate(n=Count("id"))
        .values_list("liaison_id", "n")
    )
    told = set(VisitReminder.objects.filter(month=month).values_list("liaison_id", flat=True))
    users = {u.pk: u for u in User.objects.filter(pk__in=set(due) - told, is_active=True)}
    days_left = (month_end(month) - today).days
    sent = 0
    for liaison_id, n in sorted(due.items()):
        user = users.get(liaison_id)
        if user is None:
            continue
        with transaction.atomic():
            _row, created = VisitReminder.objects.get_or_create(
                liaison_id=liaison_id, month=month, defaults={"due": n, "sent_at": now}
            )
            if not created:
                continue
            notify(
                recipients=[user],
                kind="visit_reminder",
                title=_("本月还有%(n)s家挂钩企业未走访") % {"n": n},
                body=_("距本月结束还有%(d)s天，请在月底前完成走访并登记。") % {"d": days_left},
                url=f"/visits/plan/?month={month:%Y-%m}",
                dedup_key=f"visit_reminder:{month:%Y-%m}",
            )
            sent += 1
    return ReminderResult(month=month, sent=sent, skipped=len(set(due) & told))
