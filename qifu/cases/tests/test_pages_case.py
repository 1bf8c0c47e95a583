"""The case-centred pages (issue 3 items 5–6): 提诉求, 我的诉求, the case page, its actions, the live
poll and attachment downloads — per role, with bad input, with the enterprise's view of internal
work, and with query counts that stay fixed however long the timeline grows."""

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.cases.models import Case, CaseAttachment, CaseEvent
from qifu.cases.services import case_act
from qifu.cases.tests.conftest import act, drive, file
from qifu.conftest import Cast
from qifu.files.models import StoredFile
from qifu.files.scanning import EicarScanner
from qifu.files.tests.samples import EICAR, exe_bytes, pdf_bytes, upload

BJ = ZoneInfo("Asia/Shanghai")
NEW = "/cases/new/"
MINE = "/cases/mine/"
POLL = re.compile(r'id="case-poll"[^>]*hx-get="([^"]+)"')
INTERNAL = "内部备注：企业资金链紧张，先协调银行"


@pytest.fixture(autouse=True)
def _monday_morning() -> Iterator[None]:
    """Monday 2 March 2026, 10:00 in Beijing (a working day in the Chinese calendar)."""
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=BJ), tick=False):
        yield


@pytest.fixture(autouse=True)
def files_dir(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "files"
    settings.FILES_DIR = path
    settings.UPLOAD_MAX_MB = 20
    settings.FILES_SCANNER = f"{EicarScanner.__module__}.{EicarScanner.__qualname__}"
    return path


def _client(cast: Cast, who: str) -> Client:
    client = Client()
    client.force_login(getattr(cast, who))
    return client


def _html(response: Any) -> str:
    return str(response.content.decode())


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _poll_url(html: str) -> str:
    found = POLL.search(html)
    assert found, "the case page has no live poll"
    return found.group(1).replace("&amp;", "&")


# --- each page per role -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("ent_a", 200),
        ("liaison_a", 200),
        ("desk", 200),
        ("leader", 404),
        ("jfj_handler", 404),
        ("jfj_head", 404),
        ("sysadmin", 404),
        ("auditor", 404),
    ],
)
def test_the_filing_page_per_role_case(cast, who, status) -> None:
    response = _client(cast, who).get(NEW)
    assert response.status_code == status
    if status == 200:
        html = _html(response)
        assert "不确定可不选，由服务专班分办" in html
        assert "20 MB" in html  # the limit is shown before choosing a file
        assert ('name="enterprise"' in html) is (who != "ent_a")
        assert ('name="channel"' in html) is (who != "ent_a")


@pytest.mark.parametrize(("who", "status"), [("ent_a", 200), ("ent_b", 200), ("desk", 404), ("liaison_a", 404)])
def test_my_requests_page_per_role_case(cast, who, status) -> None:
    case = drive(cast, "in_progress")
    response = _client(cast, who).get(MINE)
    assert response.status_code == status
    if who == "ent_a":
        html = _html(response)
        assert case.number in html and f'href="/cases/{case.pk}/"' in html
        assert "正在办理 · 经济发展局" in html and "剩" in html  # plain status and working days left
        assert "in_progress" not in re.sub(r'class="[^"]*"', "", html)  # no internal code as text
    if who == "ent_b":
        assert case.number not in _html(response)


SEES_DISPATCHED = {
    "ent_a": 200,
    "liaison_a": 200,
    "desk": 200,
    "leader": 200,
    "jfj_handler": 200,
    "jfj_head": 200,
    "kjj_handler": 200,  # assisting
    "kjj_head": 200,
    "ent_b": 404,
    "liaison_b": 404,
    "deputy": 404,
    "sysadmin": 404,
    "secadmin": 404,
    "auditor": 404,
}


@pytest.mark.parametrize(("who", "status"), list(SEES_DISPATCHED.items()))
def test_the_case_page_and_its_endpoints_per_role_case(cast, files_dir, who, status) -> None:
    # given a dispatched case (JFJ leads, KJJ assists) with an attachment from filing
    case = drive(cast, "dispatched")
    _attach(cast, case)
    attachment = CaseAttachment.objects.get(case=case)
    client = _client(cast, who)
    # when / then: the page, the poll, the download and an action answer alike
    assert client.get(f"/cases/{case.pk}/").status_code == status
    assert client.get(f"/cases/{case.pk}/updates/", {"after": 0}).status_code == status
    download = client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    assert download.status_code == status
    if status == 404:
        assert client.post(f"/cases/{case.pk}/act/", {"action": "message", "text": "x"}).status_code == 404
        assert case.number not in _html(client.get(f"/cases/{case.pk}/"))
    else:
        assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_case_page_of_a_missing_case_is_404(cast) -> None:
    assert _client(cast, "desk").get("/cases/999999/").status_code == 404


# --- filing ---------------------------------------------------------------------------------------


def _pdf(name: str = "营业执照.pdf") -> Any:
    return upload(name, pdf_bytes())


def _attach(cast: Cast, case: Case, *names: str) -> None:
    """Files through the service (outside a request, so the test's never-committed transaction
    does not make the upload guard delete them at the end of the request)."""
    files = [_pdf(n) for n in names or ("营业执照.pdf",)]
    case_act(actor=Actor.of(cast.ent_a), case_id=case.pk, action="message", payload={"text": "附上材料"}, files=files)


def test_the_enterprise_files_with_attachments_and_lands_on_its_case(cast, files_dir) -> None:
    client = _client(cast, "ent_a")
    response = client.post(
        NEW,
        {
            "category": "utilities",
            "kind": "help",
            "urgency": "urgent",
            "title": "新厂房用电增容",
            "text": "我司新厂房需要增容用电，请协调供电公司。",
            "attachments": [_pdf(), _pdf("负荷清单.pdf")],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.enterprise_id, case.channel, case.urgency, case.title) == (
        cast.a.pk,
        "portal",
        "urgent",
        "新厂房用电增容",
    )
    assert CaseAttachment.objects.filter(case=case, public=True).count() == 2
    html = _html(client.get(response["Location"]))
    assert "营业执照.pdf" in html and "负荷清单.pdf" in html
    assert "已提交，等待受理" in html  # the plain status line


def test_a_liaison_files_for_its_enterprise_by_name(cast) -> None:
    response = _client(cast, "liaison_a").post(
        NEW, {"enterprise": cast.a.name, "channel": "visit", "kind": "help", "urgency": "normal", "text": "走访中发现"}
    )
    assert response.status_code == 302
    assert Case.objects.get().channel == "visit"


def test_the_enterprise_options_are_within_the_scope(cast) -> None:
    liaison = _client(cast, "liaison_a")
    assert cast.a.uscc in _html(liaison.get("/cases/new/enterprises/", {"enterprise": "昆山"}))
    assert cast.b.uscc not in _html(liaison.get("/cases/new/enterprises/", {"enterprise": "昆山"}))
    assert _client(cast, "ent_a").get("/cases/new/enterprises/", {"enterprise": "昆山"}).status_code == 404


BASE = {"kind": "help", "urgency": "normal"}


@pytest.mark.parametrize(
    ("who", "post", "message"),
    [
        ("ent_a", {"text": "  "}, "请填写诉求内容"),
        ("ent_a", {"text": "长" * 20000}, "诉求内容不能超过10000个字（现有20000个字）"),
        ("ent_a", {"text": "x", "category": "no_such_category"}, "诉求类别“no_such_category”不存在"),
        ("ent_a", {"text": "x", "enterprise": "B"}, "没有找到这家企业"),  # B's USCC smuggled in
        ("liaison_a", {"text": "x", "enterprise": "B", "channel": "visit"}, "没有找到这家企业"),  # out of scope
        ("liaison_a", {"text": "x", "enterprise": "", "channel": "visit"}, "请填写企业名称或统一社会信用代码"),
    ],
    ids=["empty_text", "20000_chars", "unknown_category", "smuggled_enterprise", "out_of_scope", "no_enterprise"],
)
def test_bad_filings_say_why_in_chinese_and_store_nothing_case(cast, files_dir, who, post, message) -> None:
    data = {**BASE, **post, "attachments": [_pdf()]}
    if data.get("enterprise") == "B":
        data["enterprise"] = cast.b.uscc
    client = _client(cast, who)
    audits = AuditEntry.objects.count()
    response = client.post(NEW, data)
    assert response.status_code == 200
    html = _html(response)
    assert message in html
    assert 'role="alert"' in html
    assert not Case.objects.exists() and not StoredFile.objects.exists() and _stored(files_dir) == []
    assert AuditEntry.objects.count() == audits


def test_an_executable_renamed_pdf_is_refused_beside_the_field(cast, files_dir) -> None:
    response = _client(cast, "ent_a").post(
        NEW, {**BASE, "text": "合同见附件", "attachments": [upload("合同.pdf", exe_bytes())]}
    )
    html = _html(response)
    assert response.status_code == 200
    assert "文件内容与扩展名 .pdf 不符" in html or "不支持该文件类型" in html
    assert re.search(r'id="id_attachments".*?invalid-feedback d-block" role="alert">[^<]*(不符|不支持)', html, re.S)
    assert not Case.objects.exists() and not StoredFile.objects.exists() and _stored(files_dir) == []


def test_an_accepted_file_is_not_kept_when_a_later_one_is_refused(cast, files_dir) -> None:
    files = [
        _pdf(),
        upload("病毒.pdf", pdf_bytes(EICAR)),
    ]
    response = _client(cast, "ent_a").post(NEW, {**BASE, "text": "两份材料", "attachments": files})
    assert "病毒扫描" in _html(response)
    assert not Case.objects.exists() and not StoredFile.objects.exists() and _stored(files_dir) == []


def test_a_25_mb_file_is_refused_before_it_is_read(cast, files_dir) -> None:
    big = upload("大文件.pdf", pdf_bytes() + b"0" * (25 * 1024 * 1024))
    response = _client(cast, "ent_a").post(NEW, {**BASE, "text": "附件很大", "attachments": [big]})
    assert response.status_code == 413
    assert "不能超过 20 MB" in _html(response)
    assert not Case.objects.exists() and _stored(files_dir) == []


def test_a_file_over_the_limit_within_the_request_limit_is_refused_beside_the_field(cast, files_dir, settings) -> None:
    settings.UPLOAD_MAX_MB = 1
    big = upload("扫描件.pdf", pdf_bytes() + b"0" * (2 * 1024 * 1024))
    response = _client(cast, "ent_a").post(NEW, {**BASE, "text": "附件稍大", "attachments": [big]})
    assert response.status_code == 200
    assert "文件过大：单个附件不能超过 1 MB" in _html(response)
    assert not Case.objects.exists() and _stored(files_dir) == []


# --- what the enterprise sees ---------------------------------------------------------------------


def _internal_work(cast: Cast, case: Case) -> None:
    act(cast, "jfj_handler", "message", case, text=INTERNAL, public=False)
    act(cast, "jfj_head", "assign", case, handler="jfj_handler")
    act(cast, "jfj_handler", "request_extension", case, days=5, reason="需要现场勘察，理由保密")


def test_the_enterprise_never_sees_internal_notes_or_events(cast) -> None:
    # given a case in progress with an internal note, an assignment and an extension request
    case = drive(cast, "in_progress")
    _internal_work(cast, case)
    # when the enterprise opens the page
    html = _html(_client(cast, "ent_a").get(f"/cases/{case.pk}/"))
    # then only public events show, in plain words, and no internal code or name
    assert INTERNAL not in html and "理由保密" not in html and "经发承办" not in html
    assert "内部备注" not in html and "申请延期" not in html and "指派" not in html
    assert "正在办理 · 经济发展局 · 预计" in html
    assert "科技创新局" not in re.sub(r"转交[^<]*协办", "", html)  # the assisting part is staff-only
    # while staff see all of it
    staff = _html(_client(cast, "jfj_head").get(f"/cases/{case.pk}/"))
    assert INTERNAL in staff and "理由保密" in staff and "同意延期" in staff


def test_the_poll_shows_the_enterprise_nothing_of_internal_work(cast) -> None:
    case = drive(cast, "in_progress")
    ent = _client(cast, "ent_a")
    poll = _poll_url(_html(ent.get(f"/cases/{case.pk}/")))
    _internal_work(cast, case)
    response = ent.get(poll)
    assert response.status_code == 204
    # and when the department answers publicly, the answer arrives but the note does not
    act(cast, "jfj_handler", "message", case, text="已联系供电公司，本周内现场勘察")
    response = ent.get(poll)
    assert response.status_code == 200
    html = _html(response)
    assert "本周内现场勘察" in html and INTERNAL not in html and "理由保密" not in html


# --- actions through the page ---------------------------------------------------------------------


def _post(client: Client, case: Case, **data: Any) -> Any:
    return client.post(f"/cases/{case.pk}/act/", data)


def test_the_lifecycle_through_the_page(cast) -> None:
    case = file(cast)
    desk, handler, ent = _client(cast, "desk"), _client(cast, "jfj_handler"), _client(cast, "ent_a")
    assert _post(desk, case, action="accept").status_code == 302
    # the desk's dispatch form offers departments and categories
    html = _html(desk.get(f"/cases/{case.pk}/"))
    assert 'name="lead"' in html and 'name="assist"' in html and 'name="green_channel"' in html
    response = _post(desk, case, action="dispatch", lead="JFJ", assist="KJJ", green_channel="1", category="utilities")
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.pk}/#case-timeline")
    case.refresh_from_db()
    assert (case.state, case.lead_department_id, case.green_channel) == (
        "dispatched",
        cast.jfj_head.department_id,
        True,
    )
    assert _post(handler, case, action="sign").status_code == 302
    act(cast, "kjj_handler", "assist_reply", case, answer="同意")
    assert _post(handler, case, action="resolve", answer="已协调供电公司增容").status_code == 302
    page = _html(ent.get(f"/cases/{case.pk}/"))
    assert "已办结，请您评价" in page and 'name="satisfaction"' in page
    assert _post(ent, case, action="rate", solved="solved", satisfaction="satisfied", comment="很快").status_code == 302
    case.refresh_from_db()
    assert case.state == "closed" and case.satisfaction == "satisfied"


@pytest.mark.parametrize(
    ("who", "state", "post", "status", "message"),
    [
        ("ent_a", "submitted", {"action": "accept"}, 409, "诉求当前为“待受理”，不能受理"),
        ("jfj_handler", "in_progress", {"action": "resolve", "answer": ""}, 422, "请填写答复内容"),
        (
            "jfj_handler",
            "in_progress",
            {"action": "request_extension", "days": "99", "reason": "x"},
            422,
            "请填写1到60之间",
        ),
        ("desk", "accepted", {"action": "dispatch", "lead": "JFJ", "assist": "JFJ"}, 422, "协办部门不能重复"),
        ("ent_a", "resolved", {"action": "rate", "solved": "solved"}, 422, "满意度的取值"),
        ("jfj_handler", "dispatched", {"action": "no_such_action"}, 422, "未知的操作"),
    ],
    ids=["not_allowed", "empty_answer", "extension_range", "assist_same_as_lead", "rating_incomplete", "unknown"],
)
def test_a_refused_action_shows_its_chinese_message_and_changes_nothing_case(
    cast, who, state, post, status, message
) -> None:
    # given
    case = drive(cast, state)
    client = _client(cast, who)
    before = (case.state, CaseEvent.objects.filter(case=case).count(), AuditEntry.objects.count())
    # when
    response = client.post(f"/cases/{case.pk}/act/", post)
    # then
    assert response.status_code == status
    html = _html(response)
    assert message in html and 'id="case-error"' in html
    case.refresh_from_db()
    assert (case.state, CaseEvent.objects.filter(case=case).count(), AuditEntry.objects.count()) == before


def test_the_typed_text_survives_a_refusal(cast) -> None:
    case = drive(cast, "in_progress")
    act(cast, "jfj_handler", "request_info", case, question="请补充负荷清单")
    response = _client(cast, "jfj_handler").post(f"/cases/{case.pk}/act/", {"action": "resolve", "answer": "答复草稿"})
    assert response.status_code in (409, 422)
    assert "企业尚未补充材料" in _html(response) or "不能" in _html(response)


def test_staff_choose_public_message_or_internal_note(cast) -> None:
    case = drive(cast, "in_progress")
    handler = _client(cast, "jfj_handler")
    html = _html(handler.get(f"/cases/{case.pk}/"))
    assert "公开留言" in html and "内部备注" in html
    _post(handler, case, action="message", text="内部：先问银行", visibility="internal")
    _post(handler, case, action="message", text="公开：正在办理", visibility="public")
    messages = list(CaseEvent.objects.filter(case=case, action="message").values_list("text", "public"))
    assert messages == [("内部：先问银行", False), ("公开：正在办理", True)]
    ent_html = _html(_client(cast, "ent_a").get(f"/cases/{case.pk}/"))
    assert "公开：正在办理" in ent_html and "先问银行" not in ent_html and "公开留言" not in ent_html


def test_the_enterprise_answers_an_information_request_and_sees_the_pause(cast) -> None:
    case = drive(cast, "in_progress")
    act(cast, "jfj_handler", "request_info", case, question="请补充用电负荷清单")
    ent = _client(cast, "ent_a")
    html = _html(ent.get(f"/cases/{case.pk}/"))
    assert "需要您补充材料" in html and "请补充用电负荷清单" in html and 'value="provide_info"' in html
    with time_machine.travel(datetime(2026, 3, 4, 10, tzinfo=BJ), tick=False):
        ent = _client(cast, "ent_a")  # two days on: a fresh session (the idle timeout is shorter)
        response = _post(ent, case, action="provide_info", answer="负荷清单如下")
        assert response.status_code == 302 and response["Location"].startswith(f"/cases/{case.pk}/")
        html = _html(ent.get(f"/cases/{case.pk}/"))
    assert "办理时限暂停2个工作日" in html and "负荷清单如下" in html


def test_withdraw_asks_for_confirmation(cast) -> None:
    case = drive(cast, "submitted")
    ent = _client(cast, "ent_a")
    html = _html(ent.get(f"/cases/{case.pk}/"))
    assert 'data-qf-confirm="确定撤回这条诉求吗？' in html
    assert _post(ent, case, action="withdraw", reason="已自行解决").status_code == 302
    case.refresh_from_db()
    assert case.state == "withdrawn"
    assert 'id="case-poll" hidden>' in _html(ent.get(f"/cases/{case.pk}/"))  # a final state: no polling


def test_only_the_actions_the_actor_may_take_are_offered(cast) -> None:
    case = drive(cast, "dispatched")
    buttons = re.compile(r'data-action="([a-z_]+)"')
    assert set(buttons.findall(_html(_client(cast, "jfj_handler").get(f"/cases/{case.pk}/")))) == {"sign", "return"}
    assert set(buttons.findall(_html(_client(cast, "jfj_head").get(f"/cases/{case.pk}/")))) == {
        "sign",
        "assign",
        "return",
    }
    assist = {"assist_sign", "assist_reply"}  # a reply without signing first signs too
    assert set(buttons.findall(_html(_client(cast, "kjj_handler").get(f"/cases/{case.pk}/")))) == assist
    assert set(buttons.findall(_html(_client(cast, "ent_a").get(f"/cases/{case.pk}/")))) == {"withdraw"}
    assert set(buttons.findall(_html(_client(cast, "leader").get(f"/cases/{case.pk}/")))) == {"supervise"}


# --- the live poll --------------------------------------------------------------------------------


def test_the_poll_is_empty_when_nothing_changed_and_brings_the_change(cast) -> None:
    # given the enterprise's page open on a submitted case
    case = file(cast)
    ent = _client(cast, "ent_a")
    poll = _poll_url(_html(ent.get(f"/cases/{case.pk}/")))
    assert ent.get(poll).status_code == 204
    # when the desk accepts it
    act(cast, "desk", "accept", case)
    event = CaseEvent.objects.filter(case=case).latest("id")
    # then the poll brings the new row and the redrawn status line, out of band
    response = ent.get(poll)
    html = _html(response)
    assert response.status_code == 200
    assert f'id="ev-{event.pk}"' in html and 'hx-swap-oob="beforeend:#case-timeline"' in html
    assert 'id="case-head"' in html and "已受理，正在安排责任部门" in html
    assert re.search(r'id="case-poll"[^>]*hx-swap-oob="true"', html)
    # and the next poll, from the new stamp, is empty again
    assert ent.get(_poll_url(html)).status_code == 204


def test_the_poll_redraws_the_forms_only_when_they_change(cast) -> None:
    case = drive(cast, "in_progress")
    handler = _client(cast, "jfj_handler")
    poll = _poll_url(_html(handler.get(f"/cases/{case.pk}/")))
    act(cast, "ent_a", "message", case, text="请问进展？")
    html = _html(handler.get(poll))
    assert "请问进展？" in html and 'id="case-side"' not in html  # a message: the forms stay as typed
    act(cast, "jfj_handler", "request_info", case, question="请补充清单")
    html = _html(handler.get(_poll_url(html)))
    assert 'id="case-side"' in html  # the state of the forms changed (paused)


# --- query counts ---------------------------------------------------------------------------------


def _grow(cast: Cast, case: Case, n: int) -> None:
    for i in range(n):
        act(cast, "ent_a", "message", case, text=f"留言{i}")
        act(cast, "jfj_handler", "message", case, text=f"答复{i}")


@pytest.mark.parametrize("who", ["ent_a", "jfj_handler", "jfj_head", "desk"])
def test_the_case_page_runs_a_fixed_number_of_queries_case(cast, files_dir, django_assert_max_num_queries, who) -> None:
    # given two cases, one with a short and one with a long timeline (with attachments)
    short, long = drive(cast, "in_progress"), drive(cast, "in_progress")
    _grow(cast, long, 15)
    _attach(cast, long, "a.pdf", "b.pdf")
    client = _client(cast, who)
    client.get(f"/cases/{short.pk}/")  # warm the per-process caches (calendar, content types)
    # then both pages run the same bounded number of queries
    with django_assert_max_num_queries(20) as short_queries:
        assert client.get(f"/cases/{short.pk}/").status_code == 200
    with django_assert_max_num_queries(len(short_queries.captured_queries)):
        assert client.get(f"/cases/{long.pk}/").status_code == 200


SIDE_TABLES = ("cases_casepart", "cases_extension", "cases_returnrequest", "cases_inforequest", "commons_casemerge")


def _tables_read(client: Client, case: Case, capture: Any) -> set[str]:
    with capture(20) as queries:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    return {table for table in SIDE_TABLES if f'"{table}"' in sql}


def test_the_case_page_reads_only_the_side_tables_its_timeline_names(cast, django_assert_max_num_queries) -> None:
    # given a new case: nothing was dispatched, returned, extended, asked or merged
    case = file(cast)
    head = _client(cast, "jfj_head")
    desk = _client(cast, "desk")
    # then its page reads none of those tables
    assert _tables_read(desk, case, django_assert_max_num_queries) == set()
    # when it is dispatched with an assisting department, asked for information, extended and returned
    case = drive(cast, "in_progress")
    act(cast, "jfj_handler", "request_info", case, question="请补充用电负荷清单")
    act(cast, "ent_a", "provide_info", case, answer="清单已上传")
    act(cast, "jfj_handler", "request_extension", case, days=5, reason="需供电公司现场勘察")
    act(cast, "jfj_handler", "return", case, reason="不属于本部门职责")
    # then staff pages read each table and show what waits on someone
    assert _tables_read(head, case, django_assert_max_num_queries) == set(SIDE_TABLES) - {"commons_casemerge"}
    html = _html(head.get(f"/cases/{case.pk}/"))
    assert 'id="pending-extension"' in html and "需供电公司现场勘察" in html
    assert 'id="pending-return"' in html and "不属于本部门职责" in html
    assert 'id="h-parts"' in html and "科技创新局" in html
    assert 'id="h-info"' in html and "请补充用电负荷清单" in html
    # and the enterprise's page asks only for its information requests (the rest is internal)
    ent = _client(cast, "ent_a")
    assert _tables_read(ent, case, django_assert_max_num_queries) == {"cases_inforequest"}
    assert "请补充用电负荷清单" in _html(ent.get(f"/cases/{case.pk}/"))


def test_the_poll_costs_one_query_when_nothing_changed(cast, django_assert_max_num_queries) -> None:
    case = drive(cast, "in_progress")
    _grow(cast, case, 10)
    for who in ("ent_a", "jfj_handler"):
        client = _client(cast, who)
        poll = _poll_url(_html(client.get(f"/cases/{case.pk}/")))
        with django_assert_max_num_queries(3):  # the session, the user, the stamp
            assert client.get(poll).status_code == 204


def test_the_poll_with_changes_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries) -> None:
    short, long = drive(cast, "in_progress"), drive(cast, "in_progress")
    _grow(cast, long, 15)
    client = _client(cast, "jfj_handler")
    counts = []
    for case in (short, long):
        poll = _poll_url(_html(client.get(f"/cases/{case.pk}/")))
        act(cast, "ent_a", "message", case, text="新的留言")
        with django_assert_max_num_queries(20) as queries:
            assert client.get(poll).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
