"""Who hears of what happens to a case (PRODUCT.md §2.3). Every notice goes through
`qifu.notify.services.notify` (in-app inbox always; e-mail, SMS, WeCom by settings, batched for
non-urgent events), keyed by the event so it is never sent twice.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.cases.models import Case, CaseEvent, CasePart, Follower, Urgency
from qifu.enterprises.models import Enterprise
from qifu.notify.addresses import addressable_in_hand, addressable_users
from qifu.notify.services import notify

# Events the enterprise must act on are sent at once; the rest wait for the digest (无事不扰).
ENTERPRISE_URGENT = frozenset({"request_info", "resolve", "answer"})
PLAIN = {
    "accept": gettext_lazy("您的诉求已受理"),
    "reject": gettext_lazy("您的诉求不予受理"),
    "answer": gettext_lazy("您的诉求已答复，请评价"),
    "dispatch": gettext_lazy("您的诉求已转交办理"),
    "sign": gettext_lazy("您的诉求正在办理"),
    "progress": gettext_lazy("您的诉求有新进展"),
    "request_info": gettext_lazy("请补充材料"),
    "approve_extension": gettext_lazy("办理时限已延长"),
    "resolve": gettext_lazy("您的诉求已办结，请评价"),
    "rate": gettext_lazy("感谢您的评价"),
    "message": gettext_lazy("您的诉求有新留言"),
}


def _active(users: "Q") -> list[User]:
    return list(User.objects.filter(users, is_active=True).only("id", "email", "username"))


def _enterprise_users(case: Case) -> Q:
    return Q(role=Role.ENTERPRISE, enterprise_id=case.enterprise_id)


def _department(dept_id: int | None, *roles: str) -> Q:
    return Q(role__in=roles, department_id=dept_id) if dept_id else Q(pk__in=[])


def _lead_workers(case: Case) -> Q:
    if case.handler_id:
        return Q(pk=case.handler_id)
    return _department(case.lead_department_id, Role.HANDLER, Role.DEPT_HEAD)


def _desk() -> Q:
    return Q(role=Role.DESK)


def _send(
    case: Case,
    recipients: Iterable[User],
    *,
    kind: str,
    title: str,
    body: str,
    urgent: bool,
    key: str,
    exclude: int | None,
    new_key: bool = False,
    addressable: bool = False,
) -> None:
    people = [u for u in recipients if u.pk != exclude]
    if people:
        notify(
            recipients=people,
            kind=kind,
            title=title,
            body=body[:500],
            url=f"/cases/{case.pk}/",
            urgent=urgent,
            enterprise_id=case.enterprise_id,
            dedup_key=key,
            new_key=new_key,
            addressable=addressable,
        )


def filed_recipients(*, enterprise: Enterprise, urgency: str) -> list[User]:
    """Who hears of a new request — read before the filing transaction. The liaison hears of every
    request of their enterprise. The desk works from its intake queue (the count is on its home
    page), so only urgent requests notify each desk member: 无事不扰 holds for the staff too, and
    a city desk is a hundred people."""
    channels = settings.NOTIFY_CHANNELS
    if urgency == Urgency.NORMAL and Enterprise.primary_liaison.is_cached(enterprise):
        # the filing's enterprise came with its liaison (filing_enterprise): no second query
        liaison = enterprise.primary_liaison
        if liaison is None:
            return []
        if addressable_in_hand(liaison, channels):
            return [liaison] if liaison.is_active else []
    who = Q(pk=enterprise.primary_liaison_id) if enterprise.primary_liaison_id else Q(pk__in=[])
    if urgency != Urgency.NORMAL:
        who |= _desk()
    # loaded with their addresses here, outside the filing transaction (notify(addressable=True))
    return list(addressable_users(User.objects.filter(who, is_active=True), channels))


def case_filed(case: Case, recipients: list[User]) -> None:
    title = _("新诉求待受理：%(number)s %(title)s") % {"number": case.number, "title": case.title}
    _send(
        case,
        recipients,
        kind="case_filed",
        title=title,
        body=case.text,
        urgent=case.urgency != Urgency.NORMAL,
        key=f"case:{case.pk}:filed",
        exclude=case.filed_by_id,
        new_key=True,  # the case was created in this very transaction
        addressable=True,  # filed_recipients
    )


def case_event(case: Case, event: CaseEvent, *, public_text: str) -> None:
    """Tell the other side: the enterprise of public steps, the departments of their work."""
    key = f"case:{case.pk}:event:{event.pk}"
    actor_id = event.actor_id
    label = f"{case.number} {case.title}"
    if (
        event.public
        and event.action in PLAIN
        and not (event.action == "message" and event.actor_role == Role.ENTERPRISE)
    ):
        _send(
            case,
            _active(_enterprise_users(case)),
            kind=f"case_{event.action}",
            title=f"{PLAIN[event.action]}：{case.title}",
            body=public_text or event.text,
            urgent=event.action in ENTERPRISE_URGENT,
            key=key,
            exclude=actor_id,
        )
    staff = _staff_recipients(case, event)
    if staff is not None:
        _send(
            case,
            _active(staff),
            kind=f"case_{event.action}",
            title=f"{_action_title(event.action)}：{label}",
            body=event.text,
            urgent=case.urgency != Urgency.NORMAL or case.supervised,
            key=key + ":staff",
            exclude=actor_id,
        )


def _staff_recipients(case: Case, event: CaseEvent) -> Q | None:
    action = event.action
    followers = Q(pk__in=Follower.objects.filter(case=case).values("user_id"))
    liaison = (Q(pk=case.liaison_id) if case.liaison_id else Q(pk__in=[])) | followers
    if action == "dispatch":
        assist = CasePart.objects.filter(case=case, active=True).values("department_id")
        return _lead_workers(case) | Q(role=Role.HANDLER, department_id__in=assist) | liaison
    if action in ("return", "request_extension"):
        return _department(case.lead_department_id, Role.DEPT_HEAD)
    if action in ("approve_return",):
        return _desk()
    if action in ("approve_extension", "deny_extension", "deny_return", "assign", "provide_info", "assist_reply"):
        return _lead_workers(case)
    if action == "supervise":
        return _lead_workers(case) | _department(case.lead_department_id, Role.DEPT_HEAD)
    if action == "message" and event.actor_role == Role.ENTERPRISE:
        return (_lead_workers(case) if case.lead_department_id else _desk()) | liaison
    if action == "rate" and event.data.get("reopened"):
        return _lead_workers(case) | _department(case.lead_department_id, Role.DEPT_HEAD) | _desk() | liaison
    if action in ("resolve", "answer", "reject", "withdraw"):
        return liaison | (_desk() if action == "withdraw" else Q(pk__in=[]))
    return None


def _action_title(action: str) -> str:
    titles = {
        "dispatch": _("新派单待签收"),
        "return": _("退单待审批"),
        "request_extension": _("延期申请待审批"),
        "approve_return": _("退单已同意，请重新派单"),
        "approve_extension": _("延期申请已同意"),
        "deny_extension": _("延期申请未同意"),
        "deny_return": _("退单申请未同意"),
        "assign": _("新分办诉求"),
        "provide_info": _("企业已补充材料"),
        "assist_reply": _("协办部门已答复"),
        "supervise": _("督办"),
        "message": _("企业留言"),
        "rate": _("企业不满意，已重办"),
        "resolve": _("诉求已办结"),
        "answer": _("诉求已直接答复"),
        "reject": _("诉求不予受理"),
        "withdraw": _("企业已撤回诉求"),
    }
    return titles.get(action, action)
