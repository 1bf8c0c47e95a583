"""Suggestion reads (PRODUCT.md §2.3). Every read starts from `scope_suggestions`, the one place
that says who sees which suggestion; `suggestion_get` answers NotFound for a suggestion that is
missing *or* outside the scope (STYLE.md §6.2.2).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from qifu.access.actor import Actor
from qifu.access.scopes import enterprise_filter
from qifu.accounts.roles import Role
from qifu.core.errors import NotFound
from qifu.enterprises.models import Enterprise
from qifu.enterprises.selectors import enterprise_get
from qifu.reference.models import Department
from qifu.suggestions.models import Suggestion, SuggestionState, SuggestionTopic

LIST_RELATED = ("topic", "department", "enterprise", "author")


def scope_suggestions(actor: Actor) -> QuerySet[Suggestion]:
    """§2.3 who sees a suggestion: an enterprise user its own enterprise's; a liaison or deputy
    what they filed plus those of the enterprises in their scope (linked, task forces); a handler
    or department head those assigned to their department; the desk and leaders all; the three
    administrators none (MC-1)."""
    if actor.is_admin:
        return Suggestion.objects.none()
    if actor.is_zone_wide:
        return Suggestion.objects.all()
    if actor.is_enterprise and actor.enterprise_id is not None:
        return Suggestion.objects.filter(enterprise_id=actor.enterprise_id)
    if actor.is_liaison:
        return Suggestion.objects.filter(Q(author_id=actor.id) | enterprise_filter(actor, "enterprise"))
    if actor.is_department and actor.department_id is not None:
        return Suggestion.objects.filter(department_id=actor.department_id)
    return Suggestion.objects.none()


def may_submit(actor: Actor) -> bool:
    """The roles with a 提建议 page: enterprise users, cadres and deputies."""
    return actor.is_enterprise or actor.is_liaison


def may_see_stats(actor: Actor) -> bool:
    """The leaders' page by topic and month: leaders and the service desk."""
    return actor.role in (Role.LEADER, Role.DESK)


def month_of(day: date) -> date:
    return day.replace(day=1)


def this_month() -> date:
    return month_of(timezone.localdate())


@dataclass(frozen=True)
class SuggestionFilters:
    """What a list may be narrowed by (never widened: the scope comes first)."""

    topic: str = ""  # a topic code; "none" = not yet tagged
    month: date | None = None  # the first day of a month
    state: tuple[str, ...] = field(default_factory=tuple)
    department: str = ""  # department code


def _filtered(qs: QuerySet[Suggestion], filters: SuggestionFilters) -> QuerySet[Suggestion]:
    if filters.topic == "none":
        qs = qs.filter(topic__isnull=True)
    elif filters.topic:
        qs = qs.filter(topic__code=filters.topic)
    if filters.month is not None:
        qs = qs.filter(month=month_of(filters.month))
    if filters.state:
        qs = qs.filter(state__in=filters.state)
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    return qs


def suggestion_filtered(*, actor: Actor, filters: SuggestionFilters) -> QuerySet[Suggestion]:
    """The scope narrowed by the filters, without display joins (for counts)."""
    return _filtered(scope_suggestions(actor), filters)


def suggestion_list(*, actor: Actor, filters: SuggestionFilters | None = None) -> QuerySet[Suggestion]:
    """The scope narrowed by the filters, newest first, with what a row shows."""
    qs = suggestion_filtered(actor=actor, filters=filters or SuggestionFilters())
    return qs.select_related(*LIST_RELATED).order_by("-created_at", "-pk")


def suggestion_get(*, actor: Actor, suggestion_id: int) -> Suggestion:
    """One suggestion in the actor's scope; NotFound when missing or not visible."""
    found = scope_suggestions(actor).select_related(*LIST_RELATED, "answered_by").filter(pk=suggestion_id).first()
    if found is None:
        raise NotFound("suggestion not found")
    return found


def my_suggestions(*, actor: Actor) -> QuerySet[Suggestion]:
    """我的建议: an enterprise's (any of its users filed) or the liaison's own, newest first."""
    if actor.is_enterprise:
        qs = scope_suggestions(actor)
    elif actor.is_liaison:
        qs = scope_suggestions(actor).filter(author_id=actor.id)
    else:
        return Suggestion.objects.none()
    return qs.select_related("topic", "department", "enterprise").order_by("-created_at", "-pk")


DESK_TABS = {"submitted": (SuggestionState.SUBMITTED,), "assigned": (SuggestionState.ASSIGNED,)}


def desk_queue(*, actor: Actor, tab: str = "submitted") -> QuerySet[Suggestion]:
    """建议分办: the desk's suggestions to tag and assign (or reassign while unanswered), oldest first."""
    if actor.role != Role.DESK:
        return Suggestion.objects.none()
    states = DESK_TABS.get(tab, DESK_TABS["submitted"])
    return scope_suggestions(actor).filter(state__in=states).select_related(*LIST_RELATED).order_by("created_at", "pk")


def department_queue(*, actor: Actor, answered: bool = False) -> QuerySet[Suggestion]:
    """建议答复: the department's suggestions to answer, oldest first (`answered`: its answered ones, newest first)."""
    if not actor.is_department:
        return Suggestion.objects.none()
    qs = scope_suggestions(actor).select_related(*LIST_RELATED)
    if answered:
        return qs.filter(state__in=(SuggestionState.ANSWERED, SuggestionState.CLOSED)).order_by("-answered_at", "-pk")
    return qs.filter(state=SuggestionState.ASSIGNED).order_by("created_at", "pk")


def desk_counts(*, actor: Actor) -> dict[str, int]:
    """The desk queue's tab counts in one query."""
    if actor.role != Role.DESK:
        return {}
    row = scope_suggestions(actor).aggregate(
        submitted=Count("pk", filter=Q(state=SuggestionState.SUBMITTED)),
        assigned=Count("pk", filter=Q(state=SuggestionState.ASSIGNED)),
    )
    return {k: int(v or 0) for k, v in row.items()}


def topic_list() -> list[SuggestionTopic]:
    """Active topics in display order (reference data: every signed-in user may read them)."""
    return list(SuggestionTopic.objects.filter(active=True).order_by("sort", "code"))


def topic_by_code(code: str) -> SuggestionTopic | None:
    return SuggestionTopic.objects.filter(code=code, active=True).first()


def answering_departments() -> list[Department]:
    """The departments the desk may assign to (active ones, in display order)."""
    return list(Department.objects.filter(active=True).order_by("sort", "code"))


# --- the leaders' page ------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicRow:
    code: str  # "" for suggestions not yet tagged
    name: str
    total: int
    answered: int

    @property
    def rate(self) -> int:
        """答复率 in whole percent."""
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass(frozen=True)
class Overview:
    """The leaders' page: counts by month (x) and topic (series) over a window, and by topic for the filter."""

    months: list[date]
    series: list[tuple[str, str, list[int]]]  # (topic code, topic name, count per month)
    by_topic: list[TopicRow]
    total: int
    answered: int

    def chart(self) -> dict[str, object]:
        """The chart's data for the page's script (json_script): months as labels, one series per topic."""
        return {
            "months": [f"{m.year}-{m.month:02d}" for m in self.months],
            "series": [{"code": code, "name": name, "data": data} for code, name, data in self.series],
        }


def _months_back(last: date, n: int) -> list[date]:
    months = []
    year, month = last.year, last.month
    for _ in range(n):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


ANSWERED_STATES = (SuggestionState.ANSWERED, SuggestionState.CLOSED)


def suggestion_overview(*, actor: Actor, filters: SuggestionFilters, window: int = 12) -> Overview:
    """§2.3 the leaders' list by topic and month: two grouped queries over the (month, topic, state)
    index — the chart counts the `window` months ending at the filtered month (or this month),
    the topic table counts the filtered month (or the whole window)."""
    if not may_see_stats(actor):
        return Overview([], [], [], 0, 0)
    last = month_of(filters.month) if filters.month else this_month()
    months = _months_back(last, window)
    base = _filtered(scope_suggestions(actor), SuggestionFilters(topic=filters.topic, state=filters.state))
    cells = base.filter(month__gte=months[0], month__lte=months[-1]).values_list("month", "topic_id")
    per: dict[tuple[date, int | None], int] = {}
    for month, topic_id, n in cells.annotate(n=Count("pk")).values_list("month", "topic_id", "n"):
        per[(month, topic_id)] = int(n)
    topics = {t.pk: t for t in SuggestionTopic.objects.order_by("sort", "code")}
    present = {topic_id for _month, topic_id in per}
    series = []
    for pk, topic in topics.items():
        if pk in present:
            series.append((topic.code, topic.name, [per.get((m, pk), 0) for m in months]))
    if None in present:
        series.append(("", _untagged(), [per.get((m, None), 0) for m in months]))
    scope = base.filter(month=last) if filters.month else base.filter(month__gte=months[0], month__lte=last)
    rows = scope.values_list("topic_id").annotate(
        total=Count("pk"), answered=Count("pk", filter=Q(state__in=ANSWERED_STATES))
    )
    by_topic = []
    for topic_id, total, answered in rows.values_list("topic_id", "total", "answered"):
        found = topics.get(topic_id) if topic_id is not None else None
        code, name = (found.code, found.name) if found else ("", _untagged())
        by_topic.append(TopicRow(code, name, int(total), int(answered)))
    by_topic.sort(key=lambda r: (-r.total, r.code or "~"))
    return Overview(
        months=months,
        series=series,
        by_topic=by_topic,
        total=sum(r.total for r in by_topic),
        answered=sum(r.answered for r in by_topic),
    )


def _untagged() -> str:
    return gettext("未分类")


def suggestion_enterprise(*, actor: Actor, uscc: str) -> Enterprise | None:
    """The enterprise a staff member's suggestion is about (by USCC, in their scope; NotFound
    otherwise); None when none is named. An enterprise user's is always its own (the service's)."""
    if actor.is_enterprise or not uscc.strip():
        return None
    return enterprise_get(actor=actor, uscc=uscc)


@dataclass(frozen=True)
class SuggestionPage:
    """The suggestion page: the suggestion and the steps the actor may take on it now."""

    suggestion: Suggestion
    can_assign: bool
    can_answer: bool
    can_close: bool


def suggestion_page(*, actor: Actor, suggestion_id: int) -> SuggestionPage:
    """What the page shows; the services check the same rules again when a form is posted."""
    s = suggestion_get(actor=actor, suggestion_id=suggestion_id)
    desk = actor.role == Role.DESK
    open_ = s.state in (SuggestionState.SUBMITTED, SuggestionState.ASSIGNED)
    own = actor.is_department and s.department_id is not None and s.department_id == actor.department_id
    return SuggestionPage(
        suggestion=s,
        can_assign=desk and open_,
        can_answer=open_ and (desk or own),
        can_close=s.state == SuggestionState.ANSWERED and (desk or s.author_id == actor.id),
    )
