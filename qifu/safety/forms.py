"""Shape parsing for the safety pages (the rules are in the services)."""

from collections.abc import Iterable

from django.http import QueryDict

from qifu.safety.selectors import RectFilters
from qifu.safety.services import ResultIn


def _int_or_none(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 5 else None


def results_from_post(post: QueryDict, item_ids: Iterable[int]) -> list[ResultIn]:
    """The fill page posts `outcome_<item>`, `note_<item>`, `rectify_<item>`, `days_<item>` per line;
    unanswered lines are left out (the service then says which are missing)."""
    rows = []
    for pk in item_ids:
        outcome = post.get(f"outcome_{pk}", "")
        if not outcome:
            continue
        rows.append(
            ResultIn(
                item_id=pk,
                outcome=outcome,
                note=post.get(f"note_{pk}", ""),
                rectify=post.get(f"rectify_{pk}", "") == "1",
                days=_int_or_none(post.get(f"days_{pk}")),
                hazard=post.get(f"hazard_{pk}", ""),
            )
        )
    return rows


def rect_filters(query: QueryDict) -> RectFilters:
    overdue = {"1": True, "0": False}.get(query.get("overdue", ""))
    return RectFilters(
        state=query.get("state", ""),
        severity=query.get("severity", "") if query.get("severity") in ("general", "major") else "",
        overdue=overdue,
        enterprise=query.get("enterprise", "").strip()[:18],
    )
