"""Visit writes (PRODUCT.md §2.4). Signatures first; bodies follow in the next commit."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from qifu.access.actor import Actor
from qifu.enterprises.models import Enterprise
from qifu.projects.models import Project
from qifu.visits.models import PlannedVisit, QuietPeriod, ServicePreference, Visit


def visit_log(
    *,
    actor: Actor,
    enterprise: Enterprise,
    visited_at: datetime,
    kind: str,
    participant_ids: Sequence[int] = (),
    project: Project | None = None,
    requested: bool = False,
    location: tuple[Any, Any, Any] | dict[str, Any] | None = None,
    learnt: dict[str, str] | None = None,
    notes: str = "",
    suggestions: str = "",
    problems: Sequence[dict[str, Any]] = (),
    photos: Sequence[UploadedFile] = (),
    reason: str = "",
    planned: PlannedVisit | None = None,
    recheck_of: Visit | None = None,
) -> Visit:
    raise NotImplementedError


def visit_rate(*, actor: Actor, visit: Visit, feedback: str, comment: str = "") -> Visit:
    raise NotImplementedError


def preference_set(
    *, actor: Actor, enterprise: Enterprise, monthly_budget: int | None = None, preferred_channel: str | None = None
) -> ServicePreference:
    raise NotImplementedError


def quiet_period_add(
    *, actor: Actor, enterprise: Enterprise, starts_on: date, ends_on: date, note: str = ""
) -> QuietPeriod:
    raise NotImplementedError


def quiet_period_remove(*, actor: Actor, period: QuietPeriod) -> None:
    raise NotImplementedError


def planned_visit_create(*, actor: Actor, enterprise: Enterprise, planned_on: date, purpose: str = "") -> PlannedVisit:
    raise NotImplementedError


def planned_visits_merge(*, actor: Actor, ids: Sequence[int], planned_on: date | None = None) -> PlannedVisit:
    raise NotImplementedError
