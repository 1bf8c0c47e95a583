"""The visit pages (issue 4): the plan, 记录走访, the visit page and its rating, photos, the ledger,
coverage, the desk's contacts and merge, the enterprise's preferences and the enterprise 360 card —
per role (200 / 404 / redirect), bad input with a Chinese message and nothing written, and query
counts that stay fixed as rows grow."""

import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from qifu.access.actor import Actor
from qifu.cases.models import Case
from qifu.conftest import Cast
from qifu.linkage.models import Linkage
from qifu.visits.models import PlannedVisit, PlanState, QuietPeriod, ServicePreference, Visit, VisitCase, VisitPhoto
from qifu.visits.services import planned_visit_create, preference_set, quiet_period_add, visit_log

BJ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=BJ)  # a Friday
NEW = reverse("visits:new")
LEDGER = reverse("visits:ledger")


@pytest.fixture(autouse=True)
def _friday_afternoon() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def files_dir(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "files"
    settings.FILES_DIR = path
    settings.UPLOAD_MAX_MB = 20
    settings.FILES_SCANNER = "qifu.files.scanning.EicarScanner"
    return path


@pytest.fixture(autouse=True)
def _links_since_january(cast: Cast) -> None:
    """The cast's links start on the day it is built; the tests' visits lie in November 2026."""
    Linkage.objects.update(started_on=date(2026, 1, 1))


def _client(cast: Cast, who: str) -> Client:
    client = Client()
    client.force_login(getattr(cast, who))
    return client


def _html(response: Any) -> str:
    return str(response.content.decode())


def _jpeg(size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, format="JPEG")
    return out.getvalue()


def _log(cast: Cast, who: str = "liaison_a", **kw: Any) -> Visit:
    enterprise = kw.pop("enterprise", cast.a)
    args: dict[str, Any] = {
        "visited_at": datetime(2026, 11, 10, 10, tzinfo=BJ),
        "kind": "routine",
        "learnt": {"production": "满负荷生产"},
        **kw,
    }
    return visit_log(actor=Actor.of(getattr(cast, who)), enterprise=enterprise, **args)


def _post(cast: Cast, who: str = "liaison_a", uscc: str | None = None, **fields: Any) -> Any:
    data: dict[str, Any] = {
        "enterprise": uscc or cast.a.uscc,
        "visited_on": "2026-11-20",
        "visited_time": "09:30",
        "kind": "routine",
        "production": "满负荷生产，订单排到明年二月",
        "notes": "与总经理座谈",
        **fields,
    }
    return _client(cast, who).post(f"{NEW}?enterprise={data['enterprise']}", data)


def _nothing_written() -> None:
    assert Visit.objects.count() == 0
    assert Case.objects.count() == 0
    assert VisitPhoto.objects.count() == 0


# --- the plan -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "query", "status"),
    [
        ("liaison_a", "", 200),
        ("deputy", "", 200),
        ("desk", "?liaison=liaison_a", 200),
        ("leader", "?liaison=liaison_a", 200),
        ("jfj_head", "?liaison=liaison_a", 200),  # liaison_a is in 经发局
        ("kjj_head", "?liaison=liaison_a", 404),
        ("liaison_b", "?liaison=liaison_a", 404),
        ("jfj_handler", "?liaison=liaison_a", 404),
        ("desk", "", 404),  # the desk has no plan of its own
        ("desk", "?liaison=nobody", 404),
        ("ent_a", "", 404),
        ("sysadmin", "", 404),
    ],
)
def test_plan_page_per_role_case(cast, who, query, status):
    response = _client(cast, who).get(reverse("visits:plan") + query)
    assert response.status_code == status
    if status == 200 and "liaison_a" in (query or who):
        html = _html(response)
        assert cast.a.name in html and "2026年11月" in html
        assert "待走访" in html and "0%" in html


def test_plan_shows_visited_due_and_overdue(cast):
    # given a visit to A this month
    _log(cast)
    html = _html(_client(cast, "liaison_a").get(reverse("visits:plan")))
    assert "已走访" in html and "100%" in html and "已走访 1 / 挂钩 1 家" in html
    assert f"{NEW}?enterprise={cast.a.uscc}" in html  # 记录走访 per row
    # and October (past, no visit) shows 逾期
    html = _html(_client(cast, "liaison_a").get(reverse("visits:plan") + "?month=2026-10"))
    assert "逾期" in html and "2026年10月" in html
    # a bad month falls back to this month
    assert "2026年11月" in _html(_client(cast, "liaison_a").get(reverse("visits:plan") + "?month=20x6-99"))


def test_plan_of_another_liaison_offers_no_logging(cast):
    html = _html(_client(cast, "desk").get(reverse("visits:plan") + "?liaison=liaison_a"))
    assert "挂钩干部甲的走访计划" in html
    assert f"{NEW}?enterprise=" not in html


def test_plan_query_count_does_not_grow(cast):
    client = _client(cast, "liaison_a")
    client.get(reverse("visits:plan"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("visits:plan"))
    for day in (3, 5, 7, 9):
        _log(cast, visited_at=datetime(2026, 11, day, 10, tzinfo=BJ), requested=True)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("visits:plan")).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- the visit log form ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("liaison_a", 200), ("desk", 200), ("jfj_handler", 200), ("leader", 404), ("ent_a", 404), ("sysadmin", 404)],
)
def test_visit_form_per_role_case(cast, who, status):
    response = _client(cast, who).get(f"{NEW}?enterprise={cast.a.uscc}")
    assert response.status_code == status
    if status == 200:
        html = _html(response)
        assert "本月已接触 0/预算 2" in html
        assert 'value="2026-11-20"' in html and 'value="15:00"' in html  # default: now
        assert 'accept="image/*"' in html and 'capture="environment"' in html
        assert "data-qf-checkin" in html and 'name="latitude"' in html
        assert "data-qf-draft-key" in html and "data-qf-offline" in html
        assert "企业主动邀请" in html


def test_visit_form_needs_a_known_enterprise(cast):
    client = _client(cast, "liaison_a")
    assert client.get(NEW).status_code == 404
    assert client.get(f"{NEW}?enterprise=91320583XXXXXXXXXX").status_code == 404


def test_a_liaison_logs_a_visit_with_a_problem_and_a_photo(cast):
    # when the liaison posts the form
    response = _post(
        cast,
        problem_title=["新厂房用电增容"],
        problem_text=["新厂房下月投产，需增容至2000千伏安"],
        problem_category=["utilities"],
        problem_urgency=["urgent"],
        participants=[str(cast.kjj_handler.pk)],
        latitude="31.385000",
        longitude="120.980000",
        accuracy_m="25",
        suggestions="希望简化用电报装流程",
        photos=[SimpleUploadedFile("site.jpg", _jpeg(), content_type="image/jpeg")],
    )
    # then the visit page opens, and the visit, its case and its photo exist
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:detail", args=[visit.pk]) + "?saved=1"
    assert visit.joint and visit.latitude is not None and visit.accuracy_m == 25
    case = VisitCase.objects.get(visit=visit).case
    assert case.channel == "visit" and case.title == "新厂房用电增容" and case.urgency == "urgent"
    photo = VisitPhoto.objects.get(visit=visit)
    html = _html(_client(cast, "liaison_a").get(response["Location"]))
    assert "新厂房用电增容" in html and case.number in html
    assert reverse("visits:photo", args=[visit.pk, photo.pk]) in html
    assert "科创承办" in html and "联合走访" in html
    assert f'data-qf-draft-done="qf-visit-draft:{cast.liaison_a.pk}:{cast.a.uscc}"' in html


def test_a_safety_recheck_comes_prefilled_and_goes_on_to_the_checklist(cast):
    # given a safety visit whose hazards are to be re-checked (the rectification's 登记复查走访 link)
    first = _log(cast, kind="safety")
    link = f"{NEW}?enterprise={cast.a.uscc}&kind=safety&recheck_of={first.pk}"
    html = _html(_client(cast, "liaison_a").get(link))
    assert f'name="recheck_of" value="{first.pk}"' in html and "复查走访" in html
    assert '<option value="safety" selected>' in html
    # when the re-check is saved
    response = _post(cast, kind="safety", recheck_of=str(first.pk))
    # then it points at the first visit, and the liaison lands on its checklist
    again = Visit.objects.exclude(pk=first.pk).get()
    assert again.recheck_of_id == first.pk
    assert response["Location"] == reverse("safety:check", args=[again.pk])


def test_a_recheck_of_another_enterprises_visit_is_refused(cast):
    other = _log(cast, who="liaison_b", enterprise=cast.b, kind="safety")
    response = _post(cast, kind="safety", recheck_of=str(other.pk))
    assert response.status_code in (404, 422)
    assert Visit.objects.count() == 1


def test_future_visit_is_refused_with_nothing_written(cast):
    response = _post(cast, visited_on="2026-11-21")
    assert response.status_code == 422
    assert "走访时间不能晚于现在" in _html(response)
    _nothing_written()


def test_visit_to_an_enterprise_not_linked_is_refused(cast):
    response = _post(cast, uscc=cast.b.uscc)
    assert response.status_code == 422
    html = _html(response)
    assert "未挂钩该企业" in html and "未保存：请按标红处的提示修改" in html
    # the message stands beside the participant picker, where the fix is made
    assert html.index("未挂钩该企业") > html.index('id="staff-q"')
    _nothing_written()


def test_joint_visit_with_its_liaison_is_allowed(cast):
    response = _post(cast, uscc=cast.b.uscc, participants=[str(cast.liaison_b.pk)], kind="joint")
    assert response.status_code == 302
    assert Visit.objects.get().enterprise_id == cast.b.pk


def test_photo_that_is_not_an_image_is_refused(cast):
    fake = SimpleUploadedFile("site.jpg", b"%PDF-1.4 not an image at all", content_type="image/jpeg")
    response = _post(cast, photos=[fake])
    assert response.status_code == 422
    assert "不是图片文件" in _html(response)
    _nothing_written()


def test_problem_without_text_is_refused(cast):
    response = _post(cast, problem_title=["用电"], problem_text=[""], problem_urgency=["normal"])
    assert response.status_code == 422
    html = _html(response)
    assert "请写明问题的具体内容" in html
    assert 'value="用电"' in html  # the row comes back as typed
    _nothing_written()


def test_over_budget_needs_a_reason_then_is_flagged(cast):
    # given the month's budget of 2 used up
    _log(cast, visited_at=datetime(2026, 11, 3, 10, tzinfo=BJ))
    _log(cast, visited_at=datetime(2026, 11, 5, 10, tzinfo=BJ))
    page = _html(_client(cast, "liaison_a").get(f"{NEW}?enterprise={cast.a.uscc}"))
    assert "本月已接触 2/预算 2" in page and "超额走访理由" in page
    # when a third visit comes without a reason: refused, nothing more written
    response = _post(cast)
    assert response.status_code == 422
    assert "打扰额度" in _html(response)
    assert Visit.objects.count() == 2
    # with a reason it is logged and flagged
    assert _post(cast, reason="企业反映的用电问题需现场核实").status_code == 302
    assert Visit.objects.filter(over_budget=True).count() == 1
    # and a visit the enterprise asked for needs none
    assert _post(cast, requested="on").status_code == 302


def test_quiet_period_is_shown_and_blocks(cast):
    quiet_period_add(
        actor=Actor.of(cast.ent_a), enterprise=cast.a, starts_on=date(2026, 11, 18), ends_on=date(2026, 11, 25)
    )
    page = _html(_client(cast, "liaison_a").get(f"{NEW}?enterprise={cast.a.uscc}"))
    assert "免打扰期" in page and "11月18日" in page
    response = _post(cast)
    assert response.status_code == 422 and "免打扰期" in _html(response)
    _nothing_written()


def test_staff_picker_finds_colleagues_of_any_department(cast):
    html = _html(_client(cast, "liaison_a").get(reverse("visits:staff") + "?q=科创"))
    assert "科创承办" in html and "data-qf-staff-pick" in html
    assert _client(cast, "ent_a").get(reverse("visits:staff") + "?q=科创").status_code == 404


# --- the visit page, rating and photos ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("liaison_a", 200),
        ("ent_a", 200),
        ("desk", 200),
        ("leader", 200),
        ("ent_b", 404),
        ("liaison_b", 404),
        ("sysadmin", 404),
        ("auditor", 404),
    ],
)
def test_visit_page_per_role_case(cast, who, status):
    visit = _log(cast)
    response = _client(cast, who).get(reverse("visits:detail", args=[visit.pk]))
    assert response.status_code == status
    if status == 200:
        html = _html(response)
        assert "满负荷生产" in html
        assert ("提交评价" in html) is (who == "ent_a")


def test_missing_visit_is_404(cast):
    assert _client(cast, "desk").get(reverse("visits:detail", args=[999])).status_code == 404


def test_enterprise_rates_its_visit_once(cast):
    visit = _log(cast)
    client = _client(cast, "ent_a")
    url = reverse("visits:rate", args=[visit.pk])
    # no choice: a Chinese message, nothing saved
    response = client.post(url, {"feedback": ""})
    assert response.status_code == 422 and "请选择一项评价" in _html(response)
    # 帮上了
    assert client.post(url, {"feedback": "helped", "comment": "解决了用电问题"}).status_code == 302
    visit.refresh_from_db()
    assert visit.feedback == "helped" and visit.feedback_at is not None
    html = _html(client.get(reverse("visits:detail", args=[visit.pk])))
    assert "帮上了" in html and "提交评价" not in html
    # a second rating changes nothing
    response = client.post(url, {"feedback": "disturbed"})
    assert response.status_code == 422 and "已经评价过" in _html(response)
    visit.refresh_from_db()
    assert visit.feedback == "helped"


@pytest.mark.parametrize("who", ["liaison_a", "desk", "ent_b"])
def test_only_the_visited_enterprise_rates_case(cast, who):
    visit = _log(cast)
    assert _client(cast, who).post(reverse("visits:rate", args=[visit.pk]), {"feedback": "ok"}).status_code == 404
    visit.refresh_from_db()
    assert visit.feedback == ""


def test_photos_are_served_after_the_scope_check(cast):
    visit = _log(cast, photos=[SimpleUploadedFile("a.jpg", _jpeg((3000, 2000)), content_type="image/jpeg")])
    photo = VisitPhoto.objects.get(visit=visit)
    url = reverse("visits:photo", args=[visit.pk, photo.pk])
    response = _client(cast, "ent_a").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(b"".join(response.streaming_content))).size) <= 1600
    assert _client(cast, "ent_b").get(url).status_code == 404
    assert _client(cast, "liaison_b").get(url).status_code == 404
    assert _client(cast, "desk").get(reverse("visits:photo", args=[visit.pk, photo.pk + 1])).status_code == 404


# --- the ledger -----------------------------------------------------------------------------------


def _ids(html: str) -> set[int]:
    import re

    return {int(x) for x in re.findall(r'href="/visits/(\d+)/"', html)}


def test_ledger_per_role_and_scope(cast):
    a = _log(cast)
    b = _log(cast, "liaison_b", enterprise=cast.b, kind="policy")
    assert _ids(_html(_client(cast, "desk").get(LEDGER))) == {a.pk, b.pk}
    assert _ids(_html(_client(cast, "liaison_a").get(LEDGER))) == {a.pk}
    html = _html(_client(cast, "ent_a").get(LEDGER))
    assert _ids(html) == {a.pk} and "去评价" in html and "导出Excel" not in html
    assert _client(cast, "sysadmin").get(LEDGER).status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("?kind=policy", {"b"}),
        ("?department=JFJ", {"a"}),
        ("?liaison=liaison_b", {"b"}),
        ("?liaison=挂钩干部甲", {"a"}),
        ("?liaison=科创承办", set()),
        ("?month=2026-10", set()),
        ("?month=2026-11", {"a", "b"}),
        ("?over_budget=1", set()),
        ("?kind=nonsense", {"a", "b"}),  # a bad value drops the filter
    ],
)
def test_ledger_filters_case(cast, params, expected):
    visits = {"a": _log(cast), "b": _log(cast, "liaison_b", enterprise=cast.b, kind="policy")}
    html = _html(_client(cast, "desk").get(LEDGER + params))
    assert _ids(html) == {visits[k].pk for k in expected}


def test_ledger_filter_on_the_enterprise_from_its_360_page(cast):
    a = _log(cast)
    _log(cast, "liaison_b", enterprise=cast.b)
    html = _html(_client(cast, "desk").get(reverse("enterprises:detail", args=[cast.a.uscc])))
    assert f"/visits/?enterprise={cast.a.uscc}" in html and f"/visits/{a.pk}/" in html and "走访记录" in html
    assert _ids(_html(_client(cast, "desk").get(f"{LEDGER}?enterprise={cast.a.uscc}"))) == {a.pk}


@pytest.mark.parametrize(("who", "htmx"), [("desk", False), ("desk", True), ("liaison_a", False), ("ent_a", False)])
def test_ledger_query_count_does_not_grow_case(cast, who, htmx):
    client = _client(cast, who)
    headers = {"HX-Request": "true"} if htmx else {}
    _log(cast)
    client.get(LEDGER, headers=headers)
    with CaptureQueriesContext(connection) as few:
        client.get(LEDGER, headers=headers)
    for day in (2, 4, 6, 8, 12, 14):
        _log(
            cast,
            visited_at=datetime(2026, 11, day, 10, tzinfo=BJ),
            requested=True,
            participant_ids=[cast.kjj_handler.pk],
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(LEDGER, headers=headers)
    assert response.status_code == 200
    assert len(_ids(_html(response))) == 7
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 12


def test_ledger_export_is_the_filtered_list(cast):
    from openpyxl import load_workbook

    _log(cast)
    _log(cast, "liaison_b", enterprise=cast.b, kind="policy")
    response = _client(cast, "desk").get(reverse("visits:export") + "?kind=policy&month=2026-11")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    text = " ".join(str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c)
    assert cast.b.name in text and cast.a.name not in text
    assert _client(cast, "ent_a").get(reverse("visits:export")).status_code == 404
    assert _client(cast, "sysadmin").get(reverse("visits:export")).status_code == 404


def test_ledger_export_narrows_by_department_and_liaison_name_like_the_ledger(cast):
    from openpyxl import load_workbook

    _log(cast)
    _log(cast, "liaison_b", enterprise=cast.b, kind="policy")
    for params in ("?department=JFJ", "?liaison=挂钩干部甲"):
        response = _client(cast, "desk").get(reverse("visits:export") + params)
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        text = " ".join(str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c)
        assert cast.a.name in text and cast.b.name not in text, params


# --- coverage -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("desk", 200), ("leader", 200), ("jfj_head", 200), ("liaison_a", 200), ("jfj_handler", 404), ("ent_a", 404)],
)
def test_coverage_page_per_role_case(cast, who, status):
    _log(cast)
    response = _client(cast, who).get(reverse("visits:coverage"))
    assert response.status_code == status
    if status == 200:
        html = _html(response)
        assert "data-qf-chart" in html and "vendor/echarts/echarts.min.js" in html
        assert html.index("data-qf-chart") < html.index('id="by-department"')  # the chart first
        assert "挂钩干部甲" in html and "100%" in html


def test_coverage_of_the_desk_lists_every_liaison(cast):
    _log(cast)
    html = _html(_client(cast, "desk").get(reverse("visits:coverage") + "?month=2026-11"))
    assert "挂钩干部甲" in html and "挂钩干部乙" in html and "人大代表丙" in html
    assert "经济发展局" in html
    assert 'id="coverage-total">33%<' in html  # A of A, B, C
    # each liaison's row opens their plan (by id)
    link = reverse("visits:plan") + f"?liaison={cast.liaison_a.pk}&amp;month=2026-11"
    assert link in html
    assert "挂钩干部甲的走访计划" in _html(_client(cast, "desk").get(link.replace("&amp;", "&")))


def test_coverage_pages_the_liaisons_and_filters_by_department(cast, monkeypatch):
    from qifu.visits import views

    monkeypatch.setattr(views, "LIAISONS_PER_PAGE", 2)
    desk = _client(cast, "desk")
    url = reverse("visits:coverage") + "?month=2026-11"
    first, second = _html(desk.get(url)), _html(desk.get(url + "&page=2"))
    names = ("挂钩干部甲", "挂钩干部乙", "人大代表丙")
    shown = [sum(name in html.split('id="by-liaison"')[1] for name in names) for html in (first, second)]
    assert shown == [2, 1] and "第 1 / 2 页" in first
    # the department filter keeps the liaisons of that department only
    jfj = cast.liaison_a.department_id
    only = _html(desk.get(url + f"&department={jfj}")).split('id="by-liaison"')[1]
    assert "挂钩干部甲" in only and "人大代表丙" not in only


# --- the desk: most contacted, merge --------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("desk", 200), ("leader", 404), ("liaison_a", 404), ("ent_a", 404)])
def test_contacts_page_per_role_case(cast, who, status):
    assert _client(cast, who).get(reverse("visits:contacts")).status_code == status


def test_contacts_lists_the_most_contacted_with_budget(cast):
    _log(cast, visited_at=datetime(2026, 11, 3, 10, tzinfo=BJ))
    _log(cast, visited_at=datetime(2026, 11, 5, 10, tzinfo=BJ))
    _log(cast, visited_at=datetime(2026, 11, 6, 10, tzinfo=BJ), reason="必须现场核实")
    html = _html(_client(cast, "desk").get(reverse("visits:contacts")))
    assert cast.a.name in html and "超额" in html


def test_desk_merges_planned_visits_into_one_joint_visit(cast):
    one = planned_visit_create(actor=Actor.of(cast.liaison_a), enterprise=cast.a, planned_on=date(2026, 11, 25))
    two = planned_visit_create(actor=Actor.of(cast.kjj_handler), enterprise=cast.a, planned_on=date(2026, 11, 26))
    client = _client(cast, "desk")
    html = _html(client.get(reverse("visits:contacts")))
    assert f'value="{one.pk}"' in html and f'value="{two.pk}"' in html
    response = client.post(reverse("visits:merge"), {"plan": [one.pk, two.pk]})
    assert response.status_code == 302
    assert PlannedVisit.objects.filter(state=PlanState.MERGED).count() == 2
    assert PlannedVisit.objects.filter(joint=True, state=PlanState.PLANNED).count() == 1
    # one plan alone cannot be merged: a message, nothing changes
    three = planned_visit_create(actor=Actor.of(cast.liaison_a), enterprise=cast.a, planned_on=date(2026, 11, 27))
    response = client.post(reverse("visits:merge"), {"plan": [three.pk]}, follow=True)
    assert "至少选择两个" in _html(response)
    assert _client(cast, "liaison_a").post(reverse("visits:merge"), {"plan": [one.pk]}).status_code == 404


# --- the enterprise's preferences -----------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("ent_a", 200), ("ent_b", 200), ("liaison_a", 404), ("desk", 404)])
def test_preferences_page_per_role_case(cast, who, status):
    response = _client(cast, who).get(reverse("visits:preferences"))
    assert response.status_code == status
    if status == 200:
        assert "本月已接触 0/预算 2" in _html(response)


def test_enterprise_sets_its_channel_and_quiet_periods(cast):
    preference_set(actor=Actor.of(cast.desk), enterprise=cast.a, monthly_budget=3)
    client = _client(cast, "ent_a")
    url = reverse("visits:preferences")
    assert "预算 3" in _html(client.get(url))
    assert client.post(url, {"channel": "1", "preferred_channel": "wecom"}).status_code == 302
    assert ServicePreference.objects.get(enterprise=cast.a).preferred_channel == "wecom"
    # a bad period: the message beside the field, nothing written
    response = client.post(url, {"quiet": "1", "starts_on": "2026-12-10", "ends_on": "2026-12-01"})
    assert response.status_code == 422 and "结束日期不能早于开始日期" in _html(response)
    response = client.post(url, {"quiet": "1", "starts_on": "", "ends_on": "2026-12-01"})
    assert response.status_code == 422 and "请选择日期" in _html(response)
    assert QuietPeriod.objects.count() == 0
    # a good one is listed, then removed
    assert (
        client.post(
            url, {"quiet": "1", "starts_on": "2026-12-01", "ends_on": "2026-12-10", "note": "年终盘点"}
        ).status_code
        == 302
    )
    period = QuietPeriod.objects.get()
    assert "年终盘点" in _html(client.get(url))
    assert _client(cast, "ent_b").post(reverse("visits:quiet_remove", args=[period.pk])).status_code == 404
    assert client.post(reverse("visits:quiet_remove", args=[period.pk])).status_code == 302
    assert QuietPeriod.objects.count() == 0


def test_nav_offers_visits_per_role(cast):
    assert reverse("visits:plan") in _html(_client(cast, "liaison_a").get("/"))
    assert LEDGER in _html(_client(cast, "desk").get("/"))
    assert LEDGER in _html(_client(cast, "ent_a").get("/"))


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("desk", reverse("visits:contacts")),
        ("desk", reverse("visits:coverage")),
        ("jfj_head", reverse("visits:coverage")),
    ],
)
def test_desk_lists_query_count_does_not_grow_case(cast, who, url):
    client = _client(cast, who)
    _log(cast)
    for who_plans in ("liaison_a", "kjj_handler"):  # one merge group already
        planned_visit_create(actor=Actor.of(getattr(cast, who_plans)), enterprise=cast.a, planned_on=date(2026, 11, 26))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # more enterprises contacted, more visits, quiet periods and plans
    _log(cast, "liaison_b", enterprise=cast.b)
    _log(cast, "deputy", enterprise=cast.c, visited_at=datetime(2026, 11, 12, 10, tzinfo=BJ))
    quiet_period_add(
        actor=Actor.of(cast.ent_b), enterprise=cast.b, starts_on=date(2026, 11, 28), ends_on=date(2026, 11, 30)
    )
    for who_plans in ("liaison_b", "kjj_handler"):
        planned_visit_create(actor=Actor.of(getattr(cast, who_plans)), enterprise=cast.b, planned_on=date(2026, 11, 26))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_enterprise_page_visits_card_query_count_does_not_grow(cast):
    client = _client(cast, "desk")
    url = reverse("enterprises:detail", args=[cast.a.uscc])
    _log(cast)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in (2, 4, 6, 8):
        _log(cast, visited_at=datetime(2026, 11, day, 10, tzinfo=BJ), requested=True)
    with CaptureQueriesContext(connection) as many:
        html = _html(client.get(url))
    assert len(_ids(html)) == 5
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_staff_plan_a_visit_from_the_enterprise_page(cast):
    url = reverse("visits:plan_visit")
    client = _client(cast, "liaison_a")
    page = _html(client.get(reverse("enterprises:detail", args=[cast.a.uscc])))
    assert url in page and "计划走访" in page
    # a past date: the service's message, nothing written
    response = client.post(url, {"enterprise": cast.a.uscc, "planned_on": "2026-11-19"}, follow=True)
    assert "计划走访日期不能早于今天" in _html(response)
    response = client.post(url, {"enterprise": cast.a.uscc, "planned_on": ""}, follow=True)
    assert "请选择计划日期" in _html(response)
    assert PlannedVisit.objects.count() == 0
    # a good one
    response = client.post(url, {"enterprise": cast.a.uscc, "planned_on": "2026-11-25", "purpose": "了解扩产"})
    assert response.status_code == 302 and response["Location"].endswith("#enterprise-visits")
    plan = PlannedVisit.objects.get()
    assert plan.planner_id == cast.liaison_a.pk and plan.purpose == "了解扩产"
    # outside the scope, or an enterprise user: 404
    assert client.post(url, {"enterprise": cast.b.uscc, "planned_on": "2026-11-25"}).status_code == 404
    assert _client(cast, "ent_a").post(url, {"enterprise": cast.a.uscc, "planned_on": "2026-11-25"}).status_code == 404
    assert PlannedVisit.objects.count() == 1
