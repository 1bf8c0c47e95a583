"""visit_log: the happy path (participants, joint, contact, coverage credit, cases with channel
visit in the desk's intake, photos resized and stripped, plan done, suggestion) and every bad input
of the issue: a clear code, nothing written."""

import io
from datetime import date

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from qifu.access.actor import Actor
from qifu.cases.models import Channel
from qifu.cases.selectors_lists import intake_list
from qifu.conftest import Cast
from qifu.core.errors import NotFound, PermissionDenied, RuleViolation
from qifu.files.storage import storage_path
from qifu.suggestions.models import Suggestion
from qifu.visits import models as m
from qifu.visits.services import planned_visit_create, quiet_period_add, visit_rate
from qifu.visits.tests.domain_helpers import NOW, at, backdate_links, counts, jpeg_with_exif, log, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> Cast:
    backdate_links()
    return cast


def test_a_visit_writes_everything_in_one_go(world: Cast) -> None:
    cast = world
    visit = log(
        cast,
        participant_ids=[cast.kjj_handler.pk],
        problems=[{"text": "新厂房用电增容迟迟未批，影响投产。", "urgency": "urgent"}],
        photos=[photo()],
        suggestions="建议简化增容审批流程。",
        location={"latitude": "31.3890", "longitude": "120.9802", "accuracy_m": 12},
    )
    assert visit.joint  # JFJ (the liaison) and KJJ (the handler): two departments
    parts = {p.user_id: p.department_id for p in m.VisitParticipant.objects.filter(visit=visit)}
    assert parts == {
        cast.liaison_a.pk: cast.liaison_a.department_id,
        cast.kjj_handler.pk: cast.kjj_handler.department_id,
    }
    contact = m.Contact.objects.get(source="visit", source_id=visit.pk)
    assert (contact.on, contact.month, contact.counted) == (date(2026, 11, 10), date(2026, 11, 1), True)
    link = m.VisitCase.objects.select_related("case").get(visit=visit)
    assert link.case.channel == Channel.VISIT
    assert link.case in intake_list(actor=Actor.of(cast.desk))
    cell = m.CoverageCell.objects.get(month=date(2026, 11, 1), liaison=cast.liaison_a, enterprise=cast.a)
    assert cell.visited_on == date(2026, 11, 10)
    assert Suggestion.objects.filter(source="visit", source_id=visit.pk).exists()
    (stored,) = m.VisitPhoto.objects.filter(visit=visit)
    assert max(stored.width, stored.height) == 1600
    with Image.open(storage_path(stored.file.storage_name)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info


def test_a_liaison_not_linked_is_refused_unless_joint_with_the_liaison(world: Cast) -> None:
    cast = world
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        log(cast, who="liaison_b", enterprise=cast.a)
    assert exc.value.code == "not_linked"
    assert "挂钩" in exc.value.message
    assert counts() == before
    visit = log(cast, who="liaison_b", enterprise=cast.a, participant_ids=[cast.liaison_a.pk])
    assert visit.author_id == cast.liaison_b.pk


def test_department_staff_alone_are_refused_and_the_desk_may_log_any(world: Cast) -> None:
    cast = world
    with pytest.raises(RuleViolation) as exc:
        log(cast, who="jfj_handler", enterprise=cast.b)
    assert exc.value.code == "not_linked"
    assert log(cast, who="desk", enterprise=cast.b).pk
    with pytest.raises(PermissionDenied):
        log(cast, who="ent_a")


def test_link_must_be_open_on_the_visit_date(world: Cast) -> None:
    cast = world
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        log(cast, visited_at=at(2024, 12, 31))  # before the link started
    assert exc.value.code == "not_linked"
    assert counts() == before


def test_a_future_visit_is_refused(world: Cast) -> None:
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        log(world, visited_at=at(2026, 11, 21))
    assert exc.value.code == "visit_in_future"
    assert counts() == before


@pytest.mark.parametrize(
    "name,data",
    [
        ("photo.jpg", b"%PDF-1.7 not a photo at all"),
        ("photo.png", b"MZ\x90\x00 an executable"),
        ("photo.jpg", b""),
        ("photo.gif", b"GIF89a broken"),
    ],
)
def test_a_photo_that_is_not_an_image_is_refused(world: Cast, name: str, data: bytes) -> None:
    cast = world
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        log(cast, photos=[photo(), photo(name, data)], problems=[{"text": "问题"}])
    assert exc.value.code == "photo_not_image"
    assert "第2张" in exc.value.message
    assert counts() == before


def test_an_image_named_like_a_document_is_accepted_by_content(world: Cast) -> None:
    visit = log(world, photos=[photo("scan.pdf", jpeg_with_exif((800, 600)))])
    (stored,) = m.VisitPhoto.objects.filter(visit=visit)
    assert (stored.width, stored.height) == (800, 600)


def test_a_png_with_alpha_becomes_a_jpeg(world: Cast) -> None:
    image = Image.new("RGBA", (2000, 4000), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    visit = log(world, photos=[photo("a.png", out.getvalue())])
    (stored,) = m.VisitPhoto.objects.filter(visit=visit)
    assert (stored.width, stored.height) == (800, 1600)


def test_over_budget_needs_a_reason_then_is_flagged_to_the_desk(world: Cast) -> None:
    cast = world
    log(cast, visited_at=at(2026, 11, 2))
    log(cast, visited_at=at(2026, 11, 3))
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        log(cast, visited_at=at(2026, 11, 4))
    assert exc.value.code == "over_budget_reason_required"
    assert exc.value.data["used"] == 2
    assert counts() == before
    visit = log(cast, visited_at=at(2026, 11, 4), reason="企业突发停电，需现场协调。")
    assert visit.over_budget and visit.over_budget_reason
    from qifu.notify.models import Notification

    assert Notification.objects.filter(recipient=cast.desk, kind="visit_over_budget").count() == 1


def test_a_quiet_period_blocks_visits_unless_requested(world: Cast) -> None:
    cast = world
    with time_machine.travel(NOW, tick=False):  # a period may not be set in the past
        quiet_period_add(
            actor=Actor.of(cast.ent_a), enterprise=cast.a, starts_on=date(2026, 11, 25), ends_on=date(2026, 11, 30)
        )
    later = NOW.replace(day=27)
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        log(cast, visited_at=at(2026, 11, 26), now=later)
    assert exc.value.code == "quiet_period"
    assert counts() == before
    visit = log(cast, visited_at=at(2026, 11, 26), now=later, requested=True)
    assert visit.requested


def test_bad_problem_or_participant_writes_nothing(world: Cast) -> None:
    cast = world
    before = counts()
    with pytest.raises(RuleViolation) as exc:
        log(cast, problems=[{"text": "x", "category": "no-such-category"}], photos=[photo()])
    assert exc.value.code == "unknown_category"
    with pytest.raises(RuleViolation) as exc:
        log(cast, participant_ids=[cast.ent_b.pk])
    assert exc.value.code == "unknown_participant"
    with pytest.raises(RuleViolation) as exc:
        log(cast, kind="party")
    assert exc.value.code == "invalid_choice"
    with pytest.raises(RuleViolation) as exc:
        log(cast, location={"latitude": 123, "longitude": 0})
    assert exc.value.code == "invalid_location"
    assert counts() == before


def test_department_problems_are_filed_by_the_linked_liaison(world: Cast) -> None:
    cast = world
    visit = log(
        cast,
        who="kjj_handler",
        participant_ids=[cast.liaison_a.pk],
        problems=[{"text": "人才公寓不足"}],
        suggestions="建议扩大人才公寓供给。",
    )
    case = m.VisitCase.objects.get(visit=visit).case
    assert case.filed_by_id == cast.liaison_a.pk
    assert case.channel == Channel.VISIT
    suggestion = Suggestion.objects.get(source="visit", source_id=visit.pk)
    assert (suggestion.author_id, suggestion.enterprise_id) == (cast.kjj_handler.pk, cast.a.pk)


def test_planned_visit_is_done(world: Cast) -> None:
    cast = world
    plan = planned_visit_create(
        actor=Actor.of(cast.liaison_a), enterprise=cast.a, planned_on=timezone.localdate(), purpose="了解扩产"
    )
    visit = log(cast, planned=plan)
    plan.refresh_from_db()
    assert (plan.state, plan.visit_id) == (m.PlanState.DONE, visit.pk)


def test_the_enterprise_rates_its_own_visit_once(world: Cast) -> None:
    cast = world
    visit = log(cast)
    with pytest.raises(NotFound):
        visit_rate(actor=Actor.of(cast.ent_b), visit=visit, feedback="helped")
    with pytest.raises(NotFound):
        visit_rate(actor=Actor.of(cast.liaison_a), visit=visit, feedback="helped")
    with pytest.raises(RuleViolation) as exc:
        visit_rate(actor=Actor.of(cast.ent_a), visit=visit, feedback="great")
    assert exc.value.code == "invalid_choice"
    rated = visit_rate(actor=Actor.of(cast.ent_a), visit=visit, feedback="disturbed", comment="时间不合适")
    assert rated.feedback == "disturbed"
    with pytest.raises(RuleViolation) as exc:
        visit_rate(actor=Actor.of(cast.ent_a), visit=visit, feedback="helped")
    assert exc.value.code == "already_rated"
