"""Bad input (nothing saved, a clear message and a stable code), save-back from an answered case."""

import pytest
from django.urls import reverse

from qifu.audit.models import AuditEntry
from qifu.cases.tests.conftest import drive
from qifu.core.errors import Conflict, RuleViolation
from qifu.knowledge.models import KnowledgeEntry
from qifu.knowledge.services import EntryData, knowledge_create, knowledge_save_back, knowledge_save_back_prefill


@pytest.mark.parametrize(
    ("title", "answer", "field", "message"),
    [
        ("", "有答复", "title", "请填写问题"),
        ("   ", "有答复", "title", "请填写问题"),
        ("有问题", "", "answer", "请填写答复口径"),
        ("有问题", " \n ", "answer", "请填写答复口径"),
        ("有问题", "长" * 20000, "answer", "答复口径最多10000字"),
        ("问" * 121, "有答复", "title", "问题最多120字"),
    ],
)
def test_bad_input_saves_nothing(cast, title, answer, field, message):
    with pytest.raises(RuleViolation) as exc:
        knowledge_create(actor=cast.actor(cast.jfj_handler), data=EntryData(title=title, answer=answer))
    assert exc.value.code == "knowledge_invalid" and exc.value.data["field"] == field and message in exc.value.message
    assert not KnowledgeEntry.objects.exists()


def test_bad_input_through_api_and_page(cast, api_as, client):
    api = api_as(cast.jfj_handler)
    response = api.post("/api/v1/knowledge", {"title": "用工招聘补贴", "answer": "长" * 20000})
    assert response.status_code == 422 and response.json()["code"] == "knowledge_invalid"
    assert "10000" in response.json()["detail"]
    response = api.post("/api/v1/knowledge", {"title": "", "answer": "有答复"})
    assert response.status_code == 422 and response.json()["code"] == "knowledge_invalid"
    assert api.post("/api/v1/knowledge", {"title": "x", "answer": "y", "category": "nope"}).json()["code"] == (
        "knowledge_invalid"
    )
    client.force_login(cast.jfj_handler)
    page = client.post(
        reverse("knowledge:new"), {"title": "用工招聘补贴", "answer": "长" * 20000, "state": "published"}
    )
    assert page.status_code == 422 and "答复口径最多10000字" in page.content.decode()
    page = client.post(reverse("knowledge:new"), {"title": "", "answer": "有答复", "state": "published"})
    assert page.status_code == 422 and "请填写问题" in page.content.decode()
    assert not KnowledgeEntry.objects.exists()
    assert not AuditEntry.objects.filter(action="knowledge_create").exists()


def test_create_is_audited_with_terms(cast):
    entry = knowledge_create(
        actor=cast.actor(cast.jfj_handler), data=EntryData(title="企业用电增容怎么办理？", answer="向供电公司申请。")
    )
    assert entry.department.code == "JFJ" and entry.created_by == cast.jfj_handler and "增容" in entry.search_terms
    assert AuditEntry.objects.filter(action="knowledge_create", object_id=str(entry.pk)).exists()


def test_save_back_prefill_and_link(cast):
    case = drive(cast, "resolved")  # JFJ resolved: 已协调供电公司增容
    actor = cast.actor(cast.jfj_handler)
    data = knowledge_save_back_prefill(actor=actor, case=case)
    assert data.answer == "已协调供电公司增容" and data.public is False and data.state == "draft"
    assert data.department is not None and data.department.code == "JFJ"
    entry = knowledge_save_back(actor=actor, case=case, data=data)
    assert entry.source_case_id == case.pk and entry.state == "draft" and not entry.public
    # a draft stays internal: no enterprise sees it; the head of the department publishes it
    from qifu.knowledge.selectors import knowledge_list
    from qifu.knowledge.services import knowledge_update

    assert not knowledge_list(actor=cast.actor(cast.ent_a)).filter(pk=entry.pk).exists()
    data.state, data.public = "published", True
    knowledge_update(actor=cast.actor(cast.jfj_head), entry=entry, data=data)
    assert knowledge_list(actor=cast.actor(cast.ent_a)).filter(pk=entry.pk).exists()


@pytest.mark.parametrize("who", ["kjj_handler", "leader", "liaison_a"])
def test_save_back_refused_to_others(cast, who):
    case = drive(cast, "resolved")
    with pytest.raises(Conflict) as exc:
        knowledge_save_back_prefill(actor=cast.actor(getattr(cast, who)), case=case)
    assert exc.value.code == "knowledge_save_back_refused"


def test_save_back_refused_before_the_answer(cast):
    case = drive(cast, "in_progress")
    with pytest.raises(Conflict):
        knowledge_save_back_prefill(actor=cast.actor(cast.jfj_handler), case=case)


def test_save_back_pages(cast, client):
    case = drive(cast, "closed")
    client.force_login(cast.jfj_handler)
    link = client.get(reverse("knowledge:save_back_link", args=[case.pk])).content.decode()
    assert f"/knowledge/new/?case={case.pk}" in link and "保存为答复口径" in link
    side = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("knowledge:save_back_link", args=[case.pk]) in side
    form = client.get(reverse("knowledge:new"), {"case": case.pk}).content.decode()
    assert "已协调供电公司增容" in form and case.number in form
    post = {
        "case": case.pk,
        "title": "新厂房用电增容",
        "answer": "已协调供电公司增容",
        "state": "draft",
        "department": "JFJ",
    }
    response = client.post(reverse("knowledge:new") + f"?case={case.pk}", post)
    assert response.status_code == 302
    entry = KnowledgeEntry.objects.get()
    assert entry.source_case_id == case.pk and entry.state == "draft" and entry.public is False
    client.force_login(cast.kjj_handler)  # assisted, but did not answer
    assert "保存为答复口径" not in client.get(reverse("knowledge:save_back_link", args=[case.pk])).content.decode()
    assert client.get(reverse("knowledge:new"), {"case": case.pk}).status_code == 302  # refused, back to the case
    client.force_login(cast.ent_a)
    assert (
        reverse("knowledge:save_back_link", args=[case.pk])
        not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
