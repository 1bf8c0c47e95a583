"""Stable error codes of the knowledge base (STYLE.md §6.2.5). Tests assert these, not the wording."""

from enum import StrEnum


class KnowledgeErrorCode(StrEnum):
    FORBIDDEN = "knowledge_forbidden"  # 403: only staff of the owning department (or the desk) write an entry
    INVALID = "knowledge_invalid"  # 422: empty title or answer, too long, unknown category or department
    BAD_FILTER = "knowledge_bad_filter"  # 422: an unknown category, department or state in a filter
    SAVE_BACK_REFUSED = "knowledge_save_back_refused"  # 409: the case is not answered (resolved/closed) or not yours
