from enum import StrEnum


class SearchErrorCode(StrEnum):
    UNKNOWN_TYPE = "search_unknown_type"
