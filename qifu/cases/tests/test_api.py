"""/api/v1/cases: the stable interface of PRODUCT.md §3."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from qifu.accounts.services import token_cache_clear, token_create
from qifu.cases.models import Case, CaseAttachment, CaseEvent
from qifu.cases.tests.conftest import act, drive, file
from qifu.files.tests.samples import exe_bytes, pdf_bytes
from qifu.notify.models import Delivery, DeliveryState, Notification

API = "/api/v1/cases"
PDF = pdf_bytes()
EXE = exe_bytes()


def test_an_enterprise_files_for_itself_and_gets_the_case(cast, api_as) -> None:
    response = api_as(cast.ent_a).post(API, {"category": "utilities", "title": "用电增容", "text": "新厂房需增容"})
    assert response.status_code == 201, response.content
    body = response.json()
    for key in (
        "id",
        "number",
        "state",
        "category",
        "lead_department",
        "overdue",
        "supervised",
        "deadlines",
        "timeline",
    ):
        assert key in body
    assert body["state"] == "submitted" and body["category"] == "utilities"
    assert body["enterprise"] == cast.a.uscc and body["number"].startswith("QF-")
    assert body["timeline"][0]["action"] == "file"
    assert body["status_text"].startswith("已提交")
    assert body["actions"] == ["message", "supervise", "withdraw"] or "withdraw" in body["actions"]


def test_staff_file_for_an_enterprise_in_scope(cast, api_as) -> None:
    response = api_as(cast.liaison_a).post(API, {"enterprise": cast.a.uscc, "text": "走访中发现", "channel": "visit"})
    assert response.status_code == 201
    assert response.json()["channel"] == "visit"
    assert api_as(cast.liaison_a).post(API, {"enterprise": cast.b.uscc, "text": "x"}).status_code == 404
    assert api_as(cast.jfj_handler).post(API, {"enterprise": cast.a.uscc, "text": "x"}).status_code == 404
    assert Case.objects.count() == 1


def test_filing_runs_a_fixed_number_of_queries(cast, api_as, django_assert_num_queries) -> None:
    """The token (the test client reads it cold), the enterprise with its liaison and the liaison's
    address in one read, then the writes: no read for the liaison's notice, none for the answer."""
    cast.liaison_a.email = "liaison@example.gov.cn"
    cast.liaison_a.save(update_fields=["email"])
    desk = api_as(cast.desk)
    desk.post(API, {"enterprise": cast.a.uscc, "text": "第一件"})  # the year's counter exists
    # token; enterprise; BEGIN; counter; case; two cube rows; index; event; audit head, entry, head;
    # notification; its e-mail delivery; COMMIT
    with django_assert_num_queries(15):
        response = desk.post(API, {"enterprise": cast.a.uscc, "text": "用电增容"})
    assert response.status_code == 201
    url = f"/cases/{response.json()['id']}/"
    notice = Notification.objects.get(recipient=cast.liaison_a, kind="case_filed", url=url)
    assert Delivery.objects.get(notification=notice, channel="email").state == DeliveryState.PENDING


@pytest.mark.parametrize("channels", [["email"], ["email", "sms"]])
def test_the_liaisons_notice_of_a_filing_finds_their_address_on_every_channel(cast, api_as, settings, channels) -> None:
    settings.NOTIFY_CHANNELS = channels
    settings.SMS_URL = "http://127.0.0.1:9/sms"
    cast.liaison_a.email = "liaison@example.gov.cn"
    cast.liaison_a.save(update_fields=["email"])
    number = api_as(cast.desk).post(API, {"enterprise": cast.a.uscc, "text": "用电增容"}).json()["number"]
    notice = Notification.objects.get(recipient=cast.liaison_a, kind="case_filed", title__contains=number)
    states = dict(Delivery.objects.filter(notification=notice).values_list("channel", "state"))
    assert states == {channel: DeliveryState.PENDING for channel in channels}  # the cast's staff have a mobile


def test_an_inactive_liaison_hears_nothing_of_a_filing(cast, api_as) -> None:
    cast.liaison_a.is_active = False
    cast.liaison_a.save(update_fields=["is_active"])
    assert api_as(cast.desk).post(API, {"enterprise": cast.a.uscc, "text": "用电增容"}).status_code == 201
    assert not Notification.objects.filter(recipient=cast.liaison_a).exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 422, "required"),
        ({"text": "长" * 20000}, 422, "too_long"),
        ({"text": "x", "category": "nope"}, 422, "unknown_category"),
        ({"text": "x", "urgency": "whenever"}, 422, "invalid"),
        ({"text": "x", "unexpected": 1}, 422, "invalid"),
        ({"text": "x", "enterprise": "91320583MA1XXXXXXX"}, 404, "not_found"),
    ],
)
def test_bad_filings(cast, api_as, body, status, code) -> None:
    response = api_as(cast.ent_a).post(API, body)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert Case.objects.count() == 0


def test_another_enterprises_case_is_refused(cast, api_as) -> None:
    response = api_as(cast.ent_a).post(API, {"enterprise": cast.b.uscc, "text": "替乙企业提"})
    assert response.status_code == 404
    assert Case.objects.count() == 0


def test_actions_walk_the_lifecycle_and_illegal_ones_answer_409(cast, api_as) -> None:
    case_id = api_as(cast.ent_a).post(API, {"category": "utilities", "text": "用电"}).json()["id"]
    url = f"{API}/{case_id}/actions"
    refused = api_as(cast.jfj_handler).post(url, {"action": "sign"})
    assert refused.status_code == 404  # not dispatched yet: not the department's case
    assert api_as(cast.desk).post(url, {"action": "sign"}).json()["code"] == "action_not_allowed"
    assert api_as(cast.desk).post(url, {"action": "accept"}).status_code == 200
    body = api_as(cast.desk).post(url, {"action": "dispatch", "lead": "JFJ", "assist": ["KJJ"]}).json()
    assert body["state"] == "dispatched" and body["lead_department"] == "JFJ"
    assert [p["department"] for p in body["assist"]] == ["KJJ"]
    assert api_as(cast.jfj_handler).post(url, {"action": "sign"}).json()["state"] == "in_progress"
    conflict = api_as(cast.jfj_handler).post(url, {"action": "sign"})
    assert conflict.status_code == 409 and conflict.json()["code"] == "action_not_allowed"
    assert api_as(cast.jfj_handler).post(url, {"action": "resolve", "answer": "x"}).json()["code"] == "parts_open"
    assert api_as(cast.kjj_handler).post(url, {"action": "assist_reply", "answer": "同意"}).status_code == 200
    assert api_as(cast.jfj_handler).post(url, {"action": "resolve", "answer": "已协调"}).json()["state"] == "resolved"
    rated = api_as(cast.ent_a).post(url, {"action": "rate", "solved": "solved", "satisfaction": "satisfied"})
    assert rated.json()["state"] == "closed" and rated.json()["rating"]["satisfaction"] == "satisfied"
    after = api_as(cast.ent_a).post(url, {"action": "withdraw"})
    assert after.status_code == 409
    assert api_as(cast.ent_a).post(url, {"action": "fly"}).json()["code"] == "unknown_action"


def test_the_enterprise_sees_public_events_only(cast, api_as) -> None:
    case = drive(cast, "in_progress")
    act(cast, "jfj_handler", "message", case, text="内部备注", public=False)
    act(cast, "jfj_handler", "message", case, text="公开答复", public=True)
    mine = api_as(cast.ent_a).get(f"{API}/{case.pk}").json()
    texts = [e["text"] for e in mine["timeline"]]
    assert "公开答复" in texts and "内部备注" not in texts
    assert mine["handler"] is None and mine["assist"] == []
    messages = api_as(cast.ent_a).get(f"{API}/{case.pk}/messages").json()
    assert [m["text"] for m in messages] == ["公开答复"]
    staff = api_as(cast.jfj_handler).get(f"{API}/{case.pk}/messages").json()
    assert [m["text"] for m in staff] == ["内部备注", "公开答复"]


def test_messages_post(cast, api_as) -> None:
    case = drive(cast, "dispatched")
    response = api_as(cast.ent_a).post(f"{API}/{case.pk}/messages", {"text": "请问何时办理？"})
    assert response.status_code == 201 and response.json()["public"] is True
    note = api_as(cast.desk).post(f"{API}/{case.pk}/messages", {"text": "内部", "public": False})
    assert note.json()["public"] is False
    assert api_as(cast.ent_b).post(f"{API}/{case.pk}/messages", {"text": "x"}).status_code == 404


def _upload(user: Any, case_id: int, name: str, content: bytes, public: str = "true") -> Any:
    token_cache_clear()
    client = Client()
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(
        f"{API}/{case_id}/attachments",
        {"files": [upload], "text": "附件", "public": public},
        headers={"Authorization": f"Bearer {token_create(user=user)}"},
    )


def test_attachments_upload_and_download_with_permission(cast, django_capture_on_commit_callbacks) -> None:
    case = drive(cast, "in_progress")
    # the test's transaction never commits: run the on-commit hooks that keep the stored files
    with django_capture_on_commit_callbacks(execute=True):
        ok = _upload(cast.ent_a, case.pk, "营业执照.pdf", PDF)
    assert ok.status_code == 201, ok.content
    att = ok.json()["attachments"][0]
    assert att["name"] == "营业执照.pdf" and att["content_type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        internal = _upload(cast.jfj_handler, case.pk, "内部.pdf", PDF, public="false")
    internal_att = internal.json()["attachments"][0]
    token = token_create(user=cast.ent_a)
    got = Client().get(att["url"], headers={"Authorization": f"Bearer {token}"})
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert got["Content-Disposition"].startswith("attachment")
    token_cache_clear()
    hidden = Client().get(internal_att["url"], headers={"Authorization": f"Bearer {token}"})
    assert hidden.status_code == 404
    token_cache_clear()
    other = Client().get(att["url"], headers={"Authorization": f"Bearer {token_create(user=cast.ent_b)}"})
    assert other.status_code == 404


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_an_executable_renamed_pdf_is_refused_and_nothing_changes(cast, tmp_path, settings) -> None:
    settings.FILES_DIR = tmp_path
    case = drive(cast, "in_progress")
    events = CaseEvent.objects.filter(case=case).count()
    response = _upload(cast.ent_a, case.pk, "合同.pdf", EXE)
    assert response.status_code == 422 and response.json()["code"] == "file_type_not_allowed"
    assert CaseEvent.objects.filter(case=case).count() == events
    assert not CaseAttachment.objects.exists()
    assert not _stored_files(tmp_path)


def test_a_25_mb_upload_is_refused(cast, tmp_path, settings) -> None:
    settings.FILES_DIR = tmp_path
    case = drive(cast, "in_progress")
    response = _upload(cast.ent_a, case.pk, "大文件.pdf", PDF + b"0" * (25 * 1024 * 1024))
    assert response.status_code in (413, 422)
    assert response.json()["code"] == "file_too_large"
    assert not CaseAttachment.objects.exists()
    assert not _stored_files(tmp_path)


def test_an_out_of_scope_upload_is_404(cast, tmp_path, settings) -> None:
    settings.FILES_DIR = tmp_path
    case = drive(cast, "in_progress")
    assert _upload(cast.ent_b, case.pk, "x.pdf", PDF).status_code == 404
    assert not _stored_files(tmp_path)


def test_list_filters_and_a_fixed_number_of_queries(cast, api_as, django_assert_max_num_queries) -> None:
    for _ in range(3):
        drive(cast, "in_progress")
    file(cast)
    desk = api_as(cast.desk)
    assert desk.get(API, {"state": "in_progress"}).json()["count"] == 3
    assert desk.get(API, {"state": ["in_progress", "submitted"]}).json()["count"] == 4
    assert desk.get(API, {"department": "JFJ"}).json()["count"] == 3
    assert desk.get(API, {"assist_department": "KJJ"}).json()["count"] == 3
    assert desk.get(API, {"enterprise": cast.b.uscc}).json()["count"] == 0
    assert desk.get(API, {"overdue": "true"}).json()["count"] == 0
    assert api_as(cast.jfj_handler).get(API, {"pending": "in_progress"}).json()["count"] == 3
    with django_assert_max_num_queries(8):
        few = desk.get(API, {"limit": 2}).json()
    for _ in range(5):
        drive(cast, "dispatched")
    with django_assert_max_num_queries(8):
        many = desk.get(API, {"limit": 50}).json()
    assert len(few["items"]) == 2 and len(many["items"]) == 9


def test_detail_has_a_fixed_number_of_queries(cast, api_as, django_assert_max_num_queries) -> None:
    case = drive(cast, "in_progress")
    for n in range(10):
        act(cast, "jfj_handler", "progress", case, note=f"进展{n}")
    with django_assert_max_num_queries(16):
        assert api_as(cast.desk).get(f"{API}/{case.pk}").status_code == 200
