"""The deadline job: 催办 at 80%, overdue flag and notice the working day after, 通报 beyond 5
working days late, late acceptance and signing chased; run twice, or by two processes at once on
PostgreSQL, every notice goes out exactly once."""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from qifu.cases.models import Case, CaseEvent, SlaNotice
from qifu.cases.services import CaseData, case_act, case_file
from qifu.cases.sla import sla_run
from qifu.notify.models import Notification

BJ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=BJ)


def _working_case(cast, *, filed: datetime, category: str = "utilities") -> Case:
    """Filed, accepted, dispatched to JFJ and signed on `filed`'s day: 10 working days."""
    ent, desk, handler = (cast.actor(u) for u in (cast.ent_a, cast.desk, cast.jfj_handler))
    case = case_file(actor=ent, enterprise=cast.a, data=CaseData(text="用电增容", category=category), now=filed)
    case_act(actor=desk, case_id=case.pk, action="accept", now=filed)
    case_act(actor=desk, case_id=case.pk, action="dispatch", now=filed)
    return case_act(actor=handler, case_id=case.pk, action="sign", now=filed)


def _sla(kind: str) -> int:
    return SlaNotice.objects.filter(kind=kind).count()


def test_reminder_at_80_percent_then_overdue_then_report(cast) -> None:
    case = _working_case(cast, filed=at(2026, 3, 2))  # Mon; 10 working days → due Mon 16 Mar
    assert str(case.resolve_by) == "2026-03-16"
    assert str(case.remind_on) == "2026-03-12"  # the 8th working day
    assert sla_run(now=at(2026, 3, 11)).total == 0
    assert sla_run(now=at(2026, 3, 12)).sent["remind"] == 1
    assert Notification.objects.filter(recipient=cast.jfj_handler, kind="sla_remind").count() == 1
    assert sla_run(now=at(2026, 3, 16)).total == 0  # the due day itself is not late
    result = sla_run(now=at(2026, 3, 17))
    assert result.sent["overdue"] == 1 and result.sent["report"] == 0
    case.refresh_from_db()
    assert case.overdue and case.supervised
    assert Notification.objects.filter(recipient=cast.jfj_head, kind="sla_overdue").count() == 1
    assert not Notification.objects.filter(recipient=cast.leader).exists()
    assert sla_run(now=at(2026, 3, 23)).sent["report"] == 0  # 5 working days late: not yet beyond 5
    assert sla_run(now=at(2026, 3, 24)).sent["report"] == 1  # 6 working days late
    assert Notification.objects.filter(recipient=cast.leader, kind="sla_report").count() == 1
    kinds = list(CaseEvent.objects.filter(case=case, action__startswith="sla_").values_list("action", flat=True))
    assert kinds == ["sla_remind", "sla_overdue", "sla_report"]
    assert not CaseEvent.objects.filter(case=case, action__startswith="sla_", public=True).exists()


def test_running_twice_sends_each_notice_once(cast) -> None:
    _working_case(cast, filed=at(2026, 3, 2))
    first = sla_run(now=at(2026, 3, 24))
    notes = Notification.objects.count()
    second = sla_run(now=at(2026, 3, 24))
    assert first.sent == {**first.sent, "overdue": 1, "report": 1, "remind": 0}  # late already: no 催办
    assert first.total == 2 and second.total == 0
    assert Notification.objects.count() == notes


def test_overdue_notice_waits_for_the_next_working_day(cast) -> None:
    _working_case(cast, filed=at(2026, 9, 16), category="policy")  # 3 days: 17, 18, 20 Sep (Sun, worked)
    case = Case.objects.get()
    assert str(case.resolve_by) == "2026-09-20"
    assert sla_run(now=at(2026, 9, 21)).sent["overdue"] == 1  # Monday, the working day after


def test_overdue_on_a_holiday_is_noticed_after_it(cast) -> None:
    _working_case(cast, filed=at(2026, 9, 25 - 1), category="policy")  # Thu 24 Sep: 28, 29, 30 Sep
    assert sla_run(now=at(2026, 10, 2)).sent["overdue"] == 0  # National Day holiday
    assert sla_run(now=at(2026, 10, 8)).sent["overdue"] == 1


def test_an_extension_starts_a_new_round_and_a_pause_holds_the_clock(cast) -> None:
    case = _working_case(cast, filed=at(2026, 3, 2))
    sla_run(now=at(2026, 3, 12))
    case_act(
        actor=cast.actor(cast.jfj_handler),
        case_id=case.pk,
        action="request_extension",
        payload={"days": 5, "reason": "勘察"},
        now=at(2026, 3, 12),
    )
    case_act(actor=cast.actor(cast.jfj_head), case_id=case.pk, action="approve_extension", now=at(2026, 3, 12))
    assert sla_run(now=at(2026, 3, 17)).sent["overdue"] == 0  # due is now 23 Mar
    case_act(
        actor=cast.actor(cast.jfj_handler),
        case_id=case.pk,
        action="request_info",
        payload={"question": "补材料"},
        now=at(2026, 3, 17),
    )
    assert sla_run(now=at(2026, 3, 30)).total == 0  # paused: nothing is chased
    assert _sla("remind") == 1


def test_late_acceptance_and_signing_are_chased(cast) -> None:
    ent, desk = cast.actor(cast.ent_a), cast.actor(cast.desk)
    waiting = case_file(actor=ent, enterprise=cast.a, data=CaseData(text="无人受理"), now=at(2026, 3, 2))
    unsigned = case_file(
        actor=ent, enterprise=cast.a, data=CaseData(text="无人签收", category="utilities"), now=at(2026, 3, 2)
    )
    case_act(actor=desk, case_id=unsigned.pk, action="accept", now=at(2026, 3, 2))
    case_act(actor=desk, case_id=unsigned.pk, action="dispatch", now=at(2026, 3, 2))
    result = sla_run(now=at(2026, 3, 4))
    assert result.sent["respond_late"] == 1 and result.sent["sign_late"] == 1
    assert Notification.objects.filter(recipient=cast.desk, kind="sla_respond_late").count() == 1
    assert Notification.objects.filter(recipient=cast.jfj_head, kind="sla_sign_late").count() == 1
    assert waiting.pk != unsigned.pk


def test_the_command_runs_as_of_a_moment(cast, capsys) -> None:
    _working_case(cast, filed=at(2026, 3, 2))
    call_command("sla", "run", "--now", "2026-03-17T10:00:00+08:00", "--json")
    out = capsys.readouterr().out
    assert '"overdue": 1' in out and '"today": "2026-03-17"' in out
    call_command("sla", "run", "--now", "2026-03-17T10:00:00")
    assert "0 notices" in capsys.readouterr().out


@pytest.mark.skipif(
    not os.environ.get("QIFU_DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (CI runs the suite there too); SQLite serialises writers anyway",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_at_once_on_postgresql_send_each_notice_once(cast) -> None:
    for day in range(2, 7):
        _working_case(cast, filed=at(2026, 3, day))
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "QIFU_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qifu.settings_test"}
    qifu = str(Path(sys.executable).with_name("qifu"))
    cmd = [qifu, "sla", "run", "--now", "2026-04-01T10:00:00+08:00", "--json"]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert SlaNotice.objects.count() == 10  # 5 cases × (overdue, report): all more than 5 working days late
    for kind in ("sla_overdue", "sla_report"):
        per_recipient = Notification.objects.filter(kind=kind).values_list("recipient_id", "dedup_key")
        assert len(per_recipient) == len(set(per_recipient))
    assert CaseEvent.objects.filter(action__startswith="sla_").count() == 10
    assert Notification.objects.filter(kind="sla_report", recipient__username="leader").count() == 5


def test_a_year_the_holiday_package_lacks_is_told_to_the_system_admin_once(cast) -> None:
    from qifu.cases.sla import warn_uncovered_years

    first = sla_run(now=at(2026, 11, 27))
    assert 2027 in first.uncovered_years  # chinesecalendar 1.11 knows 2026, not 2027
    assert 2026 not in first.uncovered_years
    sla_run(now=at(2026, 11, 28))
    notes = Notification.objects.filter(recipient=cast.sysadmin, kind="workcal_uncovered")
    assert [n.dedup_key for n in notes] == ["workcal:uncovered:2027"]
    assert "2027" in notes[0].title
    assert not Notification.objects.filter(kind="workcal_uncovered").exclude(recipient=cast.sysadmin).exists()
    assert warn_uncovered_years(at(2025, 6, 1).date()) == []
