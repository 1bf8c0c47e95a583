"""Stable error codes of triage (STYLE.md §6.2.5). Tests assert these, not the wording."""

from enum import StrEnum


class TriageErrorCode(StrEnum):
    FORBIDDEN = "triage_forbidden"  # 403: only the desk, department staff and leaders ask for suggestions
    EMPTY_TEXT = "triage_empty_text"  # 422: nothing to classify
    NO_HISTORY = "triage_no_history"  # 422: training needs closed cases with a category and lead department
