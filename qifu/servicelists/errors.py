"""Stable error codes of the service lists (STYLE.md §6.2.5). Tests assert these, not the wording."""

from enum import StrEnum


class ListErrorCode(StrEnum):
    RULE_INVALID = "list_rule_invalid"  # 422: the rule's conditions or settings are bad (data["faults"])
    RULE_EDIT_FORBIDDEN = "list_rule_edit_forbidden"  # 403: only the service desk edits the rules
    OVERRIDE_FORBIDDEN = "list_override_forbidden"  # 403: only the desk and the economic department adjust
    EVALUATE_FORBIDDEN = "list_evaluate_forbidden"  # 403: only the service desk runs an evaluation
    OVERRIDE_OPEN = "list_override_open"  # 409: the enterprise already has an open override on this list
    OVERRIDE_MISSING = "list_override_missing"  # 404: no open override to withdraw
    REASON_REQUIRED = "list_reason_required"  # 422: an override needs a reason
    BAD_MONTH = "list_bad_month"  # 422: a month that is not YYYY-MM, or in the future
