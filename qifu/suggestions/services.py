"""Suggestion writes (PRODUCT.md §2.3 建议: collected, tagged, answered).

submitted ─assign (desk: topic + department)→ assigned ─answer (that department, or the desk)→
answered ─close (desk or author)→ closed. The desk may also answer a submitted suggestion itself
and reassign an unanswered one. Each step runs in one transaction that locks the row (two people
acting at once: one wins, the other gets `suggestion_already_answered`), checks every rule before
writing, records the audit entry and queues the notices; a refused step changes nothing.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import scope_enterprises
from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.audit.services import audit_record
from qifu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.notify.services import notify
from qifu.reference.models import Department
from qifu.suggestions.errors import SuggestionErrorCode as E
from qifu.suggestions.models import Suggestion, SuggestionSource, SuggestionState, SuggestionTopic
from qifu.suggestions.selectors import month_of, scope_suggestions

TEXT_MAX = 5000
TITLE_MAX = 120
TITLE_FROM_TEXT = 30
# Sources that another service fills in after checking the actor's right to the enterprise itself
# (a visit log, a meeting's minutes); the pages and the API never let a client choose them.
VOUCHED_SOURCES = frozenset({SuggestionSource.VISIT, SuggestionSource.MEETING})
# Staff who are not liaisons file only what they heard on a visit, a meeting or the phone.
STAFF_SOURCES = frozenset({SuggestionSource.VISIT, SuggestionSource.MEETING, SuggestionSource.PHONE})
# Any staff role may log a visit, so the visit log may file for any of them.
FILING_ROLES = frozenset({Role.HANDLER, Role.DEPT_HEAD, Role.DESK, Role.LEADER})
S = SuggestionState


def _bad(message: str, code: str, field: str) -> RuleViolation:
    return RuleViolation(message, code=code, data={"field": field})


def _clean_text(value: str | None, *, label: str, key: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _bad(_("请填写%(field)s。") % {"field": label}, E.REQUIRED, key)
    if len(text) > limit:
        raise _bad(
            _("%(field)s不能超过%(limit)s个字（现有%(n)s个字），请精简后再提交。")
            % {"field": label, "limit": limit, "n": len(text)},
            E.TOO_LONG,
            key,
        )
    return text


def _title_from(text: str) -> str:
    first = text.splitlines()[0].strip() if text else ""
    return first[:TITLE_FROM_TEXT] + ("…" if len(first) > TITLE_FROM_TEXT else "")


def _topic(value: SuggestionTopic | str | None) -> SuggestionTopic | None:
    if value is None or value == "":
        return None
    code = value.code if isinstance(value, SuggestionTopic) else str(value).strip()
    topic = SuggestionTopic.objects.filter(code=code, active=True).first()
    if topic is None:
        raise _bad(_("建议类别“%(code)s”不存在，请从列表中选择。") % {"code": code}, E.UNKNOWN_TOPIC, "topic")
    return topic


def _department(value: Department | str | None) -> Department:
    if value is None or value == "":
        raise _bad(_("请选择答复部门。"), E.REQUIRED, "department")
    code = value.code if isinstance(value, Department) else str(value).strip()
    department = Department.objects.filter(code=code, active=True).first()
    if department is None:
        raise _bad(_("部门“%(code)s”不存在，请从列表中选择。") % {"code": code}, E.UNKNOWN_DEPARTMENT, "department")
    return department


def _source(actor: Actor, source: str) -> str:
    """The source recorded for this filer: an enterprise files through the portal; a liaison's
    plain filing is recorded as the liaison's or the deputy's."""
    if actor.is_enterprise:
        return SuggestionSource.PORTAL
    if source not in SuggestionSource.values:
        raise _bad(_("来源“%(value)s”无效。") % {"value": source}, E.INVALID_CHOICE, "source")
    if actor.is_liaison and source in (SuggestionSource.PORTAL, SuggestionSource.LIAISON, SuggestionSource.DEPUTY):
        return SuggestionSource.DEPUTY if actor.role == Role.DEPUTY else SuggestionSource.LIAISON
    if actor.is_liaison or (actor.role in FILING_ROLES and source in STAFF_SOURCES):
        return source
    raise PermissionDenied(_("您的角色不能提交建议。"), code=E.SUBMIT_FORBIDDEN)


def _filed_for(actor: Actor, enterprise: Enterprise | None, source: str, source_id: int | None) -> Enterprise | None:
    """The enterprise the suggestion is about: an enterprise user's own; for staff, one in their
    scope (NotFound otherwise) — unless a visit or meeting service vouches for it."""
    if actor.is_enterprise:
        if enterprise is not None and enterprise.pk != actor.enterprise_id:
            raise NotFound("enterprise not found")
        own = scope_enterprises(actor).first()
        if own is None:
            raise NotFound("enterprise not found")
        return own
    if enterprise is None:
        return None
    if source in VOUCHED_SOURCES and source_id is not None:
        return enterprise
    if not scope_enterprises(actor).filter(pk=enterprise.pk).exists():
        raise NotFound("enterprise not found")
    return enterprise


@transaction.atomic
def suggestion_submit(
    *,
    actor: Actor,
    text: str,
    title: str = "",
    topic: SuggestionTopic | str | None = None,
    enterprise: Enterprise | None = None,
    source: str = SuggestionSource.PORTAL,
    source_id: int | None = None,
    now: datetime | None = None,
) -> Suggestion:
    """§2.3 提建议: an enterprise user (for its own enterprise), a cadre or deputy (about an enterprise
    in their scope, or none), or staff noting one from a visit, meeting or call. Text 1–5000
    characters; the title (≤120) defaults to the text's first line; the topic (a code) is
    optional — the desk tags untagged ones when it assigns them."""
    recorded_source = _source(actor, str(source or SuggestionSource.PORTAL))
    body = _clean_text(text, label=_("建议内容"), key="text", limit=TEXT_MAX)
    heading = _clean_text(title, label=_("标题"), key="title", limit=TITLE_MAX, required=False) or _title_from(body)
    tagged = _topic(topic)
    about = _filed_for(actor, enterprise, recorded_source, source_id)
    now = now or timezone.now()
    suggestion = Suggestion(
        enterprise=about,
        author=actor.user,
        author_role=actor.role,
        source=recorded_source,
        source_id=source_id,
        topic=tagged,
        title=heading,
        text=body,
        month=month_of(timezone.localdate(now)),
    )
    suggestion.full_clean()
    suggestion.save()
    audit_record(
        actor=actor,
        action="suggestion_submit",
        object_type="suggestion",
        object_id=suggestion.pk,
        changes={"enterprise": about.uscc if about else "", "source": recorded_source, "source_id": source_id},
    )
    return suggestion


def _locked(actor: Actor, suggestion: Suggestion | int) -> Suggestion:
    pk = suggestion.pk if isinstance(suggestion, Suggestion) else int(suggestion)
    found = scope_suggestions(actor).select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound("suggestion not found")
    return found


def _refuse_if_answered(suggestion: Suggestion) -> None:
    if suggestion.state in (S.ANSWERED, S.CLOSED):
        raise Conflict(
            _("该建议已答复，不能再次分办或答复。"),
            code=E.ALREADY_ANSWERED,
            data={"state": suggestion.state},
        )


@transaction.atomic
def suggestion_assign(
    *,
    actor: Actor,
    suggestion: Suggestion | int,
    department: Department | str | None,
    topic: SuggestionTopic | str | None = None,
    now: datetime | None = None,
) -> Suggestion:
    """§2.3 the desk tags a suggestion with a topic and names the department that answers it;
    an unanswered one may be reassigned. Only the service desk assigns (403 for others who see it)."""
    row = _locked(actor, suggestion)
    if actor.role != Role.DESK:
        raise PermissionDenied(_("只有服务专班可以分办建议。"), code=E.ASSIGN_FORBIDDEN)
    _refuse_if_answered(row)
    tagged = _topic(topic) or row.topic
    if tagged is None:
        raise _bad(_("请选择建议类别。"), E.REQUIRED, "topic")
    target = _department(department)
    before = (row.state, row.department_id, row.topic_id)
    row.topic = tagged
    row.department = target
    row.state = S.ASSIGNED
    row.assigned_by = actor.user
    row.assigned_at = now or timezone.now()
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="suggestion_assign",
        object_type="suggestion",
        object_id=row.pk,
        changes={
            "state": [before[0], row.state],
            "department": target.code,
            "topic": tagged.code,
            "reassigned": before[1] is not None,
        },
    )
    _notify_department(row, exclude=actor.id)
    return row


@transaction.atomic
def suggestion_answer(
    *, actor: Actor, suggestion: Suggestion | int, answer: str, now: datetime | None = None
) -> Suggestion:
    """§2.3 the assigned department (a handler or its head) answers; the desk may answer any
    unanswered suggestion itself. Once only; the author is told."""
    row = _locked(actor, suggestion)
    own_department = actor.is_department and row.department_id is not None and row.department_id == actor.department_id
    if not (actor.role == Role.DESK or own_department):
        raise PermissionDenied(_("只有分办到的部门或服务专班可以答复建议。"), code=E.ANSWER_FORBIDDEN)
    _refuse_if_answered(row)
    text = _clean_text(answer, label=_("答复内容"), key="answer", limit=TEXT_MAX)
    before = row.state
    row.answer = text
    row.answered_by = actor.user
    row.answered_at = now or timezone.now()
    row.state = S.ANSWERED
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="suggestion_answer",
        object_type="suggestion",
        object_id=row.pk,
        changes={"state": [before, row.state], "department": row.department_id},
    )
    _notify_author(row, exclude=actor.id)
    return row


@transaction.atomic
def suggestion_close(*, actor: Actor, suggestion: Suggestion | int, now: datetime | None = None) -> Suggestion:
    """Close an answered suggestion (the desk, or its author once they have read the answer)."""
    row = _locked(actor, suggestion)
    if not (actor.role == Role.DESK or row.author_id == actor.id):
        raise PermissionDenied(_("只有服务专班或提出人可以关闭建议。"), code=E.CLOSE_FORBIDDEN)
    if row.state != S.ANSWERED:
        raise Conflict(
            _("建议当前为“%(state)s”，答复后才能关闭。") % {"state": row.get_state_display()},
            code=E.INVALID_STATE,
            data={"state": row.state},
        )
    row.state = S.CLOSED
    row.closed_at = now or timezone.now()
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="suggestion_close",
        object_type="suggestion",
        object_id=row.pk,
        changes={"state": [S.ANSWERED, S.CLOSED]},
    )
    return row


# --- notices --------------------------------------------------------------------------------------


def _active(who: Q, exclude: int) -> list[User]:
    return list(User.objects.filter(who, is_active=True).exclude(pk=exclude).only("id", "email", "username"))


def _notify_department(row: Suggestion, *, exclude: int) -> None:
    """The department's handlers and head hear of a new suggestion to answer (digest, not urgent)."""
    people = _active(Q(role__in=(Role.HANDLER, Role.DEPT_HEAD), department_id=row.department_id), exclude)
    if people:
        notify(
            recipients=people,
            kind="suggestion_assigned",
            title=_("新建议待答复：%(title)s") % {"title": row.title},
            body=row.text[:500],
            url=f"/suggestions/{row.pk}/",
            enterprise_id=row.enterprise_id,
            dedup_key=f"suggestion:{row.pk}:assigned:{row.department_id}",
        )


def _notify_author(row: Suggestion, *, exclude: int) -> None:
    """The author hears the answer (UX.md 无事不扰: no action is asked of them, so it waits for the digest)."""
    people = _active(Q(pk=row.author_id), exclude)
    if people:
        notify(
            recipients=people,
            kind="suggestion_answered",
            title=_("您的建议已答复：%(title)s") % {"title": row.title},
            body=row.answer[:500],
            url=f"/suggestions/{row.pk}/",
            enterprise_id=row.enterprise_id,
            dedup_key=f"suggestion:{row.pk}:answered",
        )
