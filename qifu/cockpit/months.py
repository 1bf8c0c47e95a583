"""The cockpit's month: `YYYY-MM` (Asia/Shanghai), the current month by default."""

import re
from datetime import date

from django.utils import timezone

from qifu.cockpit.errors import CockpitErrorCode
from qifu.core.errors import RuleViolation

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2099


def month_parse(text: str | None, *, today: date | None = None) -> date:
    """`2026-11` → date(2026, 11, 1); empty → the current month; anything else is RuleViolation
    `cockpit_bad_month` (422), so a typo is never silently another month."""
    value = (text or "").strip()
    if not value:
        return (today or timezone.localdate()).replace(day=1)
    match = MONTH.match(value)
    if not match or not 1 <= int(match[2]) <= 12 or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise RuleViolation(
            f"month must be YYYY-MM between {FIRST_YEAR} and {LAST_YEAR}, not {value!r}",
            code=CockpitErrorCode.BAD_MONTH,
            data={"field": "month"},
        )
    return date(int(match[1]), int(match[2]), 1)
