"""Stable error codes of the indicators package (STYLE.md §6.2.5)."""

from enum import StrEnum


class IndicatorErrorCode(StrEnum):
    EDIT_FORBIDDEN = "indicator_edit_forbidden"  # 403: the caller writes no indicators at all
    ROWS_INVALID = "indicator_rows_invalid"  # 422: rows refused, `errors` lists each (index, field, code)
    UNKNOWN_ENTERPRISE = "indicator_unknown_enterprise"  # a row's USCC: not in the registry, or not yours
    UNKNOWN_PROJECT = "indicator_unknown_project"  # a row's project code: not registered, or not yours
    FUTURE_MONTH = "indicator_future_month"  # a month after the current one
    DUPLICATE_ROW = "indicator_duplicate_row"  # the same (key, month) twice in one request or file
    INVALID = "indicator_invalid"  # a value the model refuses (a rule the shape check missed)
