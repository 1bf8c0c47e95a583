"""The case pages' words (UX.md §3, "Words"): action names and timeline lines in plain Chinese.

Pure functions over loaded rows, no queries. The enterprise never reads an internal code: every
action, state and rating value is turned into its label here, and staff are named by department
(the person's name is for staff eyes only).
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from qifu.accounts.roles import Role
from qifu.cases.models import CaseEvent, Satisfaction, Solved

ACTION_LABELS: dict[str, Any] = {
    "accept": gettext_lazy("受理"),
    "reject": pgettext_lazy("case action", "不予受理"),
    "answer": gettext_lazy("直接答复"),
    "dispatch": gettext_lazy("分办"),
    "assign": gettext_lazy("指派承办人"),
    "sign": gettext_lazy("签收"),
    "return": gettext_lazy("退单"),
    "approve_return": gettext_lazy("同意退单"),
    "deny_return": gettext_lazy("不同意退单"),
    "progress": gettext_lazy("办理进展"),
    "request_info": gettext_lazy("请企业补充材料"),
    "provide_info": gettext_lazy("补充材料"),
    "request_extension": gettext_lazy("申请延期"),
    "approve_extension": gettext_lazy("同意延期"),
    "deny_extension": gettext_lazy("不同意延期"),
    "resolve": gettext_lazy("办结答复"),
    "rate": gettext_lazy("评价"),
    "close": gettext_lazy("关闭"),
    "merge": gettext_lazy("合并重复诉求"),  # qifu.commons: the kept case
    "merged": gettext_lazy("已合并到其他诉求办理"),  # qifu.commons: the closed duplicate
    "supervise": pgettext_lazy("case action", "督办"),
    "withdraw": gettext_lazy("撤回诉求"),
    "message": gettext_lazy("留言"),
    "follow": gettext_lazy("关注"),
    "assist_sign": gettext_lazy("协办签收"),
    "assist_reply": gettext_lazy("提交协办意见"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _choice_label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _rate_line(event: CaseEvent) -> str:
    data = event.data or {}
    line = _("评价：%(solved)s，%(satisfaction)s") % {
        "solved": _choice_label(Solved, str(data.get("solved", ""))),
        "satisfaction": _choice_label(Satisfaction, str(data.get("satisfaction", ""))),
    }
    if data.get("reopened"):
        line += _("（不满意，已退回重办）")
    return line


def event_line(event: CaseEvent) -> str:
    """What happened, in one short Chinese sentence (the event's free text is shown under it)."""
    action, data = event.action, event.data or {}
    if action == "file":
        return _("提交了诉求")
    if action == "dispatch":
        lead, *assist = event.text.split("、")
        if assist:
            return _("转交%(dept)s办理，%(assist)s协办") % {"dept": lead, "assist": "、".join(assist)}
        return _("转交%(dept)s办理") % {"dept": lead}
    if action == "return":
        return _("退回服务专班重新分办") if data.get("approved") else _("申请退单")
    if action == "request_extension":
        return _("申请延期%(n)s个工作日") % {"n": data.get("days", "")}
    if action == "approve_extension":
        return _("同意延期%(n)s个工作日") % {"n": data.get("days", "")}
    if action == "provide_info":
        return _("补充了材料")
    if action == "rate":
        return _rate_line(event)
    if action == "assign":
        return _("指派承办人：%(name)s") % {"name": event.text}
    if action.startswith("sla_"):
        return _("系统提醒")
    return action_label(action)


def event_body(event: CaseEvent) -> str:
    """The free text shown under the line (a reason, an answer, a message); none where the line says it all."""
    if event.action in ("dispatch", "assign", "sign", "accept", "follow", "assist_sign", "file"):
        return ""
    return event.text


def pause_note(event: CaseEvent) -> str:
    """'办理时限暂停N个工作日' on the enterprise's answer to an information request."""
    days = (event.data or {}).get("paused_workdays")
    if event.action != "provide_info" or not days:
        return ""
    return ngettext("办理时限暂停%(n)s个工作日", "办理时限暂停%(n)s个工作日", int(days)) % {"n": days}


def event_who(event: CaseEvent, *, enterprise_view: bool) -> str:
    """Who acted: the department for staff (and the person's name for staff readers), the
    enterprise for its own users, 系统 for the deadline job."""
    user = event.actor
    if user is None:
        return _("系统")
    if event.actor_role == Role.ENTERPRISE:
        return _("我方") if enterprise_view else _("企业 · %(name)s") % {"name": user.display_name or user.username}
    dept = event.department.name if event.department_id and event.department else ""
    if event.actor_role == Role.DESK and not dept:
        dept = _("服务专班")
    if enterprise_view:
        return dept or _("服务专班")
    name = user.display_name or user.username
    return f"{dept} · {name}" if dept else name
