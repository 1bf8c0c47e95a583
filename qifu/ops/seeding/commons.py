"""Demo common problems (issue 7 item 4): a few problems that several enterprises raise in their
own words, filed just after the seeded history (numbers follow the filing order) and accepted by
the desk, so that the desk's 共性问题线索 page shows real clusters. A fixed handful of rows whatever
the scale (18 cases and their two timeline events each): cheap at city scale too. The clusters
themselves are computed at the end of the seed for zones up to CLUSTER_IN_SEED open cases in the
period; a city leaves them to the nightly task or `qifu commons cluster`."""

import random
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Max
from django.utils import timezone

from qifu.cases.models import Case, CaseEvent, CaseSequence
from qifu.enterprises.models import Enterprise
from qifu.reference.models import Category
from qifu.workcal.calendar import zone_calendar

if TYPE_CHECKING:
    from qifu.ops.seeding.writer import Writer

CLUSTER_IN_SEED = 20_000

PROBLEMS: list[tuple[str, list[str]]] = [
    (
        "utilities",
        [
            "这个月厂区所在片区已经停电四次，每次都没有提前通知，生产线被迫停机，请协调供电公司排查线路。",
            "近期园区频繁跳闸停电，电压也不稳定，烧坏了两台变频器，希望供电部门尽快检修。",
            "片区供电很不稳定，白天经常短时停电，精密设备报警停机，恳请督促供电公司检修线路。",
            "我们和周边几家企业都遇到频繁停电，怀疑变电站负荷不足，请协调供电公司扩容改造线路。",
            "夜班生产时多次突然停电，冷库温度失控造成损失，请协调供电公司加强线路维护并提前告知停电计划。",
            "最近停电太频繁了，UPS也撑不住，能否协调供电公司给园区增加一路备用电源？",
        ],
    ),
    (
        "transport",
        [
            "货车白天限行后我们的原材料只能凌晨进厂，希望为园区企业统一办理货车通行证。",
            "交警在园区路口查处限行货车，我司送货车辆已被罚款两次，请帮忙办理货车通行证。",
            "限行政策调整后集装箱货车进出园区受限，出口订单交货受影响，请给予货车通行便利。",
            "请问园区企业的货车通行证如何申请？现在白天禁止货车通行，发货严重延误。",
            "货车限行时间太长，供应商重型货车只能夜间送货，仓储和人工成本上涨，请协调放宽限行。",
            "我们每天二十多车次成品发货，货车限行后只能绕行，希望开通企业货车专用通道或核发通行证。",
        ],
    ),
    (
        "policy",
        [
            "今年新招了十几名应届高校毕业生，想申请吸纳就业社保补贴，不清楚要准备哪些材料。",
            "去年申报的毕业生社保补贴至今没有到账，请帮忙查询审核进度。",
            "社保补贴申领系统一直提示单位信息不符，高校毕业生社保补贴申请提交不了，请帮忙解决。",
            "咨询吸纳高校毕业生就业的社保补贴：补贴标准多少，按月发还是一次性发放？",
            "招用的毕业生已缴满六个月社保，申请社保补贴被退回说材料不全，请明确需要补充什么。",
            "外地户籍的应届毕业生能不能申请吸纳就业社保补贴？申报入口在哪里？",
        ],
    ),
]

COMMON_CASES = sum(len(texts) for _category, texts in PROBLEMS)


def seed_commons(writer: "Writer") -> None:
    """Insert the demo cases (one phase of the writer's run)."""
    firms = sorted(writer.portal_uid)  # enterprise indexes with a portal user: they can rate
    categories = dict(Category.objects.filter(active=True).values_list("code", "id"))
    needed = max(len(texts) for _c, texts in PROBLEMS)
    if len(firms) < needed or not all(code in categories for code, _t in PROBLEMS):
        return
    started = writer._phase("common problems", sum(len(t) for _c, t in PROBLEMS))
    rng = random.Random(writer.seed * 7 + 11)  # noqa: S311 - demo data, not secrets
    cal = zone_calendar()
    tz = timezone.get_current_timezone()
    desk = writer.uid.get("desk")
    liaisons = dict(
        Enterprise.objects.filter(pk__in=[writer.enterprise_ids[i] for i in firms]).values_list(
            "pk", "primary_liaison_id"
        )
    )
    # Filed after every seeded case (numbers follow the filing order and the ids), a few minutes apart.
    latest = Case.objects.aggregate(top=Max("submitted_at"))["top"]
    start = latest or datetime.combine(writer.as_of, time(9), tzinfo=tz)
    planned: list[tuple[dict[str, Any], datetime, datetime]] = []
    order = [(code, text) for code, texts in PROBLEMS for text in texts]
    rng.shuffle(order)
    firms_of = {code: iter(rng.sample(firms, len(texts))) for code, texts in PROBLEMS}
    for k, (code, text) in enumerate(order, 1):
        firm = next(firms_of[code])
        filed = start + timedelta(minutes=7 * k)
        accepted = filed + timedelta(minutes=20)
        enterprise_id = writer.enterprise_ids[firm]
        row = {
            "enterprise_id": enterprise_id,
            "category_id": categories[code],
            "kind": "help",
            "urgency": "normal",
            "channel": "portal",
            "title": text[:30] + "…",
            "text": text,
            "state": "accepted",
            "liaison_id": liaisons.get(enterprise_id),
            "filed_by_id": writer.portal_uid[firm],
            "submitted_at": filed,
            "accepted_at": accepted,
            "first_response_at": accepted,
            "last_event_at": accepted,
            "respond_by": cal.add_workdays(timezone.localdate(filed), 1),
            "responded_on_time": True,
            "number": _next_number(filed),
        }
        planned.append((row, filed, accepted))
    ids = writer._insert(Case, [p[0] for p in planned])
    events = []
    for pk, (row, filed, accepted) in zip(ids, planned, strict=True):
        base = {"case_id": pk, "enterprise_id": row["enterprise_id"], "public": True, "text": "", "data": {}}
        events.append({**base, "at": filed, "actor_id": row["filed_by_id"], "actor_role": "enterprise",
                       "action": "file", "to_state": "submitted", "data": {"channel": "portal"}})  # fmt: skip
        events.append({**base, "at": accepted, "actor_id": desk, "actor_role": "desk", "action": "accept",
                       "from_state": "submitted", "to_state": "accepted"})  # fmt: skip
    writer._insert(CaseEvent, events, count=False)
    counts = writer.result.counts
    counts["cases"] = counts.get("cases", 0) + len(ids)
    counts["case_events"] = counts.get("case_events", 0) + len(events)
    counts["common_problem_cases"] = len(ids)
    by_state = writer.result.cases_by_state
    by_state["accepted"] = by_state.get("accepted", 0) + len(ids)
    writer._done("common problems", started)
    seed_clusters(writer)


def _next_number(filed: datetime) -> str:
    year = timezone.localtime(filed).year
    row = CaseSequence.objects.filter(year=year).first()
    last = (row.last if row else 0) + 1
    CaseSequence.objects.update_or_create(year=year, defaults={"last": last})
    return f"QF-{year}-{last:06d}"


def seed_clusters(writer: "Writer") -> None:
    """The first cluster snapshot, when the zone is small enough to compute it within the seed."""
    from qifu.cases.models import OPEN_STATES
    from qifu.commons.services import DEFAULT_DAYS, clusters_snapshot

    since = datetime.combine(
        writer.as_of - timedelta(days=DEFAULT_DAYS), time.min, tzinfo=timezone.get_current_timezone()
    )
    open_cases = Case.objects.filter(state__in=OPEN_STATES, submitted_at__gte=since).count()
    if open_cases > CLUSTER_IN_SEED:
        return  # left to the nightly task / `qifu commons cluster`
    started = writer._phase("clusters", open_cases)
    snapshot = clusters_snapshot(today=writer.as_of)
    writer.progress.advance(open_cases)
    writer.result.counts["clusters"] = len(snapshot.clusters)
    writer._done("clusters", started)
