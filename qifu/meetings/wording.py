"""The pages' confirmation words, in one place (the services' refusals carry their own messages)."""

from django.utils.translation import gettext as _


def done(key: str, **params: object) -> str:
    words = {
        "meeting_create": _("会议已安排。"),
        "meeting_update": _("会议安排已修改。"),
        "meeting_cancel": _("会议已取消。"),
        "meeting_invite": _("已邀请%(n)s家企业。"),
        "meeting_respond": _("已登记回复。"),
        "meeting_item_add": _("已列入议程。"),
        "meeting_item_outcome": _("议定结果已登记。"),
        "meeting_decide": _("会议决定已转为诉求%(number)s，并已派单。"),
        "meeting_minutes": _("会议纪要已保存。"),
        "case_not_found": _("没有找到诉求“%(ref)s”，请输入诉求编号。"),
        "outcome_missing": _("请选择议定结果。"),
        "event_create": _("活动已发布。"),
        "event_invite": _("已邀请%(n)s家企业。"),
        "event_register": _("报名成功。"),
        "event_cancel": _("已取消报名。"),
        "event_attendance": _("签到已登记。"),
    }
    text = words.get(key, _("已保存。"))
    try:
        return text % params if params else text.replace("%%", "%")
    except (KeyError, TypeError, ValueError):
        return text
