"""Duplicates: the threshold, another enterprise's cases never shown, closed cases not shown, scope."""

import pytest
from django.urls import reverse

from qifu.access.actor import Actor
from qifu.cases.services import CaseData, case_act, case_file
from qifu.commons import similarity
from qifu.commons.selectors import similar_open_cases

ROOF = "我司3号厂房屋顶漏水严重，下雨时车间地面积水，影响设备安全，请协调业主方尽快维修。"
ROOF_AGAIN = "厂房屋顶漏雨，车间里积水，担心设备进水，请帮忙协调业主维修屋顶。"
OTHER = "想咨询研发费用加计扣除的备案流程和所需材料。"

PAIRS_SAME = [
    (ROOF, ROOF_AGAIN),
    ("新厂房需要增容用电，请协调供电公司尽快办理增容手续。", "请协调供电公司给我们新厂房办理用电增容。"),
    ("员工子女今年秋季入学报名，需要哪些材料？", "我们员工的孩子秋季入学报名要准备什么材料？"),
]
PAIRS_DIFFERENT = [
    (ROOF, OTHER),
    ("新厂房需要增容用电，请协调供电公司尽快办理增容手续。", "员工子女今年秋季入学报名，需要哪些材料？"),
    ("高新技术企业认定的材料如何准备？", "厂区门口道路积水严重，请安排疏通排水管道。"),
]


def _score(a: str, b: str) -> float:
    found = similarity.similar(a, [b], threshold=0.0)
    return found[0].score if found else 0.0


def test_threshold_separates_same_from_different():
    same = [_score(a, b) for a, b in PAIRS_SAME]
    different = [_score(a, b) for a, b in PAIRS_DIFFERENT]
    print(f"\nsame={[round(s, 2) for s in same]} different={[round(s, 2) for s in different]}")
    assert min(same) >= similarity.DUPLICATE_THRESHOLD > max(different)


def test_empty_and_punctuation_texts_find_nothing():
    assert similarity.similar("", [ROOF]) == []
    assert similarity.similar("？？？！！", [ROOF]) == []


def _file(cast, who, enterprise, text):
    return case_file(actor=Actor.of(getattr(cast, who)), enterprise=enterprise, data=CaseData(text=text))


@pytest.fixture
def filed(cast):
    mine = _file(cast, "ent_a", cast.a, ROOF)
    other = _file(cast, "ent_b", cast.b, ROOF)  # the same words, another enterprise
    closed = _file(cast, "ent_a", cast.a, ROOF_AGAIN)
    case_act(actor=Actor.of(cast.ent_a), case_id=closed.pk, action="withdraw", payload={})
    unrelated = _file(cast, "ent_a", cast.a, OTHER)
    return {"mine": mine, "other": other, "closed": closed, "unrelated": unrelated}


def test_only_the_same_enterprises_open_similar_cases(cast, filed):
    found = similar_open_cases(actor=Actor.of(cast.ent_a), enterprise_id=cast.a.pk, text=ROOF_AGAIN)
    assert [s.case.pk for s in found] == [filed["mine"].pk]  # not b's, not the withdrawn one, not the unrelated


def test_scope_other_enterprise_user_and_out_of_scope_liaison(cast, filed):
    assert similar_open_cases(actor=Actor.of(cast.ent_b), enterprise_id=cast.a.pk, text=ROOF_AGAIN) == []
    assert similar_open_cases(actor=Actor.of(cast.liaison_b), enterprise_id=cast.a.pk, text=ROOF_AGAIN) == []
    liaison = similar_open_cases(actor=Actor.of(cast.liaison_a), enterprise_id=cast.a.pk, text=ROOF_AGAIN)
    assert [s.case.pk for s in liaison] == [filed["mine"].pk]


def test_filing_form_check_htmx(cast, filed, client):
    client.force_login(cast.ent_a)
    html = client.post(reverse("commons:similar"), {"text": ROOF_AGAIN}).content.decode()
    assert filed["mine"].number in html and filed["other"].number not in html and filed["closed"].number not in html
    assert "您已经提过内容相近" in html
    assert (
        "similar-cases"
        not in client.post(
            reverse("commons:similar"), {"text": "园区路灯不亮，晚上下班员工出行不安全。"}
        ).content.decode()
    )
    client.force_login(cast.liaison_a)  # filing on behalf: the enterprise named in the form
    html = client.post(reverse("commons:similar"), {"text": ROOF_AGAIN, "enterprise": cast.a.uscc}).content.decode()
    assert filed["mine"].number in html
    client.force_login(cast.liaison_b)  # a's cases are outside b's liaison scope: the enterprise does not resolve
    html = client.post(reverse("commons:similar"), {"text": ROOF_AGAIN, "enterprise": cast.a.uscc}).content.decode()
    assert filed["mine"].number not in html


def test_filing_page_carries_the_hook(cast, client):
    client.force_login(cast.ent_a)
    assert 'id="similar-check"' in client.get(reverse("cases:new")).content.decode()


def test_api_similar(cast, filed, api_as):
    r = api_as(cast.ent_a).get("/api/v1/cases/similar", {"enterprise": cast.a.uscc, "text": ROOF_AGAIN})
    assert r.status_code == 200 and [x["number"] for x in r.json()] == [filed["mine"].number]
    assert r.json()[0]["score"] >= similarity.DUPLICATE_THRESHOLD
    r = api_as(cast.ent_b).get("/api/v1/cases/similar", {"enterprise": cast.a.uscc, "text": ROOF_AGAIN})
    assert r.status_code == 404
    r = api_as(cast.ent_a).get("/api/v1/cases/similar", {"enterprise": cast.a.uscc, "text": "！！"})
    assert r.status_code == 200 and r.json() == []
