"""Stable error codes of the policies app (STYLE.md §6.2.5). Tests assert these, not the wording."""

from enum import StrEnum


class PolicyErrorCode(StrEnum):
    INVALID_POLICY = "invalid_policy"  # one or more fields or condition parts are bad (data["faults"])
    MALFORMED_JSON = "malformed_json"  # the file is not JSON, or not a list of objects
    DUPLICATE_CODE = "duplicate_policy_code"  # the same code twice in one file, or taken by another policy
    EDIT_FORBIDDEN = "policy_edit_forbidden"  # only the desk and the issuing department write policies (403)
    INVALID_STATE = "policy_invalid_state"  # e.g. publishing an expired policy (409)
    NOT_AUTO_GRANT = "policy_not_auto_grant"  # a grant list for a policy without 免申即享 (409)
    INTRODUCE_FORBIDDEN = "policy_introduce_forbidden"  # only staff record an introduction (403)
    GRANT_FORBIDDEN = "policy_grant_forbidden"  # only the desk and the issuing department review grants (403)
    GRANT_REVIEWED = "policy_grant_reviewed"  # the grant was already approved or rejected (409)
