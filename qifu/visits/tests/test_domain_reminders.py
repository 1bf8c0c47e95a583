"""The month-end reminder: from N days before the end, once per liaison with due visits; the
nightly rollup job."""

from datetime import date

import pytest
from django.test import override_settings

from qifu.conftest import Cast
from qifu.notify.models import Notification
from qifu.visits import models as m
from qifu.visits.services import visit_reminders_send
from qifu.visits.tasks import coverage_nightly, coverage_nightly_run
from qifu.visits.tests.domain_helpers import at, backdate_links, log

pytestmark = pytest.mark.django_db


def test_reminders_once_to_liaisons_with_due_visits(cast: Cast) -> None:
    backdate_links()
    log(cast, visited_at=at(2026, 11, 3))  # liaison_a is done
    assert visit_reminders_send(today=date(2026, 11, 24)).sent == 0  # 6 days left: too early
    first = visit_reminders_send(today=date(2026, 11, 25))
    assert first.sent == 2  # liaison_b and the deputy
    assert set(Notification.objects.filter(kind="visit_reminder").values_list("recipient_id", flat=True)) == {
        cast.liaison_b.pk,
        cast.deputy.pk,
    }
    again = visit_reminders_send(today=date(2026, 11, 26))
    assert (again.sent, again.skipped) == (0, 2)
    assert Notification.objects.filter(kind="visit_reminder").count() == 2
    assert m.VisitReminder.objects.get(liaison=cast.deputy).due == 1


@override_settings(VISIT_REMINDER_DAYS=0)
def test_reminder_days_are_configurable(cast: Cast) -> None:
    backdate_links()
    assert visit_reminders_send(today=date(2026, 11, 29)).sent == 0
    assert visit_reminders_send(today=date(2026, 11, 30)).sent == 3


def test_nightly_job_builds_this_and_last_month(cast: Cast) -> None:
    backdate_links()
    assert coverage_nightly.call_local() >= 6  # three liaisons, two months (three on a month's last day)
    assert coverage_nightly_run(date(2026, 11, 30)) == 9
    assert set(m.CoverageTotal.objects.values_list("month", flat=True)) >= {
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
    }
