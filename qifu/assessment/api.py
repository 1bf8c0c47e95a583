"""/api/v1/metrics/assessment: the assessment (PRODUCT.md §2.2 考核). Operations only."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from qifu.api import actor_of
from qifu.assessment.periods import period_parse
from qifu.assessment.schemas import AssessmentOut, AssessmentQuery, assessment_out
from qifu.assessment.selectors import assessment_access, assessment_report
from qifu.core.schemas import errors

router = Router(tags=["metrics"])

DESCRIPTION = (
    "Over the cases filed in the period (Beijing dates of `submitted_at`) that received a valid rating "
    "or call-back: 响应率, 解决率, 满意率 = (满意 + w × 基本满意) / valid and the weighted composite; also "
    "及时签收率, 按时办结率 (open cases past their deadline count as late), 回退率, 重办率 and the average "
    "handling time in working days. Rates are numbers 0-1 rounded to 4 places, null when nothing to divide "
    "by. `red`/`black`: the top and bottom 3 departments by composite; `unranked`: fewer valid cases than "
    "`min_cases`. `rows` come best composite first, `limit` (at most 200) at a time; `count` says how many "
    "there are. Desk and leaders see every row; a department head their department's row, a liaison "
    "their own, both with the names on the lists only. Errors: 404 `not_found` for other roles; 422 "
    "`assessment_bad_period` (bad month, range or both given) or `assessment_bad_by`."
)


@router.get(
    "/assessment",
    response={200: AssessmentOut, **errors(404)},
    summary="Assessment per department or liaison, with the 红黑榜",
    description=DESCRIPTION,
)
def get_assessment(request: HttpRequest, q: Query[AssessmentQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    assessment_access(actor)  # first: other roles get 404 whatever the parameters
    period = period_parse(period=q.period, since=q.since, until=q.until)
    report = assessment_report(actor=actor, period=period, by=q.by, limit=q.limit, offset=q.offset)
    return assessment_out(report)
