"""Policy objects for the API, command, import and notice tests (formats.md "Policies").

The cast's enterprises A, B and C are all 规上 (above_scale), founded 2012-05-01, with industry
codes C3985 (A), C3484 (B) and C2761 (C): `ELECTRONICS` fits only A."""

from typing import Any

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.policies.models import Policy
from qifu.policies.services import policy_save

ELECTRONICS: dict[str, Any] = {
    "all": [
        {"field": "above_scale", "op": "is", "value": True},
        {"field": "industry", "op": "prefix", "value": ["C39", "C40"]},
    ]
}
ABOVE_SCALE: dict[str, Any] = {"field": "above_scale", "op": "is", "value": True}


def policy_data(code: str = "KS-2026-HT-01", **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "title": "高新技术企业首次认定奖励",
        "category": "innovation",
        "department": "KJJ",
        "document_no": "昆高新〔2026〕12号",
        "valid_from": "2026-01-01",
        "valid_to": "2030-12-31",
        "benefit": "一次性奖励30万元",
        "auto_grant": False,
        "summary": "首次认定的高新技术企业给予奖励。",
        "conditions": ELECTRONICS,
    }
    data.update(over)
    return data


def given_policy(user: User, code: str = "KS-2026-HT-01", **over: Any) -> Policy:
    """A policy written through the real service (published unless `status="draft"`)."""
    return policy_save(actor=Actor.of(user), data=policy_data(code, **over))
