"""The policy pages people use (issue 5 item 5): the catalogue and a policy's page, 适合我们的政策
with its reasons and what is missing, who qualifies with its Excel export, the liaison's brief with
已宣讲, and the 免申即享 list's review — each for the roles that use it, with bounded query counts."""

import io
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.enterprises.services import EnterpriseData, enterprise_create
from qifu.enterprises.uscc import make_uscc
from qifu.policies.models import GrantState, Policy, PolicyGrant, PolicyIntroduction
from qifu.policies.services import policy_import
from qifu.policies.services_grants import grant_list_refresh

pytestmark = pytest.mark.django_db

EMPLOYEES_300 = {"field": "employees", "op": "ge", "value": 300}
ELIGIBLE_A = {
    "all": [
        {"field": "above_scale", "op": "is", "value": True},
        EMPLOYEES_300,
        {"field": "industry", "op": "prefix", "value": ["C39", "C40"]},
    ]
}
NEEDS_REVENUE = {
    "all": [
        {"field": "revenue_last_year", "op": "ge", "value": 2000},
        {"field": "above_scale", "op": "is", "value": True},
    ]
}


def item(code: str, conditions: Any, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "title": f"政策{code}",
        "category": "innovation",
        "department": "KJJ",
        "document_no": f"昆科〔2026〕{code}号",
        "valid_from": "2026-01-01",
        "valid_to": "2099-12-31",
        "benefit": "一次性奖励30万元",
        "summary": "摘要",
        "interpretation": "通俗地说：规上的电子企业可以申请。",
        "full_text": "第一条 为了……",
        "conditions": conditions,
        "status": "published",
    }
    data.update(over)
    return data


@pytest.fixture
def policies(cast: Any) -> dict[str, Policy]:
    today = timezone.localdate()
    policy_import(
        actor=None,
        items=[
            item("ELEC", ELIGIBLE_A, title="电子信息企业扩产奖励", apply_to=(today + timedelta(days=6)).isoformat()),
            item("REV", NEEDS_REVENUE, title="营收增长奖励", category="industry", department="JFJ"),
            item("DRAFT", EMPLOYEES_300, title="草稿政策", status="draft"),
            item(
                "AUTO",
                EMPLOYEES_300,
                title="稳岗补贴免申即享",
                department="JFJ",
                auto_grant=True,
                category="human_resources",
            ),
            item("B-ONLY", {"field": "industry", "op": "prefix", "value": "C34"}, title="精密机械专项"),
        ],
    )
    return {p.code: p for p in Policy.objects.all()}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


# --- the catalogue -------------------------------------------------------------------------------


def test_the_catalogue_lists_published_policies_with_deadline_and_badges_for_an_enterprise(
    cast: Any, policies: dict[str, Policy]
) -> None:
    page = login(cast.ent_a).get("/policies/")
    assert page.status_code == 200
    body = text(page)
    assert "电子信息企业扩产奖励" in body and "稳岗补贴免申即享" in body
    assert "草稿政策" not in body  # drafts are for staff who write them
    assert "免申即享" in body
    assert "（还剩6天）" in body and 'data-qf-deadline="soon"' in body
    assert 'name="status"' not in body  # no status filter for enterprises


def test_the_catalogue_shows_drafts_to_the_desk_and_the_issuing_department_only(
    cast: Any, policies: dict[str, Policy]
) -> None:
    for user, sees in ((cast.desk, True), (cast.kjj_handler, True), (cast.leader, True)):
        assert ("草稿政策" in text(login(user).get("/policies/"))) is sees
    for user in (cast.jfj_handler, cast.liaison_a, cast.deputy, cast.ent_a):
        assert "草稿政策" not in text(login(user).get("/policies/"))
    assert login(cast.sysadmin).get("/policies/").status_code == 404


def test_the_catalogue_filters_stay_in_the_url(cast: Any, policies: dict[str, Policy]) -> None:
    desk = login(cast.desk)
    assert "营收增长奖励" not in text(desk.get("/policies/", {"category": "innovation"}))
    by_dept = text(desk.get("/policies/", {"department": "jfj"}))
    assert "营收增长奖励" in by_dept and "电子信息企业扩产奖励" not in by_dept
    by_q = text(desk.get("/policies/", {"q": "扩产"}))
    assert "电子信息企业扩产奖励" in by_q and "营收增长奖励" not in by_q
    drafts = text(desk.get("/policies/", {"status": "draft"}))
    assert "草稿政策" in drafts and "营收增长奖励" not in drafts
    # unknown values are ignored, never an error
    assert desk.get("/policies/", {"category": "nope", "department": "ZZZ", "status": "x"}).status_code == 200
    # the HTMX swap gets the table alone
    part = desk.get("/policies/", {"q": "扩产"}, headers={"HX-Request": "true"})
    assert 'id="policy-table"' in text(part) and "<html" not in text(part)


def test_the_catalogue_pages_by_25_with_a_bounded_number_of_queries(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    policy_import(actor=None, items=[item(f"P{i:02d}", EMPLOYEES_300) for i in range(30)])
    client = login(cast.ent_a)
    client.get("/policies/")  # warm the session and reference caches
    with django_assert_max_num_queries(8):
        first = text(client.get("/policies/"))
    assert first.count('class="list-group-item py-3"') == 25
    assert text(client.get("/policies/", {"page": 2})).count('class="list-group-item py-3"') == 5


# --- a policy's page -----------------------------------------------------------------------------


def test_a_policys_page_reads_its_conditions_in_plain_chinese(cast: Any, policies: dict[str, Policy]) -> None:
    body = text(login(cast.liaison_a).get("/policies/ELEC/"))
    assert "是规上工业" in body
    assert "从业人数 不低于 300人" in body
    assert "行业代码 开头是 C39 或 C40" in body
    assert "通俗地说" in body and "第一条" in body  # 解读 and the (collapsed) full text
    assert 'id="policy-full-text"' in body
    assert "符合条件的企业" in body  # staff get the way to who qualifies
    assert "employees" not in body and '"op"' not in body  # never internal codes


def test_an_enterprise_reads_on_a_policys_page_whether_it_qualifies(cast: Any, policies: dict[str, Policy]) -> None:
    body = text(login(cast.ent_a).get("/policies/ELEC/"))
    assert "贵企业符合本政策的条件" in body
    assert "从业人数 320人，不低于 300人 ✓" in body
    assert "/matches/" not in body
    missing = text(login(cast.ent_a).get("/policies/REV/"))
    assert "贵企业可能符合，缺少数据" in missing and "上年营业收入" in missing


def test_a_draft_is_404_for_enterprises_and_other_departments(cast: Any, policies: dict[str, Policy]) -> None:
    for user in (cast.ent_a, cast.liaison_a, cast.jfj_handler, cast.sysadmin):
        assert login(user).get("/policies/DRAFT/").status_code == 404
    for user in (cast.desk, cast.leader, cast.kjj_head):
        assert login(user).get("/policies/DRAFT/").status_code == 200
    assert login(cast.desk).get("/policies/NO-SUCH/").status_code == 404


# --- 适合我们的政策 ------------------------------------------------------------------------------


def test_for_us_lists_eligible_policies_with_reasons_then_those_missing_data(
    cast: Any, policies: dict[str, Policy]
) -> None:
    page = login(cast.ent_a).get("/policies/for-us/")
    assert page.status_code == 200
    body = text(page)
    eligible, unknown = body.split('id="unknown-policies"')
    assert "电子信息企业扩产奖励" in eligible and "符合" in eligible
    assert "从业人数 320人，不低于 300人 ✓" in eligible
    assert "是规上工业 ✓" in eligible
    assert "行业代码 C3985，开头是 C39 或 C40 ✓" in eligible
    assert "精密机械专项" not in body  # false for A: not listed at all
    assert "营收增长奖励" in unknown
    assert "缺少：上年营业收入" in unknown
    assert "挂钩干部甲" in unknown  # whom to ask
    assert "revenue_last_year" not in body


def test_staff_open_for_us_for_an_enterprise_they_see_and_404_otherwise(cast: Any, policies: dict[str, Policy]) -> None:
    liaison = login(cast.liaison_a)
    assert "电子信息企业扩产奖励" in text(liaison.get("/policies/for-us/", {"uscc": cast.a.uscc}))
    assert liaison.get("/policies/for-us/", {"uscc": cast.b.uscc}).status_code == 404
    assert liaison.get("/policies/for-us/").status_code == 302  # no enterprise named: the catalogue
    assert login(cast.desk).get("/policies/for-us/", {"uscc": cast.b.uscc}).status_code == 200
    # an enterprise user always sees its own, whatever it names
    own = text(login(cast.ent_a).get("/policies/for-us/", {"uscc": cast.b.uscc}))
    assert cast.a.name in own and "精密机械专项" not in own
    assert login(cast.sysadmin).get("/policies/for-us/").status_code == 404


def test_for_us_counts_queries(cast: Any, policies: dict[str, Policy], django_assert_max_num_queries: Any) -> None:
    client = login(cast.ent_a)
    client.get("/policies/for-us/")
    with django_assert_max_num_queries(14):
        assert client.get("/policies/for-us/").status_code == 200


def test_the_enterprise_home_shows_how_many_policies_fit(
    cast: Any, policies: dict[str, Policy], django_assert_max_num_queries: Any
) -> None:
    client = login(cast.ent_a)
    assert 'hx-get="/policies/home-card/"' in text(client.get("/"))  # loaded after the page
    client.get("/policies/home-card/")
    with django_assert_max_num_queries(9):
        card = text(client.get("/policies/home-card/"))
    assert 'id="for-us-card"' in card and "有 2 项现行政策符合条件" in card  # ELEC and AUTO
    assert 'hx-get="/policies/home-card/"' not in text(login(cast.desk).get("/"))
    assert login(cast.desk).get("/policies/home-card/").status_code == 404


# --- who qualifies -------------------------------------------------------------------------------


def test_who_qualifies_lists_the_eligible_enterprises_the_viewer_may_see(
    cast: Any, policies: dict[str, Policy]
) -> None:
    desk = text(login(cast.desk).get("/policies/AUTO/matches/"))
    assert all(e.name in desk for e in (cast.a, cast.b, cast.c))
    assert "共 <strong>3</strong> 家企业符合条件" in desk
    assert "挂钩干部甲" in desk  # the liaison column
    # a liaison sees only its own enterprises' eligibility
    mine = text(login(cast.liaison_a).get("/policies/AUTO/matches/"))
    assert cast.a.name in mine and cast.b.name not in mine
    # the issuing department sees every enterprise's eligibility (not their pages: no links)
    issuing = text(login(cast.kjj_handler).get("/policies/ELEC/matches/"))
    assert cast.a.name in issuing and f'href="/enterprises/{cast.a.uscc}/"' not in issuing
    by_park = text(login(cast.desk).get("/policies/AUTO/matches/", {"park": cast.b.park}))
    assert cast.b.name in by_park and cast.a.name not in by_park
    for user in (cast.ent_a, cast.sysadmin):
        assert login(user).get("/policies/AUTO/matches/").status_code == 404
    assert login(cast.liaison_a).get("/policies/DRAFT/matches/").status_code == 404


def test_who_qualifies_pages_with_a_bounded_number_of_queries(
    cast: Any, policies: dict[str, Policy], django_assert_max_num_queries: Any
) -> None:
    desk = Actor.of(cast.desk)
    for i in range(30):
        enterprise_create(
            actor=desk,
            data=EnterpriseData(uscc=make_uscc(5000 + i), name=f"企业{i:02d}", park="光电产业园", employees=500),
        )
    client = login(cast.desk)
    client.get("/policies/AUTO/matches/")
    with django_assert_max_num_queries(9):
        body = text(client.get("/policies/AUTO/matches/"))
    assert "共 <strong>33</strong> 家企业符合条件" in body
    assert body.count("<tr>") == 1 + 25


def test_who_qualifies_exports_every_eligible_enterprise_to_excel_with_formulas_neutralised(
    cast: Any, policies: dict[str, Policy]
) -> None:
    enterprise_create(
        actor=Actor.of(cast.desk),
        data=EnterpriseData(
            uscc=make_uscc(7001), name='=HYPERLINK("http://x")有限公司', park="光电产业园", employees=900
        ),
    )
    response = login(cast.desk).get("/policies/AUTO/matches/export/", {"park": "光电产业园"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("统一社会信用代码", "企业名称", "行业代码", "所在园区", "主挂钩人")
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {cast.a.uscc, make_uscc(7001)}
    assert body[cast.a.uscc][1:] == (cast.a.name, "C3985", "光电产业园", "挂钩干部甲")
    assert body[make_uscc(7001)][1].startswith("'=")  # stays text, never runs
    assert AuditEntry.objects.filter(action="policy_matches_export", object_id="AUTO").exists()
    assert login(cast.ent_a).get("/policies/AUTO/matches/export/").status_code == 404


# --- the liaison's brief and 已宣讲 ---------------------------------------------------------------


def test_the_360_page_briefs_the_liaison_and_records_an_introduction(cast: Any, policies: dict[str, Policy]) -> None:
    liaison = login(cast.liaison_a)
    page = text(liaison.get(f"/enterprises/{cast.a.uscc}/"))
    where = f"/enterprises/{cast.a.uscc}/"
    assert f'hx-get="/policies/brief/?uscc={cast.a.uscc}&amp;next=/enterprises/{cast.a.uscc}/"' in page
    brief = text(liaison.get("/policies/brief/", {"uscc": cast.a.uscc, "next": where}))
    assert 'id="policy-brief"' in brief and "可介绍的政策" in brief and "<html" not in brief
    assert "电子信息企业扩产奖励" in brief and "营收增长奖励" not in brief  # eligible ones only
    assert "记录已宣讲" in brief and f'name="next" value="{where}"' in brief
    done = liaison.post("/policies/introduce/", {"uscc": cast.a.uscc, "code": "ELEC", "next": where})
    assert done.status_code == 302 and done["Location"] == where
    intro = PolicyIntroduction.objects.get()
    assert (intro.enterprise, intro.policy.code, intro.introduced_by) == (cast.a, "ELEC", cast.liaison_a)
    again = text(liaison.get("/policies/brief/", {"uscc": cast.a.uscc}))
    assert "挂钩干部甲 已于" in again and "再次宣讲" in again
    # an outside next is not followed
    away = liaison.post("/policies/introduce/", {"uscc": cast.a.uscc, "code": "ELEC", "next": "https://evil.example/"})
    assert away["Location"] == where
    # the enterprise's own 360 page carries no brief
    assert "/policies/brief/" not in text(login(cast.ent_a).get(f"/enterprises/{cast.a.uscc}/"))
    assert login(cast.ent_a).get("/policies/brief/", {"uscc": cast.a.uscc}).status_code == 404


def test_an_introduction_from_htmx_swaps_the_brief_in_place(cast: Any, policies: dict[str, Policy]) -> None:
    response = login(cast.liaison_a).post(
        "/policies/introduce/", {"uscc": cast.a.uscc, "code": "AUTO"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith("<section") and "已于" in body and "<html" not in body


def test_an_introduction_outside_the_scope_or_by_an_enterprise_changes_nothing(
    cast: Any, policies: dict[str, Policy]
) -> None:
    assert login(cast.liaison_a).post("/policies/introduce/", {"uscc": cast.b.uscc, "code": "AUTO"}).status_code == 404
    assert login(cast.liaison_a).post("/policies/introduce/", {"uscc": cast.a.uscc, "code": "DRAFT"}).status_code == 404
    assert login(cast.ent_a).post("/policies/introduce/", {"uscc": cast.a.uscc, "code": "AUTO"}).status_code == 404
    assert login(cast.liaison_a).get("/policies/introduce/").status_code == 405
    assert not PolicyIntroduction.objects.exists()


def test_the_visit_form_loads_the_brief(cast: Any, policies: dict[str, Policy]) -> None:
    body = text(login(cast.liaison_a).get("/visits/new/", {"enterprise": cast.a.uscc}))
    assert f'hx-get="/policies/brief/?uscc={cast.a.uscc}' in body
    # a department's joint visit may go to an enterprise outside its scope: no brief, no error
    outside = login(cast.jfj_handler).get("/policies/brief/", {"uscc": cast.a.uscc})
    assert outside.status_code == 200 and text(outside) == ""


def test_the_360_page_reads_no_policy_itself(cast: Any, django_assert_max_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.liaison_a)
    client.get(f"/enterprises/{cast.a.uscc}/")
    with CaptureQueriesContext(connection) as seen:
        client.get(f"/enterprises/{cast.a.uscc}/")
    assert not [q for q in seen.captured_queries if "policies_" in q["sql"]]


def test_the_brief_costs_a_few_queries(
    cast: Any, policies: dict[str, Policy], django_assert_max_num_queries: Any
) -> None:
    from qifu.policies.selectors_pages import policy_brief

    actor = Actor.of(cast.liaison_a)
    policy_brief(actor=actor, enterprise=cast.a)
    with django_assert_max_num_queries(7):
        brief = policy_brief(actor=actor, enterprise=cast.a)
    assert {f.policy.code for f in brief.fits} == {"AUTO", "ELEC"}
    client = login(cast.liaison_a)
    client.get("/policies/brief/", {"uscc": cast.a.uscc})
    with django_assert_max_num_queries(10):
        client.get("/policies/brief/", {"uscc": cast.a.uscc})


# --- 免申即享 grant lists --------------------------------------------------------------------------


def test_the_grant_list_is_reviewed_by_the_issuing_department_and_exported(
    cast: Any, policies: dict[str, Policy]
) -> None:
    assert grant_list_refresh(["AUTO"]) == 3
    handler = login(cast.jfj_handler)
    page = text(handler.get("/policies/AUTO/grants/"))
    assert all(e.name in page for e in (cast.a, cast.b, cast.c)) and "核准" in page
    grant_a = PolicyGrant.objects.get(enterprise=cast.a)
    grant_b = PolicyGrant.objects.get(enterprise=cast.b)
    ok = handler.post(f"/policies/AUTO/grants/{grant_a.pk}/review/", {"decision": "approve", "note": "材料齐全"})
    assert ok.status_code == 302
    no = handler.post(f"/policies/AUTO/grants/{grant_b.pk}/review/", {"decision": "reject", "note": "已享受同类补贴"})
    assert no.status_code == 302
    grant_a.refresh_from_db()
    grant_b.refresh_from_db()
    assert (grant_a.state, grant_a.reviewed_by, grant_a.note) == (GrantState.APPROVED, cast.jfj_handler, "材料齐全")
    assert grant_b.state == GrantState.REJECTED
    # a second review is refused and changes nothing
    handler.post(f"/policies/AUTO/grants/{grant_a.pk}/review/", {"decision": "reject"})
    grant_a.refresh_from_db()
    assert grant_a.state == GrantState.APPROVED
    approved = text(handler.get("/policies/AUTO/grants/", {"state": "approved"})).split('id="grant-table"')[1]
    assert cast.a.name in approved and cast.b.name not in approved and "材料齐全" in approved
    response = handler.get("/policies/AUTO/grants/export/")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == [cast.a.uscc]
    assert rows[1][6] == "经发承办" and rows[1][8] == "材料齐全"


def test_the_grant_list_is_for_the_desk_and_the_issuing_department(cast: Any, policies: dict[str, Policy]) -> None:
    grant_list_refresh(["AUTO"])
    grant = PolicyGrant.objects.get(enterprise=cast.a)
    assert login(cast.desk).get("/policies/AUTO/grants/").status_code == 200
    leader = text(login(cast.leader).get("/policies/AUTO/grants/"))
    assert cast.a.name in leader and 'value="approve"' not in leader  # leaders read, never review
    for user in (cast.kjj_handler, cast.liaison_a, cast.ent_a, cast.deputy, cast.sysadmin):
        client = login(user)
        assert client.get("/policies/AUTO/grants/").status_code == 404
        assert client.get("/policies/AUTO/grants/export/").status_code == 404
        assert client.post(f"/policies/AUTO/grants/{grant.pk}/review/", {"decision": "approve"}).status_code == 404
    leader_post = login(cast.leader).post(f"/policies/AUTO/grants/{grant.pk}/review/", {"decision": "approve"})
    assert leader_post.status_code == 302  # refused by the service with a message
    grant.refresh_from_db()
    assert grant.state == GrantState.PROPOSED
    assert login(cast.desk).get("/policies/ELEC/grants/").status_code == 404  # not 免申即享


def test_the_grant_list_refresh_button_lists_newly_eligible_enterprises(cast: Any, policies: dict[str, Policy]) -> None:
    response = login(cast.desk).post("/policies/AUTO/grants/refresh/")
    assert response.status_code == 302
    assert PolicyGrant.objects.filter(policy__code="AUTO").count() == 3
    assert login(cast.leader).post("/policies/AUTO/grants/refresh/").status_code == 404


def test_the_grant_list_counts_queries(
    cast: Any, policies: dict[str, Policy], django_assert_max_num_queries: Any
) -> None:
    grant_list_refresh(["AUTO"])
    client = login(cast.desk)
    client.get("/policies/AUTO/grants/")
    with django_assert_max_num_queries(8):
        assert client.get("/policies/AUTO/grants/").status_code == 200


# --- wording -------------------------------------------------------------------------------------


def test_deadlines_in_words() -> None:
    from qifu.policies.wording import deadline

    today = date(2026, 11, 29)
    assert deadline(None, date(2026, 12, 5), today).text == "申报截止 12月5日（还剩6天）"
    assert deadline(None, date(2026, 12, 5), today).level == "soon"
    assert deadline(date(2026, 1, 1), date(2027, 3, 1), today).level == "open"
    assert deadline(None, today, today).text == "申报截止 今天"
    assert deadline(None, date(2026, 11, 1), today).level == "closed"
    assert deadline(date(2026, 12, 1), None, today).text == "12月1日开始申报"
    assert deadline(None, None, today).text == "常年受理"


def test_sentences_for_every_kind_of_leaf() -> None:
    from qifu.policies.conditions import parse
    from qifu.policies.wording import condition_outline, leaf_sentence

    def say(tree: Any, lists: Any = None) -> str:
        return leaf_sentence(parse(tree), lists)  # type: ignore[arg-type]

    assert say({"field": "rd_ratio", "op": "ge", "value": 0.03}) == "研发投入占营业收入比例 不低于 3%"
    assert say({"field": "revenue_last_year", "op": "between", "value": [2000, 5000.5]}) == (
        "上年营业收入 介于 2,000万元 至 5,000.5万元"
    )
    assert say({"field": "ownership", "op": "in", "value": ["foreign", "taiwan"]}) == "资本来源 属于 外资 或 台资"
    assert say({"field": "founded_on", "op": "lt", "value": "2020-01-01"}) == "成立日期 小于 2020年1月1日"
    assert say({"field": "age_years", "op": "ge", "value": 3}) == "成立年限 不低于 3年"
    assert say({"field": "high_tech", "op": "is", "value": False}) == "不是高新技术企业"
    assert (
        say({"field": "service_lists", "op": "in", "value": ["key_core"]}, {"key_core": "重点核心企业"})
        == "列入重点核心企业"
    )
    outline = condition_outline(
        parse({"any": [{"not": EMPLOYEES_300}, {"field": "listed", "op": "is", "value": True}]})
    )
    assert outline.text == "满足以下任一条件" and outline.parts[0].text == "不符合以下条件"
    assert outline.parts[0].parts[0].text == "从业人数 不低于 300人"
