"""`qifu seed` writes demo suggestions: deterministic, consistent with the services' rules, every
state present, and the demo accounts have some to look at."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.suggestions.models import Suggestion
from qifu.suggestions.selectors import department_queue, desk_queue, my_suggestions

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FIELDS = (
    "enterprise__uscc",
    "author__username",
    "source",
    "topic__code",
    "title",
    "state",
    "month",
    "department__code",
)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.DEMO_PASSWORD = None
    return tmp_path


def seed() -> None:
    call_command("seed", scale="small", seed=7, no_progress=True, stdout=StringIO())


def rows() -> list[tuple[object, ...]]:
    return list(Suggestion.objects.order_by("created_at", "pk").values_list(*FIELDS))


def test_the_seed_is_deterministic_and_consistent() -> None:
    with transaction.atomic():
        seed()
        first = rows()
        transaction.set_rollback(True)
    seed()
    assert rows() == first
    assert len(first) == 40  # small scale
    states = {r[5] for r in first}
    assert states == {"submitted", "assigned", "answered", "closed"}
    for s in Suggestion.objects.select_related("author"):
        assert s.month == timezone.localtime(s.created_at).date().replace(day=1)  # the Beijing month
        assert s.author.role == s.author_role
        if s.author_role == "enterprise":
            assert s.enterprise_id == s.author.enterprise_id and s.source == "portal"
        if s.state != "submitted":
            assert s.department_id and s.topic_id and s.assigned_at and s.assigned_at >= s.created_at
        if s.state in ("answered", "closed"):
            assert s.answer and s.answered_at and s.answered_by_id and s.assigned_at
            assert s.answered_at >= s.assigned_at


def test_the_demo_accounts_have_suggestions_in_their_queues() -> None:
    seed()

    def who(username: str) -> Actor:
        return Actor.of(User.objects.get(username=username))

    assert my_suggestions(actor=who("ent")).count() >= 6
    assert my_suggestions(actor=who("liaison")).count() >= 4
    assert desk_queue(actor=who("desk")).exists()
    answered_by_demo_handlers = Suggestion.objects.filter(answered_by__username__endswith="_handler").count()
    assert answered_by_demo_handlers > 0
    assigned = Suggestion.objects.filter(state="assigned").select_related("department").first()
    assert assigned is not None and assigned.department is not None
    handler = User.objects.filter(role="handler", department=assigned.department).order_by("pk").first()
    assert handler is not None and department_queue(actor=Actor.of(handler)).exists()
