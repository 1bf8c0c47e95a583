"""Merging duplicates: one case continues, the other closes with a link; refusals change nothing."""

from typing import Any

import pytest
from django.urls import reverse

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.cases.models import Case, CaseEvent
from qifu.cases.services import CaseData, case_file
from qifu.cases.tests.conftest import drive
from qifu.cockpit.cube import cube_counts, cube_recount
from qifu.commons.models import CaseMerge
from qifu.commons.services import case_merge
from qifu.core.errors import Conflict, NotFound
from qifu.notify.models import Notification


def _state(*cases: Case) -> tuple[Any, ...]:
    rows = []
    for c in cases:
        c.refresh_from_db()
        rows.append((c.state, c.updated_at, CaseEvent.objects.filter(case=c).count()))
    return (*rows, CaseMerge.objects.count(), AuditEntry.objects.count(), dict(cube_counts()))


def test_desk_merges_a_duplicate(cast, client):
    kept = drive(cast, "in_progress")
    dup = drive(cast, "accepted", text="新厂房增容用电的事，请协调供电公司。")
    case_merge(actor=Actor.of(cast.desk), case_id=dup.pk, into_id=kept.pk, note="与原诉求内容相同")
    dup.refresh_from_db()
    kept.refresh_from_db()
    assert dup.state == "closed" and dup.closed_at and kept.number in dup.answer
    assert kept.state == "in_progress"
    closed = CaseEvent.objects.get(case=dup, action="merged")
    assert closed.public and closed.data["into"] == kept.number and closed.to_state == "closed"
    line = CaseEvent.objects.get(case=kept, action="merge")
    assert line.public and line.data["from"] == dup.number
    assert cube_counts() == cube_recount()
    told = Notification.objects.get(recipient=cast.ent_a, kind="case_merged")
    assert kept.number in told.body and told.url == f"/cases/{kept.pk}/"
    assert AuditEntry.objects.filter(action="case_merge", object_id=dup.number).exists()
    # the enterprise sees the link on the merged case's page, in plain Chinese
    client.force_login(cast.ent_a)
    html = client.get(reverse("cases:detail", args=[dup.pk])).content.decode()
    assert 'id="case-merged-into"' in html and "已并入该诉求继续办理" in html and kept.number in html
    assert "已合并到其他诉求办理" in html  # the timeline line
    html = client.get(reverse("cases:detail", args=[kept.pk])).content.decode()
    assert "合并重复诉求" in html and dup.number in html


@pytest.mark.parametrize(
    ("target", "code"),
    [("closed", "merge_target_closed"), ("withdrawn", "merge_target_closed"), ("rejected", "merge_target_closed")],
)
def test_merging_into_a_finished_case_is_refused(cast, target, code):
    into = drive(cast, target)
    dup = drive(cast, "submitted")
    before = _state(dup, into)
    with pytest.raises(Conflict) as exc:
        case_merge(actor=Actor.of(cast.desk), case_id=dup.pk, into_id=into.pk)
    assert exc.value.code == code and exc.value.http_status == 409
    assert _state(dup, into) == before


def test_other_refusals_change_nothing(cast):
    a1 = drive(cast, "submitted")
    a2 = drive(cast, "accepted")
    b1 = case_file(actor=Actor.of(cast.ent_b), enterprise=cast.b, data=CaseData(text="乙公司的诉求"))
    closed = drive(cast, "closed")
    before = _state(a1, a2, b1, closed)
    desk = Actor.of(cast.desk)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"case_id": a1.pk, "into_id": a1.pk}, "merge_self"),
        ({"case_id": a1.pk, "into_id": b1.pk}, "merge_other_enterprise"),
        ({"case_id": closed.pk, "into_id": a2.pk}, "merge_source_closed"),
    ]
    for ids, code in cases:
        with pytest.raises(Conflict) as refused:
            case_merge(actor=desk, case_id=ids["case_id"], into_id=ids["into_id"])
        assert refused.value.code == code
    for who in ("leader", "jfj_head", "liaison_a", "ent_a"):
        with pytest.raises((Conflict, NotFound)) as other:
            case_merge(actor=Actor.of(getattr(cast, who)), case_id=a1.pk, into_id=a2.pk)
        want = "not_found" if who == "jfj_head" else "action_not_allowed"
        assert other.value.code == want, who
    with pytest.raises(NotFound):
        case_merge(actor=Actor.of(cast.ent_b), case_id=a1.pk, into_id=a2.pk)
    assert _state(a1, a2, b1, closed) == before


def test_api_merge(cast, api_as):
    kept = drive(cast, "accepted")
    dup = drive(cast, "submitted")
    r = api_as(cast.ent_a).post(f"/api/v1/cases/{dup.pk}/merge", {"into": kept.pk})
    assert r.status_code == 409 and r.json()["code"] == "action_not_allowed"
    r = api_as(cast.desk).post(f"/api/v1/cases/{dup.pk}/merge", {"into": dup.pk})
    assert r.status_code == 409 and r.json()["code"] == "merge_self"
    r = api_as(cast.desk).post(f"/api/v1/cases/{dup.pk}/merge", {"into": kept.pk, "note": "重复"})
    assert r.status_code == 200 and r.json() == {
        "id": dup.pk,
        "number": dup.number,
        "state": "closed",
        "into": kept.pk,
        "into_number": kept.number,
    }
    r = api_as(cast.desk).post(f"/api/v1/cases/{dup.pk}/merge", {"into": kept.pk})
    assert r.status_code == 409 and r.json()["code"] == "merge_source_closed"


def test_merge_form_on_the_case_page(cast, client):
    kept = drive(cast, "accepted")
    dup = drive(cast, "submitted")
    client.force_login(cast.desk)
    assert 'id="case-merge"' in client.get(reverse("cases:detail", args=[dup.pk])).content.decode()
    r = client.post(reverse("commons:merge", args=[dup.pk]), {"into": kept.number})
    assert r.status_code == 302 and r.url == reverse("cases:detail", args=[kept.pk])
    r = client.post(reverse("commons:merge", args=[kept.pk]), {"into": "QF-0000-000000"}, follow=True)
    assert "没有找到诉求" in r.content.decode()
    client.force_login(cast.ent_a)
    assert 'id="case-merge"' not in client.get(reverse("cases:detail", args=[kept.pk])).content.decode()
    assert client.post(reverse("commons:merge", args=[kept.pk]), {"into": dup.number}).status_code == 404
