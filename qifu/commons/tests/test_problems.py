"""Common problems: create from a cluster, answer once, every member resolved and its enterprise
told, each rates (a dissatisfied rating reopens that case only); the cube stays exact; scope and
roles; query bounds on the list pages; the cockpit figure."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.cases.models import Case, CaseEvent
from qifu.cases.services import CaseData, case_act, case_file
from qifu.cockpit.cube import cube_counts, cube_recount
from qifu.cockpit.figures import cockpit_figures
from qifu.commons.models import CommonMember, ProblemState
from qifu.commons.selectors import problem_list
from qifu.commons.services import (
    ProblemData,
    clusters_snapshot,
    common_answer,
    common_create,
    common_member_remove,
    common_members_add,
)
from qifu.core.errors import Conflict, NotFound, PermissionDenied
from qifu.notify.models import Notification

TEXTS = {
    "a": "园区片区最近频繁停电，电压不稳，生产线多次停机，请协调供电公司排查线路。",
    "b": "我们厂最近也是频繁停电，供电线路跳闸，设备停机损失大，请协调供电公司。",
    "c": "近期厂区频繁断电停电，电压波动，希望供电公司尽快检修片区线路。",
}


def _file(cast, user, enterprise, text):
    return case_file(actor=Actor.of(user), enterprise=enterprise, data=CaseData(text=text, category="utilities"))


@pytest.fixture
def three(cast):
    """Three enterprises with the same problem: a's accepted, b's in progress at JFJ, c's only filed."""
    ent_c = cast.ent_a.__class__.objects.create_user(
        username="ent_c", password="x", role="enterprise", enterprise_id=cast.c.pk
    )
    a = _file(cast, cast.ent_a, cast.a, TEXTS["a"])
    case_act(actor=Actor.of(cast.desk), case_id=a.pk, action="accept", payload={})
    b = _file(cast, cast.ent_b, cast.b, TEXTS["b"])
    desk = Actor.of(cast.desk)
    case_act(actor=desk, case_id=b.pk, action="accept", payload={})
    case_act(actor=desk, case_id=b.pk, action="dispatch", payload={"lead": "JFJ"})
    case_act(actor=Actor.of(cast.jfj_handler), case_id=b.pk, action="sign", payload={})
    case_act(actor=Actor.of(cast.jfj_handler), case_id=b.pk, action="request_info", payload={"question": "请补充"})
    c = _file(cast, ent_c, cast.c, TEXTS["c"])
    return {"a": a, "b": b, "c": c, "ent_c": ent_c}


def _create(cast, three, **kw):
    data = ProblemData(title="光电产业园频繁停电", lead=kw.pop("lead", "JFJ"), category="utilities")
    ids = [three[k].pk for k in "abc"]
    return common_create(actor=Actor.of(cast.desk), data=data, case_ids=ids, **kw)


def test_cluster_to_problem_to_answer_to_ratings(cast, three):
    snapshot = clusters_snapshot(actor=Actor.of(cast.desk), min_enterprises=3)
    assert len(snapshot.clusters) == 1 and snapshot.clusters[0]["size"] == 3
    problem = _create(cast, three)
    assert problem.deadline > date(2026, 1, 1) and problem.days == 10  # the category's working days
    assert set(Case.objects.filter(is_common=True).values_list("pk", flat=True)) == {three[k].pk for k in "abc"}
    assert cube_counts() == cube_recount()
    assert Notification.objects.filter(kind="common_problem", recipient=cast.jfj_handler).exists()
    # the cluster's cases are members now: a new snapshot no longer offers them
    assert clusters_snapshot(actor=Actor.of(cast.desk)).clusters == []

    done = common_answer(actor=Actor.of(cast.jfj_head), problem_id=problem.pk, answer="已协调供电公司完成线路改造。")
    assert sorted(done.resolved) == sorted(three[k].number for k in "abc") and done.skipped == []
    problem.refresh_from_db()
    assert problem.state == ProblemState.ANSWERED and problem.answer.startswith("已协调")
    for key, user in (("a", cast.ent_a), ("b", cast.ent_b), ("c", three["ent_c"])):
        case = Case.objects.get(pk=three[key].pk)
        assert case.state == "resolved" and case.answer == problem.answer and not case.paused
        assert case.lead_department is not None and case.lead_department.code == "JFJ"
        event = CaseEvent.objects.get(case=case, action="resolve")
        assert event.public and event.data == {"common": problem.pk}
        assert Notification.objects.filter(recipient=user, kind="case_resolve").exists(), key
    assert cube_counts() == cube_recount()
    # each enterprise rates its own case; a dissatisfied one is reopened alone
    case_act(actor=Actor.of(cast.ent_a), case_id=three["a"].pk, action="rate",
             payload={"solved": "solved", "satisfaction": "satisfied"})  # fmt: skip
    case_act(actor=Actor.of(cast.ent_b), case_id=three["b"].pk, action="rate",
             payload={"solved": "not_solved", "satisfaction": "dissatisfied"})  # fmt: skip
    states = dict(Case.objects.filter(pk__in=[three[k].pk for k in "abc"]).values_list("pk", "state"))
    assert states == {three["a"].pk: "closed", three["b"].pk: "in_progress", three["c"].pk: "resolved"}
    assert cube_counts() == cube_recount()
    with pytest.raises(Conflict) as exc:
        common_answer(actor=Actor.of(cast.jfj_head), problem_id=problem.pk, answer="再答复")
    assert exc.value.code == "common_answered"


def test_members_no_longer_open_are_skipped(cast, three):
    problem = _create(cast, three)
    case_act(actor=Actor.of(three["ent_c"]), case_id=three["c"].pk, action="withdraw", payload={})
    done = common_answer(actor=Actor.of(cast.jfj_handler), problem_id=problem.pk, answer="统一答复")
    assert done.skipped == [three["c"].number] and len(done.resolved) == 2
    assert Case.objects.get(pk=three["c"].pk).state == "withdrawn"
    assert cube_counts() == cube_recount()


def test_add_and_remove_members_keep_the_cube(cast, three):
    problem = common_create(
        actor=Actor.of(cast.desk),
        data=ProblemData(title="停电", lead="JFJ"),
        case_ids=[three["a"].pk, three["b"].pk],
    )
    common_members_add(actor=Actor.of(cast.desk), problem_id=problem.pk, case_ids=[three["c"].pk])
    assert Case.objects.get(pk=three["c"].pk).is_common
    common_member_remove(actor=Actor.of(cast.desk), problem_id=problem.pk, case_id=three["a"].pk)
    assert not Case.objects.get(pk=three["a"].pk).is_common
    assert cube_counts() == cube_recount()
    assert CommonMember.objects.filter(problem=problem, active=True).count() == 2
    # a member of one problem cannot join another; closed cases cannot join
    with pytest.raises(Conflict) as exc:
        common_create(
            actor=Actor.of(cast.desk), data=ProblemData(title="x", lead="KJJ"), case_ids=[three["b"].pk, three["a"].pk]
        )
    assert exc.value.code == "common_case_taken"
    case_act(actor=Actor.of(cast.ent_a), case_id=three["a"].pk, action="withdraw", payload={})
    with pytest.raises(Conflict) as exc:
        common_members_add(actor=Actor.of(cast.desk), problem_id=problem.pk, case_ids=[three["a"].pk])
    assert exc.value.code == "common_case_not_open"


@pytest.mark.parametrize("who", ["leader", "jfj_head", "jfj_handler", "liaison_a", "ent_a", "sysadmin"])
def test_only_the_desk_creates(cast, three, who):
    with pytest.raises((PermissionDenied, NotFound)):
        common_create(
            actor=Actor.of(getattr(cast, who)),
            data=ProblemData(title="x", lead="JFJ"),
            case_ids=[three["a"].pk, three["b"].pk],
        )
    assert not Case.objects.filter(is_common=True).exists()


# who sees the problem (JFJ leads it), who may answer it
SEES = {"desk": True, "leader": True, "jfj_handler": True, "jfj_head": True, "kjj_handler": False,
        "kjj_head": False, "liaison_a": False, "deputy": False, "ent_a": False, "sysadmin": False}  # fmt: skip
ANSWERS = {"jfj_handler", "jfj_head"}


@pytest.mark.parametrize("who", sorted(SEES))
def test_scope_and_role_matrix(cast, three, who, client):
    problem = _create(cast, three)
    actor = Actor.of(getattr(cast, who))
    assert problem_list(actor=actor).filter(pk=problem.pk).exists() == SEES[who]
    client.force_login(getattr(cast, who))
    status = client.get(reverse("commons:problem", args=[problem.pk])).status_code
    assert status == (200 if SEES[who] else 404)
    assert client.get(reverse("commons:clusters")).status_code == (200 if who == "desk" else 404)
    if who in ANSWERS:
        return
    with pytest.raises((PermissionDenied, NotFound)):
        common_answer(actor=actor, problem_id=problem.pk, answer="答复")
    assert Case.objects.filter(state="resolved").count() == 0


def test_pages_and_query_bounds(cast, three, client, django_assert_max_num_queries):
    clusters_snapshot(actor=Actor.of(cast.desk))
    client.force_login(cast.desk)
    html = client.get(reverse("commons:clusters")).content.decode()
    assert "转为共性问题" in html and "计算于" in html and cast.a.name in html
    key = client.get("/api/v1/commons/clusters")  # session auth is not the API's: the page is enough
    assert key.status_code == 401
    from qifu.commons.selectors import cluster_latest

    latest = cluster_latest()
    assert latest is not None
    cluster_key = latest.clusters[0]["key"]
    r = client.post(reverse("commons:create"), {"cluster": cluster_key, "title": "片区频繁停电", "lead": "JFJ"})
    assert r.status_code == 302
    client.get(reverse("commons:problems"))
    for _ in range(3):  # more problems must not cost more queries
        common_create(
            actor=Actor.of(cast.desk),
            data=ProblemData(title="另一个", lead="KJJ"),
            case_ids=[
                _file(cast, cast.ent_a, cast.a, "测试一").pk,
                _file(cast, cast.ent_b, cast.b, "测试二").pk,
            ],
        )
    with django_assert_max_num_queries(12):
        html = client.get(reverse("commons:problems")).content.decode()
    assert "片区频繁停电" in html and html.count('href="/commons/problems/') >= 4
    problem = problem_list(actor=Actor.of(cast.desk)).last()  # the first: from the cluster, JFJ leads
    assert problem is not None
    with django_assert_max_num_queries(12):
        assert client.get(reverse("commons:problem", args=[problem.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("commons:clusters")).status_code == 200
    r = client.get(reverse("commons:export"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    # the lead department answers on the page
    client.force_login(cast.jfj_head)
    html = client.get(reverse("commons:problem", args=[problem.pk])).content.decode()
    assert "答复并办结" in html
    r = client.post(reverse("commons:act", args=[problem.pk]), {"action": "answer", "answer": "已统一处理。"})
    assert r.status_code == 302 and Case.objects.filter(state="resolved").count() == 3


def test_api(cast, three, api_as):
    clusters_snapshot(actor=Actor.of(cast.desk))
    desk = api_as(cast.desk)
    r = desk.get("/api/v1/commons/clusters")
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    assert api_as(cast.leader).get("/api/v1/commons/clusters").status_code == 404
    key = r.json()["items"][0]["key"]
    r = api_as(cast.leader).post("/api/v1/commons/problems", {"cluster": key, "title": "停电", "lead": "JFJ"})
    assert r.status_code == 404
    r = desk.post("/api/v1/commons/problems", {"cluster": key, "title": "停电", "lead": "JFJ"})
    assert r.status_code == 201 and r.json()["cases"] == 3 and len(r.json()["members"]) == 3
    pid = r.json()["id"]
    assert api_as(cast.kjj_head).get(f"/api/v1/commons/problems/{pid}").status_code == 404
    assert api_as(cast.jfj_handler).get("/api/v1/commons/problems").json()["count"] == 1
    assert api_as(cast.kjj_handler).get("/api/v1/commons/problems").json()["count"] == 0
    r = api_as(cast.kjj_head).post(f"/api/v1/commons/problems/{pid}/answer", {"answer": "x"})
    assert r.status_code == 404
    r = api_as(cast.desk).post(f"/api/v1/commons/problems/{pid}/answer", {"answer": "x"})
    assert r.status_code == 403 and r.json()["code"] == "common_answer_forbidden"
    r = api_as(cast.jfj_head).post(f"/api/v1/commons/problems/{pid}/answer", {"answer": "已解决"})
    assert r.status_code == 200 and len(r.json()["resolved"]) == 3 and r.json()["problem"]["state"] == "answered"
    r = desk.delete(f"/api/v1/commons/problems/{pid}/members/{three['a'].pk}")
    assert r.status_code == 409 and r.json()["code"] == "common_answered"


def test_cockpit_figure(cast, three, client, api_as):
    _create(cast, three)
    f = cockpit_figures(actor=Actor.of(cast.leader), month=timezone.localdate())
    assert f.problems.total == 1 and f.problems.open == 1
    assert [(x.key, x.value) for x in f.problems.by_category] == [("utilities", 1)]
    assert {x.key: x.value for x in f.problems.by_industry} == {"C": 1}
    client.force_login(cast.leader)
    html = client.get(reverse("cockpit:index")).content.decode()
    assert 'id="problems-by-category"' in html and "水电气保障" in html
    body = api_as(cast.desk).get("/api/v1/cockpit").json()
    assert body["problems"]["total"] == 1 and body["problems"]["by_industry"][0]["key"] == "C"
    r = client.get(reverse("cockpit:export_section", args=["problems"]))
    assert r.status_code == 200
