"""The cockpit's chart data (ECharts through json_script): the figures as JSON and the words of
the charts, translated here so the script holds no words."""

from typing import Any

from django.utils.translation import gettext as _


def chart_data(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "names": {
            "cases": _("诉求件数"),
            "filed": _("提出"),
            "done": _("其中已办结"),
            "overdue": _("超期在办"),
            "supervised": _("督办在办"),
            "coverage": _("走访覆盖率（%）"),
            "members": _("企业数"),
            "entered": _("本月新进"),
            "left": _("本月退出"),
            "counted": _("计入额度的接触次数"),
            "budget": _("每月额度"),
            "projects": _("项目数"),
            "rates": [_("响应率"), _("解决率"), _("满意率"), _("综合得分")],
            "rate": _("比率（%）"),
            "late": _("滞后"),
            "at_risk": _("有风险"),
            "on_schedule": _("正常"),
        },
        "f": figures,
    }
