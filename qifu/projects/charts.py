"""Chart data for the project pages (ECharts through json_script; names translated here so the
script holds no words). Plain dicts of numbers and strings: they are serialised as JSON."""

from typing import Any

from django.utils.translation import gettext as _

from qifu.projects.models import Project
from qifu.projects.progress import BoardSummary, project_investment_months


def board_chart(summary: BoardSummary) -> dict[str, Any]:
    """Counts by status and by park (家), and this year's investment against the plan by park (万元)."""
    parks = summary.parks
    return {
        "names": {
            "late": _("滞后"),
            "at_risk": _("有风险"),
            "on_schedule": _("正常"),
            "count": _("项目数（个）"),
            "money": _("万元"),
            "plan": _("年度计划投资"),
            "prorata": _("按时间进度应完成"),
            "ytd": _("本年完成投资"),
            "none": _("未填园区"),
        },
        "counts": summary.counts,
        "parks": [p.park for p in parks],
        "late": [p.late for p in parks],
        "at_risk": [p.at_risk for p in parks],
        "on_schedule": [p.on_schedule for p in parks],
        "plan": [float(p.annual_planned) for p in parks],
        "prorata": [round(float(p.annual_planned * summary.elapsed), 2) for p in parks],
        "ytd": [float(p.ytd_invested) for p in parks],
    }


def project_chart(project: Project) -> dict[str, Any]:
    """The project page: monthly investment (bars), this year's running total and the pro-rata plan."""
    return {
        "names": {
            "invested": _("当月完成投资"),
            "ytd": _("本年累计完成"),
            "plan": _("年度计划（按月分摊）"),
            "money": _("万元"),
        },
        **project_investment_months(project=project),
    }
