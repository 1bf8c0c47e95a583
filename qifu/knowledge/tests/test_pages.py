"""The pages: 知识库 for staff (filters, create, edit, retire, detail), 常见问题答复 for enterprises."""

import pytest
from django.urls import reverse

from qifu.knowledge.models import KnowledgeEntry


def test_staff_list_with_filters(kb, cast, client):
    client.force_login(cast.jfj_handler)
    html = client.get(reverse("knowledge:list")).content.decode()
    assert "知识库" in html and "新建答复口径" in html and "技改补贴申报材料清单" in html  # its own draft
    html = client.get(reverse("knowledge:list"), {"department": "KJJ", "public": "0"}).content.decode()
    assert "研发费用加计扣除核查的内部口径" in html and "高新技术企业认定" not in html
    fragment = client.get(reverse("knowledge:list"), {"q": "贷款"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="kb-results"' in fragment and "<html" not in fragment and "按相关度排序" in fragment
    client.force_login(cast.leader)
    assert "新建答复口径" not in client.get(reverse("knowledge:list")).content.decode()


def test_enterprise_browse_page(kb, cast, client):
    client.force_login(cast.ent_a)
    html = client.get(reverse("knowledge:list")).content.decode()
    assert "常见问题答复" in html and "企业如何申请首贷贴息？" in html
    assert "风险补偿资金池" not in html and "技改补贴" not in html and "2023年研发费用补助" not in html
    assert 'name="viewport"' in html  # the base layout: mobile-friendly
    assert "使用次数" not in html and "新建答复口径" not in html
    html = client.get(reverse("knowledge:list"), {"q": "用电"}).content.decode()
    assert "企业用电增容怎么办理？" in html and "首贷贴息" not in html
    assert reverse("knowledge:list") in client.get(reverse("dashboard:home")).content.decode()  # in the nav
    detail = client.get(reverse("knowledge:detail", args=[kb.fin_pub.pk])).content.decode()
    assert "贷款发放后三个月内" in detail and "编辑" not in detail
    assert client.get(reverse("knowledge:detail", args=[kb.fin_int.pk])).status_code == 404


def test_create_edit_retire_pages(kb, cast, client):
    client.force_login(cast.kjj_handler)
    form = client.get(reverse("knowledge:new")).content.decode()
    assert 'value="KJJ"' in form and 'value="JFJ"' not in form  # own department only
    post = {"title": "科技型中小企业评价怎么办？", "answer": "在科技部平台自评。", "keywords": "科小、评价",
            "category": "innovation", "department": "KJJ", "state": "published", "public": "on"}  # fmt: skip
    response = client.post(reverse("knowledge:new"), post)
    entry = KnowledgeEntry.objects.get(title="科技型中小企业评价怎么办？")
    assert response.status_code == 302 and entry.public and entry.keywords == "科小 评价"
    assert response["Location"] == reverse("knowledge:detail", args=[entry.pk])
    edit = client.post(reverse("knowledge:edit", args=[entry.pk]), {**post, "answer": "在科技部平台自评，每年更新。"})
    assert edit.status_code == 302
    entry.refresh_from_db()
    assert entry.answer.endswith("每年更新。") and entry.updated_by == cast.kjj_handler
    assert client.post(reverse("knowledge:retire", args=[entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert entry.state == "retired"
    assert client.get(reverse("knowledge:edit", args=[kb.jfj_pub.pk])).status_code == 404  # not its department
    assert client.post(reverse("knowledge:retire", args=[kb.jfj_pub.pk])).status_code == 404


@pytest.mark.parametrize("who", ["leader", "liaison_a", "deputy", "ent_a"])
def test_readers_cannot_write(kb, cast, client, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("knowledge:new")).status_code == 404
    assert client.get(reverse("knowledge:edit", args=[kb.fin_pub.pk])).status_code == 404
    assert client.post(reverse("knowledge:retire", args=[kb.fin_pub.pk])).status_code == 404
    assert client.get(reverse("knowledge:detail", args=[kb.fin_pub.pk])).status_code == 200


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_admins_get_404(kb, cast, client, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("knowledge:list")).status_code == 404
    assert client.get(reverse("knowledge:detail", args=[kb.fin_pub.pk])).status_code == 404


def test_desk_edits_any_department(kb, cast, client):
    client.force_login(cast.desk)
    detail = client.get(reverse("knowledge:detail", args=[kb.jfj_draft.pk])).content.decode()
    assert "编辑" in detail and "停用" in detail
    post = {"title": kb.jfj_draft.title, "answer": kb.jfj_draft.answer, "department": "JFJ", "state": "published"}
    assert client.post(reverse("knowledge:edit", args=[kb.jfj_draft.pk]), post).status_code == 302
    assert KnowledgeEntry.objects.get(pk=kb.jfj_draft.pk).state == "published"
