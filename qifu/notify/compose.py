"""The words of an outgoing message: one notification, or a digest of several (无事不扰)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from qifu.notify.models import Channel, Notification

SMS_MAX_CHARS = 300


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


def compose(channel: str, notifications: Sequence[Notification]) -> Message:
    """E-mail and WeCom carry every title and body; SMS carries the titles only (it is paid per 70
    characters and read on a phone); every message ends by pointing to the inbox."""
    if not notifications:
        raise ValueError("nothing to compose")
    footer = _("请登录企服查看详情。")
    if channel == Channel.SMS:
        if len(notifications) == 1:
            return Message(subject=_("【企服】%(title)s") % {"title": notifications[0].title}, text=footer)
        titles = "；".join(n.title for n in notifications)
        summary = _("【企服】您有%(n)d条新通知：%(titles)s") % {"n": len(notifications), "titles": titles}
        if len(summary) > SMS_MAX_CHARS:
            summary = summary[: SMS_MAX_CHARS - 1] + "…"
        return Message(subject=summary, text=footer)
    if len(notifications) == 1:
        only = notifications[0]
        text = f"{only.body}\n\n{footer}" if only.body else footer
        return Message(subject=only.title, text=text)
    items = [
        f"{number}. {n.title}\n{n.body}" if n.body else f"{number}. {n.title}"
        for number, n in enumerate(notifications, start=1)
    ]
    subject = _("您有%(n)d条新通知") % {"n": len(notifications)}
    return Message(subject=subject, text="\n\n".join([*items, footer]))
