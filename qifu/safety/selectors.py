"""Safety reads; every one starts from `scope_safety_*` here, built on access.scopes (PRODUCT.md §1).

Who sees safety checks and rectifications:
- the enterprise: its own;
- a liaison (cadre, deputy): the enterprises linked to them (access.scopes.enterprise_filter), and
  visits they took part in;
- the work-safety authority (安全生产监督管理和环境保护局, department AHJ), the desk and the leaders:
  all;
- any other department: only the visits its people took part in;
- the three administrators: nothing.
Out of scope answers NotFound, like missing.
"""

import time
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.access.scopes import enterprise_filter
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.reference.models import Department
from qifu.safety.models import (
    OWED_STATES,
    Rectification,
    RectificationEvent,
    RectState,
    SafetyCheck,
    SafetyChecklist,
    SafetyItem,
    SafetyResult,
)
from qifu.visits.models import Visit, VisitKind, VisitParticipant

SAFETY_DEPARTMENT = "AHJ"  # taxonomy.yaml: 安全生产监督管理和环境保护局
_authority: tuple[float, int] | None = None
CACHE_SECONDS = 60.0


def authority_department_id() -> int:
    """The AHJ department's id (0 when the zone has none), cached per process for a minute."""
    global _authority
    now = time.monotonic()
    if _authority is None or now - _authority[0] > CACHE_SECONDS:
        pk = Department.objects.filter(code=SAFETY_DEPARTMENT).values_list("pk", flat=True).first()
        _authority = (now, int(pk or 0))
    return _authority[1]


def is_authority(actor: Actor) -> bool:
    """Staff of the work-safety authority: they accept fixes and see every check."""
    return actor.is_department and actor.department_id is not None and actor.department_id == authority_department_id()


def sees_all(actor: Actor) -> bool:
    return actor.is_zone_wide or is_authority(actor)


def _safety_filter(actor: Actor, visit_key: str) -> Q:
    """A Q admitting the safety rows the actor may see; `visit_key` names the visit id column."""
    if actor.is_admin:
        return Q(pk__in=[])
    if sees_all(actor):
        return Q()
    if actor.is_enterprise:
        return Q(enterprise_id=actor.enterprise_id)
    on_visit = Q(**{f"{visit_key}__in": VisitParticipant.objects.filter(user_id=actor.id).values("visit_id")})
    if actor.is_liaison:
        return enterprise_filter(actor, "enterprise") | on_visit
    if actor.is_department:
        return on_visit
    return Q(pk__in=[])


def scope_safety_visits(actor: Actor) -> QuerySet[Visit]:
    return Visit.objects.filter(_safety_filter(actor, "id"))


def scope_safety_checks(actor: Actor) -> QuerySet[SafetyCheck]:
    return SafetyCheck.objects.filter(_safety_filter(actor, "visit_id"))


def scope_rectifications(actor: Actor) -> QuerySet[Rectification]:
    return Rectification.objects.filter(_safety_filter(actor, "check_record__visit_id"))


def on_visit(actor: Actor, visit: Visit) -> bool:
    """The actor took part in the visit (the author is a participant too)."""
    if visit.author_id == actor.id:
        return True
    return VisitParticipant.objects.filter(visit_id=visit.pk, user_id=actor.id).exists()


# ---------------------------------------------------------------------------------------------
# Checklists


def checklist_list() -> QuerySet[SafetyChecklist]:
    """Active checklists with their active items (reference data: every staff member may read them)."""
    items = SafetyItem.objects.filter(active=True).order_by("order", "id")
    return (
        SafetyChecklist.objects.filter(active=True)
        .prefetch_related(Prefetch("items", queryset=items, to_attr="active_items"))
        .order_by("name", "-version")
    )


def checklist_for(enterprise: Enterprise) -> SafetyChecklist | None:
    """The checklist for an enterprise: the active one whose industry prefix matches longest, else
    the newest general one."""
    best: tuple[int, int, SafetyChecklist] | None = None
    industry = (enterprise.industry or "").upper()
    for checklist in checklist_list():
        prefixes = checklist.prefixes
        if prefixes:
            matched = [len(p) for p in prefixes if industry.startswith(p)]
            if not matched:
                continue
            rank = max(matched)
        else:
            rank = 0
        if best is None or (rank, checklist.version) > (best[0], best[1]):
            best = (rank, checklist.version, checklist)
    return best[2] if best else None


# ---------------------------------------------------------------------------------------------
# Checks


def safety_visit_get(*, actor: Actor, visit_id: int) -> Visit:
    visit = scope_safety_visits(actor).select_related("enterprise", "author", "recheck_of").filter(pk=visit_id).first()
    if visit is None:
        raise NotFound("visit not found")
    return visit


@dataclass(frozen=True)
class CheckPage:
    visit: Visit
    check: SafetyCheck | None
    checklist: SafetyChecklist | None
    items: list[SafetyItem]
    results: dict[int, SafetyResult]  # item id -> result
    may_fill: bool
    original: SafetyCheck | None  # the check a re-check visit looks at again


def check_page(*, actor: Actor, visit_id: int) -> CheckPage:
    """The checklist fill page: the visit, its check (if any), the items and who may fill it."""
    visit = safety_visit_get(actor=actor, visit_id=visit_id)
    check = check_for_visit(visit)
    checklist = check.checklist if check else checklist_for(visit.enterprise)
    items = list(checklist.items.filter(active=True).order_by("order", "id")) if checklist else []
    results = {r.item_id: r for r in check.results.select_related("rectification")} if check else {}
    if check:
        # items retired since the check was recorded still show their recorded result
        known = {i.pk for i in items}
        items += [r.item for r in check.results.select_related("item") if r.item_id not in known]
    may = visit.kind == VisitKind.SAFETY and on_visit(actor, visit)
    original = check_for_visit(visit.recheck_of) if visit.recheck_of_id and visit.recheck_of else None
    return CheckPage(
        visit=visit, check=check, checklist=checklist, items=items, results=results, may_fill=may, original=original
    )


def check_for_visit(visit: Visit) -> SafetyCheck | None:
    return SafetyCheck.objects.select_related("checklist", "checked_by").filter(visit_id=visit.pk).first()


def check_get(*, actor: Actor, visit_id: int) -> SafetyCheck:
    check = (
        scope_safety_checks(actor)
        .select_related("checklist", "checked_by", "enterprise", "visit")
        .prefetch_related(
            Prefetch("results", queryset=SafetyResult.objects.select_related("item", "rectification")),
        )
        .filter(visit_id=visit_id)
        .first()
    )
    if check is None:
        raise NotFound("check not found")
    return check


def check_list(*, actor: Actor) -> QuerySet[SafetyCheck]:
    return (
        scope_safety_checks(actor)
        .select_related("enterprise", "checklist", "checked_by", "visit")
        .annotate(open_count=Count("rectifications", filter=Q(rectifications__state__in=OWED_STATES)))
        .order_by("-checked_on", "-id")
    )


# ---------------------------------------------------------------------------------------------
# Rectifications


@dataclass(frozen=True)
class RectFilters:
    state: str = ""
    severity: str = ""
    overdue: bool | None = None
    enterprise: str = ""  # USCC
    open_only: bool = False


def overdue_q(today: date) -> Q:
    """Late now (owed past its deadline) or flagged by the job."""
    return Q(overdue=True, state__in=OWED_STATES) | Q(state__in=OWED_STATES, due__lt=today)


def rectification_list(
    *, actor: Actor, filters: RectFilters | None = None, today: date | None = None
) -> QuerySet[Rectification]:
    """Rectifications in scope, narrowed by the filters (never widened); open ones first, the
    nearest deadline first."""
    f = filters or RectFilters()
    today = today or timezone.localdate()
    qs = scope_rectifications(actor)
    if f.state in RectState.values:
        qs = qs.filter(state=f.state)
    if f.open_only:
        qs = qs.exclude(state=RectState.VERIFIED)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.overdue is True:
        qs = qs.filter(overdue_q(today))
    elif f.overdue is False:
        qs = qs.exclude(overdue_q(today))
    if f.enterprise:
        qs = qs.filter(enterprise__uscc=f.enterprise)
    # open work first (verified rows carry verified_at), each part by its deadline
    return qs.select_related("enterprise", "result__item").order_by(F("verified_at").asc(nulls_first=True), "due", "id")


def rectification_get(*, actor: Actor, rectification_id: int) -> Rectification:
    rect = (
        scope_rectifications(actor)
        .select_related(
            "enterprise",
            "result__item",
            "check_record__visit",
            "check_record__checked_by",
            "created_by",
            "verified_by",
            "fix_photo",
            "case",
        )
        .filter(pk=rectification_id)
        .first()
    )
    if rect is None:
        raise NotFound("rectification not found")
    return rect


def rectification_events(rect: Rectification) -> list[RectificationEvent]:
    return list(rect.events.select_related("actor").order_by("at", "id"))


def is_overdue(rect: Rectification, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return rect.state in OWED_STATES and (rect.overdue or rect.due < today)


def rectification_counts(*, actor: Actor, today: date | None = None) -> dict[str, int]:
    """Open, overdue and major-open counts for the list's header (one query)."""
    today = today or timezone.localdate()
    owed = Q(state__in=OWED_STATES)
    row = scope_rectifications(actor).aggregate(
        owed=Count("pk", filter=owed),
        submitted=Count("pk", filter=Q(state=RectState.SUBMITTED)),
        overdue=Count("pk", filter=overdue_q(today)),
        major=Count("pk", filter=owed & Q(severity="major")),
    )
    return {k: int(v or 0) for k, v in row.items()}
