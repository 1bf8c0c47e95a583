"""Error codes of the assessment (stable; tests assert them)."""

from enum import StrEnum


class AssessmentErrorCode(StrEnum):
    BAD_PERIOD = "assessment_bad_period"
    BAD_BY = "assessment_bad_by"
