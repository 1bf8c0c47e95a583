"""Error codes of the cockpit (stable; tests assert them)."""

from enum import StrEnum


class CockpitErrorCode(StrEnum):
    BAD_MONTH = "cockpit_bad_month"
    BAD_SECTION = "cockpit_bad_section"
