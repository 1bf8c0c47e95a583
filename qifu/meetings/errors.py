"""Stable error codes of meetings and events (tests assert these, never the wording)."""

from enum import StrEnum


class MeetingErrorCode(StrEnum):
    FORBIDDEN = "meeting_forbidden"
    IN_PAST = "meeting_in_past"
    NOT_PLANNED = "meeting_not_planned"
    NOT_STARTED = "meeting_not_started"
    CANCELLED = "meeting_cancelled"
    NOT_INVITED = "enterprise_not_invited"
    ITEM_DUPLICATE = "item_duplicate"
    ITEM_DECIDED = "item_decided"
    CASE_FINAL = "case_final"
    DECISION_DESK_ONLY = "decision_desk_only"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID_CHOICE = "invalid_choice"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_DEPARTMENT = "unknown_department"


class EventErrorCode(StrEnum):
    FORBIDDEN = "event_forbidden"
    IN_PAST = "event_in_past"
    BAD_CLOSE = "event_bad_close"
    CANCELLED = "event_cancelled"
    CLOSED = "registration_closed"
    FULL = "event_full"
    ALREADY = "already_registered"
    NOT_REGISTERED = "not_registered"
    NOT_STARTED = "event_not_started"
    ENTERPRISE_ONLY = "registration_enterprise_only"
