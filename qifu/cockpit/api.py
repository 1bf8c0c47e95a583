"""/api/v1/cockpit: the leaders' cockpit figures (issue 6 item 7), the same as the page's."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from qifu.api import actor_of
from qifu.cockpit.figures import as_json, cockpit_access, cockpit_figures
from qifu.cockpit.months import month_parse
from qifu.cockpit.schemas import CockpitOut, CockpitQuery
from qifu.core.schemas import errors

router = Router(tags=["cockpit"])

DESCRIPTION = (
    "Every figure of the leaders' cockpit (驾驶舱) for one month (`month=YYYY-MM`, Beijing time; default the "
    "current month): cases filed in the month by category, lead department and state; the 12 months up to it "
    "(filed, and of those resolved or closed); the assessment's 响应率, 解决率, 满意率, composite and 红黑榜; the "
    "open backlog now (flagged overdue by the deadline job, supervised) per department; visit coverage per "
    "department and the 10 most-disturbed enterprises; the four service lists with the month's entries and "
    "exits; the most frequent common problems by industry section × category; project progress. Every item "
    "carries `url`, the page listing what it counts. Rates are numbers 0-1 (null: nothing to divide by). "
    "Leaders and the service desk only. Errors: 403 `permission_denied` for other roles; 422 "
    "`cockpit_bad_month`."
)


@router.get(
    "",
    response={200: CockpitOut, **errors()},
    summary="The leaders' cockpit figures for a month",
    description=DESCRIPTION,
)
def get_cockpit(request: HttpRequest, q: Query[CockpitQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    cockpit_access(actor)  # first: other roles get 403 whatever the parameters
    return as_json(cockpit_figures(actor=actor, month=month_parse(q.month)))
