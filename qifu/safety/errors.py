"""Stable error codes of the safety app (asserted by tests, listed in the API docs)."""

from enum import StrEnum


class SafetyErrorCode(StrEnum):
    NOT_SAFETY_VISIT = "not_safety_visit"
    NOT_ON_VISIT = "not_on_visit"
    NO_CHECKLIST = "no_checklist"
    UNKNOWN_ITEM = "unknown_item"
    DUPLICATE_ITEM = "duplicate_item"
    INCOMPLETE = "incomplete"
    INVALID_CHOICE = "invalid_choice"
    OUT_OF_RANGE = "out_of_range"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    RESULT_HAS_RECTIFICATION = "result_has_rectification"
    NOT_FAILED = "not_failed"
    RECTIFICATION_EXISTS = "rectification_exists"
    ACTION_NOT_ALLOWED = "action_not_allowed"
    INVALID_STATE = "invalid_state"
    NOT_A_RECHECK = "not_a_recheck"
    CASE_EXISTS = "case_exists"
