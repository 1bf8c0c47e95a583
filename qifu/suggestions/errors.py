"""Stable error codes of the suggestions app (STYLE.md §6.2.5). Tests assert these, not the wording."""

from enum import StrEnum


class SuggestionErrorCode(StrEnum):
    REQUIRED = "required"  # a required field is empty (data["field"] names it)
    TOO_LONG = "too_long"  # a text is longer than its limit
    INVALID_CHOICE = "invalid_choice"  # e.g. an unknown source
    UNKNOWN_TOPIC = "unknown_topic"  # no active topic has this code
    UNKNOWN_DEPARTMENT = "unknown_department"  # no active department has this code
    SUBMIT_FORBIDDEN = "suggestion_submit_forbidden"  # the role does not file suggestions (403)
    ASSIGN_FORBIDDEN = "suggestion_assign_forbidden"  # only the service desk assigns (403)
    ANSWER_FORBIDDEN = "suggestion_answer_forbidden"  # only the assigned department or the desk answers (403)
    CLOSE_FORBIDDEN = "suggestion_close_forbidden"  # only the desk or the author closes (403)
    ALREADY_ANSWERED = "suggestion_already_answered"  # answered (or closed) already (409)
    INVALID_STATE = "suggestion_invalid_state"  # the state does not allow the step (409)
