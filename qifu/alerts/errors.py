"""Stable error codes of the early warnings (STYLE.md §6.2.5). Tests assert these, not the wording."""

from enum import StrEnum


class AlertErrorCode(StrEnum):
    ILLEGAL_TRANSITION = "alert_illegal_transition"  # 409: the alert is no longer open (done or dismissed)
    ACTION_FORBIDDEN = "alert_action_forbidden"  # 403: only its liaison (or one who sees it) and the desk act
    NOTE_REQUIRED = "alert_note_required"  # 422: dismissing needs a reason
    BAD_ACTION = "alert_bad_action"  # 422: an action other than done / dismiss
    BAD_FILTER = "alert_bad_filter"  # 422: an unknown kind or state in a filter
    RULES_FORBIDDEN = "alert_rules_forbidden"  # 403: only the service desk edits the alarm thresholds
    RULES_INVALID = "alert_rules_invalid"  # 422: an alarm rule names an unknown field, comparison or bad threshold
