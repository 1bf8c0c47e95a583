"""Small helpers for management commands."""

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def iso_moment(text: str) -> datetime:
    """`--now 2026-12-01T09:00+08:00` (or without offset: the current time zone, Beijing)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--now: not an ISO date-time: {text!r}") from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
