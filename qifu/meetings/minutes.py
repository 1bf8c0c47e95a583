"""The minutes as a Word document (会议纪要, PRODUCT.md §2.7): title, date, place, attendees
(departments and enterprises), the agenda with the outcome per case, the decisions with their
department and deadline, then the minutes text. Built from the actor's `MeetingPage`, so it holds
exactly what the actor may see."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt

from qifu.cases.deadlines import cn_date
from qifu.meetings.models import MeetingItem, Outcome
from qifu.meetings.selectors import MeetingPage

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def outcome_text(item: MeetingItem) -> str:
    """现场解决：…; 明确责任限时办结：科创局，5个工作日内（3月12日前）办结; 需政策研究."""
    label = str(item.get_outcome_display())
    if item.outcome == Outcome.ASSIGNED:
        return _("%(label)s：%(dept)s，%(days)s个工作日内（%(due)s前）办结") % {
            "label": label,
            "dept": item.department.name if item.department else "",
            "days": item.deadline_days,
            "due": cn_date(item.due_on),
        }
    return f"{label}：{item.note}" if item.note else label


def minutes_docx(page: MeetingPage) -> bytes:
    meeting = page.meeting
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    doc.add_heading(_("%(title)s会议纪要") % {"title": meeting.title}, level=0)
    start = timezone.localtime(meeting.starts_at)
    doc.add_paragraph(_("会议类型：%(k)s") % {"k": meeting.get_kind_display()})
    doc.add_paragraph(
        _("时间：%(y)d年%(m)d月%(d)d日 %(t)s")
        % {"y": start.year, "m": start.month, "d": start.day, "t": start.strftime("%H:%M")}
    )
    doc.add_paragraph(_("地点：%(p)s") % {"p": meeting.place})
    doc.add_paragraph(_("牵头部门：%(d)s") % {"d": meeting.host_department.name})

    doc.add_heading(_("参会单位"), level=1)
    doc.add_paragraph(_("部门：%(list)s") % {"list": "、".join(page.departments) or "—"})
    names = [i.enterprise.name for i in page.invites if i.state != "declined"]
    doc.add_paragraph(_("企业：%(list)s") % {"list": "、".join(names) or "—"})

    doc.add_heading(_("议程与议定结果"), level=1)
    if page.items:
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, (_("序号"), _("企业"), _("诉求"), _("议定结果")), strict=True):
            cell.text = text
        for n, item in enumerate(page.items, start=1):
            row = table.add_row().cells
            row[0].text = str(n)
            row[1].text = item.enterprise.name
            row[2].text = f"{item.case.number} {item.case.title}"
            row[3].text = outcome_text(item)
    else:
        doc.add_paragraph(_("（无）"))

    doc.add_heading(_("会议决定"), level=1)
    if page.decisions:
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        headers = (_("序号"), _("企业"), _("决定事项"), _("责任部门"), _("办结时限"))
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = text
        for n, decision in enumerate(page.decisions, start=1):
            row = table.add_row().cells
            row[0].text = str(n)
            row[1].text = decision.enterprise.name
            row[2].text = decision.text + (f"（{decision.case.number}）" if decision.case else "")
            row[3].text = decision.department.name
            row[4].text = _("%(days)s个工作日（%(due)s前）") % {
                "days": decision.deadline_days,
                "due": cn_date(decision.due_on),
            }
    else:
        doc.add_paragraph(_("（无）"))

    doc.add_heading(_("纪要"), level=1)
    for line in (meeting.minutes or _("（未填写）")).splitlines():
        doc.add_paragraph(line)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def minutes_filename(page: MeetingPage) -> str:
    day = timezone.localtime(page.meeting.starts_at).strftime("%Y%m%d")
    return f"meeting-{page.meeting.pk}-{day}.docx"
