"""A digest of the seeded rows' key fields: two runs with the same seed must give the same digest.

Ids, timestamps and ciphertexts (random nonces; keys differ between data directories) are left out;
everything a person would see is in, with liaisons and owners by username and USCC.
"""

import hashlib
from collections.abc import Iterable
from typing import Any

from qifu.accounts.models import User
from qifu.cases.models import Case, CaseEvent, CaseSequence
from qifu.enterprises.models import Enterprise
from qifu.linkage.models import Linkage, TaskForce, TaskForceMember
from qifu.projects.models import Milestone, Project


def _feed(digest: "hashlib._Hash", label: str, rows: Iterable[Any]) -> None:
    digest.update(label.encode())
    for row in rows:
        digest.update(repr(row).encode())


def seed_digest() -> str:
    d = hashlib.sha256()
    _feed(
        d,
        "enterprises",
        Enterprise.objects.order_by("uscc")
        .values_list(
            "uscc",
            "name",
            "industry",
            "park",
            "address",
            "founded_on",
            "registered_capital",
            "ownership",
            "above_scale",
            "high_tech",
            "specialized",
            "listed",
            "employees",
            "revenue_last_year",
            "tax_last_year",
            "output_last_year",
            "rd_last_year",
            "tags",
            "status",
            "primary_liaison__username",
        )
        .iterator(chunk_size=5000),
    )
    _feed(
        d,
        "users",
        User.objects.order_by("username")
        .values_list(
            "username",
            "role",
            "display_name",
            "department__code",
            "enterprise__uscc",
            "is_staff",
            "is_active",
            "staff__position",
            "staff__office_phone",
        )
        .iterator(chunk_size=5000),
    )
    _feed(
        d,
        "projects",
        Project.objects.order_by("code")
        .values_list(
            "code",
            "name",
            "enterprise__uscc",
            "industrial",
            "major",
            "status",
            "park",
            "total_investment",
            "annual_planned",
            "completed_investment",
            "primary_liaison__username",
        )
        .iterator(chunk_size=5000),
    )
    _feed(
        d,
        "milestones",
        Milestone.objects.order_by("project__code", "seq")
        .values_list(
            "project__code",
            "kind",
            "seq",
            "planned_on",
            "actual_on",
            "note",
        )
        .iterator(chunk_size=5000),
    )
    _feed(
        d,
        "linkages",
        Linkage.objects.order_by("enterprise__uscc", "project__code", "role", "started_on", "liaison__username")
        .values_list(
            "enterprise__uscc",
            "project__code",
            "liaison__username",
            "role",
            "started_on",
            "ended_on",
            "reason",
            "assigned_by__username",
        )
        .iterator(chunk_size=5000),
    )
    _feed(
        d,
        "task_forces",
        TaskForce.objects.order_by("name", "enterprise__uscc").values_list(
            "name",
            "enterprise__uscc",
            "project__code",
            "lead__username",
            "goal",
            "active",
        ),
    )
    _feed(
        d,
        "task_force_members",
        TaskForceMember.objects.order_by("task_force__name", "user__username").values_list(
            "task_force__name",
            "enterprise__uscc",
            "user__username",
            "duty",
        ),
    )
    _feed(
        d,
        "cases",
        Case.objects.order_by("number")
        .values_list(
            "number",
            "enterprise__uscc",
            "category__code",
            "kind",
            "urgency",
            "channel",
            "title",
            "text",
            "state",
            "lead_department__code",
            "handler__username",
            "liaison__username",
            "filed_by__username",
            "green_channel",
            "supervised",
            "overdue",
            "paused",
            "submitted_at",
            "resolved_at",
            "respond_by",
            "sign_by",
            "resolve_by",
            "remind_on",
            "responded_on_time",
            "signed_on_time",
            "resolved_on_time",
            "handling_days",
            "return_count",
            "reopen_count",
            "solved",
            "satisfaction",
            "rated_at",
        )
        .iterator(chunk_size=5000),
    )
    _feed(
        d,
        "case_events",
        CaseEvent.objects.order_by("case__number", "at", "id")
        .values_list("case__number", "at", "actor__username", "action", "from_state", "to_state", "public", "text")
        .iterator(chunk_size=5000),
    )
    _feed(d, "case_sequence", CaseSequence.objects.order_by("year").values_list("year", "last"))
    return d.hexdigest()
