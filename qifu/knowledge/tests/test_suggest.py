"""Suggestions while answering (the desk's 直接答复, the department's 办结答复) and while an
enterprise files; 使用此答复 and the use count."""

from django.urls import reverse

from qifu.cases.tests.conftest import act, drive, file
from qifu.knowledge import index
from qifu.knowledge.models import KnowledgeEntry, KnowledgeUse

FINANCING_TEXT = "我司是科技型中小企业，今年第一次从银行贷款500万元，想了解贷款利息有没有贴息政策，需要准备什么材料。"


def test_financing_case_gets_financing_entries_first(kb, cast, api_as):
    case = file(cast, text=FINANCING_TEXT, category="other")
    body = api_as(cast.desk).get(f"/api/v1/cases/{case.pk}/knowledge", {"limit": 5}).json()
    assert [e["category"] for e in body["items"][:2]] == ["financing", "financing"]
    assert body["items"][0]["title"] == "企业如何申请首贷贴息？" and 0 < body["items"][0]["score"] <= 1


def test_utilities_case_gets_the_power_entry(kb, cast, api_as):
    case = file(cast)  # 增容用电 … 供电公司 (utilities)
    items = api_as(cast.desk).get(f"/api/v1/cases/{case.pk}/knowledge").json()["items"]
    assert items[0]["title"] == "企业用电增容怎么办理？" and len(items) <= 3


def test_case_suggestions_are_scoped_like_the_case(kb, cast, api_as):
    case = file(cast, text=FINANCING_TEXT + " 风险补偿", category="financing")
    own = api_as(cast.ent_a).get(f"/api/v1/cases/{case.pk}/knowledge", {"limit": 10}).json()["items"]
    assert own and all(e["public"] and e["state"] == "published" for e in own)
    assert api_as(cast.ent_b).get(f"/api/v1/cases/{case.pk}/knowledge").status_code == 404
    assert api_as(cast.sysadmin).get(f"/api/v1/cases/{case.pk}/knowledge").status_code == 404
    desk = api_as(cast.desk).get(f"/api/v1/cases/{case.pk}/knowledge", {"limit": 10}).json()["items"]
    assert "科技贷风险补偿资金池的内部审核口径" in [e["title"] for e in desk]


def test_hooks_on_the_answer_forms(kb, cast, client):
    submitted = file(cast, text=FINANCING_TEXT, category="financing")
    client.force_login(cast.desk)
    html = client.get(reverse("cases:detail", args=[submitted.pk])).content.decode()
    assert f"/knowledge/case/{submitted.pk}/suggest/?target=f-answer" in html and "qifu/js/knowledge" in html
    working = drive(cast, "in_progress")
    client.force_login(cast.jfj_handler)
    html = client.get(reverse("cases:detail", args=[working.pk])).content.decode()
    assert f"/knowledge/case/{working.pk}/suggest/?target=f-resolve" in html
    client.force_login(cast.ent_a)
    assert "/suggest/?target=" not in client.get(reverse("cases:detail", args=[working.pk])).content.decode()


def test_suggestion_panel_offers_use_this_answer(kb, cast, client):
    case = file(cast, text=FINANCING_TEXT, category="financing")
    client.force_login(cast.desk)
    html = client.get(reverse("knowledge:case_suggestions", args=[case.pk]), {"target": "f-answer"}).content.decode()
    assert "参考答复口径" in html and "使用此答复" in html
    assert f'data-qf-kb-use="{kb.fin_pub.pk}"' in html and 'data-qf-kb-target="f-answer"' in html and "%" in html
    assert "<script" not in html  # CSP: behaviour comes from qifu/js/knowledge.js
    bad = client.get(reverse("knowledge:case_suggestions", args=[case.pk]), {"target": 'x" onclick=alert(1)'})
    assert "onclick" not in bad.content.decode() and "使用此答复" not in bad.content.decode()
    client.force_login(cast.ent_b)
    assert client.get(reverse("knowledge:case_suggestions", args=[case.pk])).status_code == 404


def test_use_is_counted_when_the_answer_is_sent(kb, cast, client):
    case = file(cast, text=FINANCING_TEXT, category="financing")
    stamp = index.current().stamp
    client.force_login(cast.desk)
    sent = kb.fin_pub.answer.replace("园区", "开发区") + "\n如有疑问请致电金融办。"
    ids = [str(kb.fin_pub.pk), str(kb.fin_int.pk), "abc", str(kb.jfj_draft.pk)]
    response = client.post(reverse("cases:act", args=[case.pk]), {"action": "answer", "answer": sent,
                                                                   "knowledge_entry": ids})  # fmt: skip
    assert response.status_code == 302
    fin_pub, fin_int, draft = (KnowledgeEntry.objects.get(pk=e.pk) for e in (kb.fin_pub, kb.fin_int, kb.jfj_draft))
    assert fin_pub.use_count == 1 and fin_pub.last_used_at is not None
    assert fin_int.use_count == 0  # offered but its words are not in the sent answer
    assert draft.use_count == 0  # a draft is never counted
    assert KnowledgeUse.objects.get().case_id == case.pk
    assert index.current().stamp == stamp  # a use does not rebuild the index


def test_resolve_counts_once_per_case(kb, cast, client):
    case = drive(cast, "in_progress")
    act(cast, "kjj_handler", "assist_reply", case, answer="科创局意见：符合条件")
    client.force_login(cast.jfj_handler)
    post = {"action": "resolve", "answer": kb.jfj_pub.answer, "knowledge_entry": [kb.jfj_pub.pk, kb.jfj_pub.pk]}
    assert client.post(reverse("cases:act", args=[case.pk]), post).status_code == 302
    assert KnowledgeEntry.objects.get(pk=kb.jfj_pub.pk).use_count == 1
    assert KnowledgeUse.objects.filter(entry=kb.jfj_pub, case=case).count() == 1


def test_a_refused_answer_counts_nothing(kb, cast, client):
    case = drive(cast, "in_progress")
    client.force_login(cast.desk)  # the desk may not resolve a department's case
    post = {"action": "resolve", "answer": kb.jfj_pub.answer, "knowledge_entry": kb.jfj_pub.pk}
    assert client.post(reverse("cases:act", args=[case.pk]), post).status_code != 302
    assert KnowledgeEntry.objects.get(pk=kb.jfj_pub.pk).use_count == 0


def test_filing_panel_suggests_public_entries(kb, cast, client):
    client.force_login(cast.ent_a)
    page = client.get(reverse("cases:new")).content.decode()
    assert reverse("knowledge:filing_suggestions") in page and 'hx-include="#id_title, #id_text"' in page
    html = client.get(reverse("knowledge:filing_suggestions"), {"title": "", "text": "想申请银行贷款贴息和风险补偿"})
    text = html.content.decode()
    assert "这些答复可能已经解决您的问题" in text and "企业如何申请首贷贴息？" in text
    assert "风险补偿资金池" not in text  # internal
    empty = client.get(reverse("knowledge:filing_suggestions"), {"text": "，，"}).content.decode()
    assert "这些答复" not in empty
    client.force_login(cast.liaison_a)
    assert reverse("knowledge:filing_suggestions") not in client.get(reverse("cases:new")).content.decode()
