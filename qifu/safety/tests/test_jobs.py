"""The overdue job: flags owed rectifications the working day after the deadline, notifies once."""

from datetime import date

from django.core.management import call_command

from qifu.access.actor import Actor
from qifu.notify.models import Notification
from qifu.safety.jobs import overdue_run
from qifu.safety.models import Rectification, RectificationNotice, RectState
from qifu.safety.selectors import RectFilters, is_overdue, rectification_list
from qifu.safety.services import rectification_submit
from qifu.safety.tests.conftest import at, given_check, given_visit


def test_overdue_is_flagged_once_and_tells_the_enterprise_and_its_liaison(cast) -> None:
    # given two hazards due 13 October 2026 (five working days after 30 September)
    visit = given_visit(cast.a, cast.liaison_a, when=at(2026, 9, 30))
    given_check(visit, cast.liaison_a, fail={"S05": 5, "S08": 5})
    fire, power = Rectification.objects.order_by("pk")
    assert fire.due == date(2026, 10, 13)
    rectification_submit(actor=Actor.of(cast.ent_a), rectification_id=power.pk, note="已整改")  # done its part
    # on the deadline day nothing happens
    assert overdue_run(now=at(2026, 10, 13, 18)).flagged == 0
    # when the job runs the day after, twice
    first = overdue_run(now=at(2026, 10, 14, 9))
    second = overdue_run(now=at(2026, 10, 14, 9))
    # then only the owed one, once
    assert (first.flagged, second.flagged) == (1, 0)
    fire.refresh_from_db()
    assert fire.overdue and RectificationNotice.objects.count() == 1
    told = Notification.objects.filter(kind="safety_overdue").values_list("recipient__username", flat=True)
    assert sorted(told) == ["ent_a", "liaison_a"]
    # the list's overdue filter finds it
    late = rectification_list(actor=Actor.of(cast.desk), filters=RectFilters(overdue=True), today=date(2026, 10, 14))
    assert [r.pk for r in late] == [fire.pk] and is_overdue(fire, date(2026, 10, 14))


def test_the_job_waits_for_a_working_day_and_the_command_runs_it(cast, capsys) -> None:
    visit = given_visit(cast.a, cast.liaison_a, when=at(2026, 11, 2))
    given_check(visit, cast.liaison_a, fail={"S05": 1})  # due Tuesday 3 November
    assert overdue_run(now=at(2026, 11, 7, 9)).flagged == 0  # a Saturday
    call_command("safety", "overdue", "--now", "2026-11-09T09:00")
    assert "1 flagged" in capsys.readouterr().out
    assert Rectification.objects.get().state == RectState.OPEN
