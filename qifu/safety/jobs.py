"""The overdue job for rectifications (§2.4): the working day after a deadline, an owed
rectification is flagged overdue and the enterprise and its liaisons are told once.

Idempotent by construction: each notice first inserts its `RectificationNotice(rectification,
due)` row; the unique key lets exactly one run or worker win, and only the winner notifies. A
reopened rectification has a new deadline and so a new round. `qifu safety overdue --now …` and
the Huey periodic task call `overdue_run`.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.cases.deadlines import cn_date
from qifu.notify.services import notify
from qifu.safety.models import OWED_STATES, Rectification, RectificationEvent, RectificationNotice
from qifu.safety.services import owners
from qifu.workcal.calendar import zone_calendar

BATCH = 500


@dataclass
class OverdueResult:
    today: date
    flagged: int = 0


def overdue_run(*, now: datetime | None = None) -> OverdueResult:
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = OverdueResult(today=today)
    # "the working day after": on a non-working day the notice waits for the next working day
    if not zone_calendar().is_workday(today):
        return result
    sent = RectificationNotice.objects.filter(rectification=OuterRef("pk"), due=OuterRef("due"))
    candidates = Rectification.objects.filter(state__in=OWED_STATES, due__lt=today).filter(~Exists(sent))
    last = 0
    while True:
        ids = list(candidates.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return result
        for pk in ids:
            if _flag(pk, today=today, now=now):
                result.flagged += 1
        last = ids[-1]


@transaction.atomic
def _flag(rectification_id: int, *, today: date, now: datetime) -> bool:
    rect = Rectification.objects.select_for_update().filter(pk=rectification_id).first()
    if rect is None or rect.state not in OWED_STATES or rect.due >= today:
        return False
    try:
        with transaction.atomic():
            RectificationNotice.objects.create(
                rectification=rect, enterprise_id=rect.enterprise_id, due=rect.due, sent_at=now
            )
    except IntegrityError:
        return False  # another run or worker sent it
    rect.overdue = True
    rect.save(update_fields=["overdue", "updated_at"])
    text = _("隐患整改已超过期限（%(day)s），请尽快整改并报告。") % {"day": cn_date(rect.due)}
    RectificationEvent.objects.create(
        rectification=rect, enterprise_id=rect.enterprise_id, at=now, actor=None, action="overdue", text=text
    )
    notify(
        recipients=owners(rect.enterprise_id),
        kind="safety_overdue",
        title=_("隐患整改超期：%(hazard)s") % {"hazard": rect.hazard[:40]},
        body=text,
        url=f"/safety/rectifications/{rect.pk}/",
        urgent=True,
        enterprise_id=rect.enterprise_id,
        dedup_key=f"safety:overdue:{rect.pk}:{rect.due.isoformat()}",
    )
    return True
