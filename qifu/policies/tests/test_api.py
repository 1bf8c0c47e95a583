"""/api/v1/policies and /api/v1/enterprises/{uscc}/policies (PRODUCT.md §2.6, §3): scoped lists with
`{"items", "count"}`, 404 outside the scope, writes refused with a code and nothing changed, and query
counts that do not grow with the rows."""

import pytest

from qifu.audit.models import AuditEntry
from qifu.enterprises.models import Enterprise, EnterpriseStatus
from qifu.enterprises.services import EnterpriseData, enterprise_create
from qifu.enterprises.uscc import make_uscc
from qifu.policies.models import Policy
from qifu.policies.tests.given_api import ABOVE_SCALE, given_policy, policy_data

BASE = "/api/v1/policies"


def test_everyone_lists_published_policies_and_enterprises_see_no_drafts(cast, api_as) -> None:
    given_policy(cast.desk, "KS-PUB")
    given_policy(cast.desk, "KS-DRAFT", status="draft")
    for user, codes in (
        (cast.ent_a, ["KS-PUB"]),
        (cast.liaison_a, ["KS-PUB"]),
        (cast.jfj_handler, ["KS-PUB"]),  # another department's draft stays hidden
        (cast.kjj_handler, ["KS-DRAFT", "KS-PUB"]),  # the issuing department
        (cast.desk, ["KS-DRAFT", "KS-PUB"]),
    ):
        body = api_as(user).get(BASE).json()
        assert sorted(p["code"] for p in body["items"]) == codes, user.username
        assert body["count"] == len(codes)


def test_a_draft_answers_404_to_an_enterprise_user(cast, api_as) -> None:
    given_policy(cast.desk, "KS-DRAFT", status="draft")
    for path in (f"{BASE}/KS-DRAFT", f"{BASE}/KS-DRAFT/matches"):
        response = api_as(cast.ent_a).get(path)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert api_as(cast.kjj_head).get(f"{BASE}/KS-DRAFT").status_code == 200


def test_the_admins_see_no_policy(cast, api_as) -> None:
    given_policy(cast.desk, "KS-PUB")
    assert api_as(cast.sysadmin).get(BASE).json() == {"items": [], "count": 0}
    assert api_as(cast.sysadmin).get(f"{BASE}/KS-PUB").status_code == 404


def test_filters_narrow_the_list(cast, api_as) -> None:
    given_policy(cast.desk, "KS-A", title="研发费用补贴", category="innovation")
    given_policy(cast.desk, "KS-B", title="稳岗补贴", category="human_resources")
    given_policy(cast.desk, "KS-C", title="旧政策", valid_from="2020-01-01", valid_to="2020-12-31")
    api = api_as(cast.desk)

    def codes(**params: object) -> list[str]:
        return sorted(p["code"] for p in api.get(BASE, params).json()["items"])

    assert codes(q="稳岗") == ["KS-B"]
    assert codes(category="innovation") == ["KS-A", "KS-C"]
    assert codes(status="expired") == ["KS-C"]
    assert codes(current=True) == ["KS-A", "KS-B"]
    assert codes(current=True, on="2020-06-01") == []  # KS-C was imported expired: no longer published
    assert api.get(BASE, {"status": "nope"}).status_code == 422


def test_one_policy_with_its_text_conditions_and_attachments(cast, api_as) -> None:
    given_policy(cast.desk, "KS-1", interpretation="符合条件的企业可直接申报。", full_text="第一条……")
    body = api_as(cast.ent_a).get(f"{BASE}/KS-1").json()
    assert body["code"] == "KS-1" and body["department"] == "KJJ" and body["status"] == "published"
    assert body["interpretation"] == "符合条件的企业可直接申报。" and body["full_text"] == "第一条……"
    assert body["conditions"]["all"][0] == ABOVE_SCALE
    assert body["attachments"] == []


def test_the_issuing_department_creates_and_replaces_a_policy(cast, api_as) -> None:
    api = api_as(cast.kjj_handler)
    created = api.post(BASE, policy_data("KS-NEW"))
    assert created.status_code == 201, created.json()
    assert created.json()["code"] == "KS-NEW" and created.json()["title"] == "高新技术企业首次认定奖励"
    replaced = api.put(f"{BASE}/KS-NEW", policy_data("IGNORED", title="修订后的标题"))
    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["code"] == "KS-NEW" and replaced.json()["title"] == "修订后的标题"
    assert list(Policy.objects.values_list("code", flat=True)) == ["KS-NEW"]


def test_a_bad_object_answers_invalid_policy_with_every_path(cast, api_as) -> None:
    api = api_as(cast.desk)
    audits = AuditEntry.objects.count()
    bad = policy_data(
        "KS-BAD",
        colour="red",
        conditions={"any": [{"field": "employees", "op": "between", "value": [1]}, {"all": []}]},
    )
    response = api.post(BASE, bad)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_policy" and body["detail"]
    assert sorted(f["path"] for f in body["faults"]) == ["colour", "conditions.any[0].value", "conditions.any[1].all"]
    assert Policy.objects.count() == 0 and AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    "who",
    [pytest.param("ent_a", id="enterprise_case"), pytest.param("jfj_handler", id="other_department_case")],
)
def test_only_the_desk_and_the_issuing_department_write(cast, api_as, who) -> None:
    api = api_as(getattr(cast, who))
    response = api.post(BASE, policy_data("KS-X"))
    assert (response.status_code, response.json()["code"]) == (403, "policy_edit_forbidden")
    response = api.post(f"{BASE}/import", [policy_data("KS-Y")])
    assert (response.status_code, response.json()["code"]) == (403, "policy_edit_forbidden")
    assert Policy.objects.count() == 0


def test_a_code_taken_answers_duplicate_policy_code(cast, api_as) -> None:
    given_policy(cast.desk, "KS-1")
    response = api_as(cast.desk).post(BASE, policy_data("KS-1", title="另一项"))
    assert (response.status_code, response.json()["code"]) == (422, "duplicate_policy_code")
    assert response.json()["faults"][0]["path"] == "code"


def test_replacing_a_hidden_draft_answers_404(cast, api_as) -> None:
    given_policy(cast.desk, "KS-DRAFT", status="draft")
    response = api_as(cast.jfj_head).put(f"{BASE}/KS-DRAFT", policy_data("KS-DRAFT"))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_import_over_the_api_then_again_changes_nothing(cast, api_as) -> None:
    api = api_as(cast.desk)
    items = [policy_data("KS-1"), policy_data("KS-2", department="JFJ")]
    first = api.post(f"{BASE}/import", items)
    assert first.json() == {"created": ["KS-1", "KS-2"], "updated": [], "unchanged": []}
    again = api.post(f"{BASE}/import", items)
    assert again.json() == {"created": [], "updated": [], "unchanged": ["KS-1", "KS-2"]}
    changed = api.post(f"{BASE}/import?replace=true", [policy_data("KS-1", benefit="奖励50万元")])
    assert changed.json()["updated"] == ["KS-1"]


# --- who qualifies ------------------------------------------------------------------------------


def test_matches_are_scoped_to_what_the_caller_sees(cast, api_as) -> None:
    given_policy(cast.desk, "KS-ALL", conditions=ABOVE_SCALE)
    every = sorted([cast.a.uscc, cast.b.uscc, cast.c.uscc])
    for user, usccs in (
        (cast.desk, every),
        (cast.kjj_handler, every),  # the issuing department pushes zone-wide
        (cast.liaison_a, [cast.a.uscc]),  # a liaison: the enterprises they already see
        (cast.ent_b, [cast.b.uscc]),
    ):
        body = api_as(user).get(f"{BASE}/KS-ALL/matches").json()
        assert sorted(e["uscc"] for e in body["items"]) == usccs, user.username
        assert body["count"] == len(usccs)
    assert set(body["items"][0]) == {"uscc", "name"}


def test_matches_page_and_on(cast, api_as) -> None:
    given_policy(
        cast.desk,
        "KS-AGE",
        conditions={"all": [ABOVE_SCALE, {"field": "age_years", "op": "ge", "value": 15}]},
    )
    api = api_as(cast.desk)
    assert api.get(f"{BASE}/KS-AGE/matches", {"on": "2027-04-30"}).json() == {"items": [], "count": 0}
    page = api.get(f"{BASE}/KS-AGE/matches", {"on": "2027-05-01", "limit": 2, "offset": 1}).json()
    assert page["count"] == 3 and len(page["items"]) == 2


def test_matches_query_count_does_not_grow_with_the_rows(cast, api_as, django_assert_max_num_queries) -> None:
    given_policy(cast.desk, "KS-ALL", conditions=ABOVE_SCALE)
    desk = cast.actor(cast.desk)
    for serial in range(2001, 2041):
        enterprise_create(
            actor=desk, data=EnterpriseData(uscc=make_uscc(serial), name=f"企业{serial}", above_scale=True)
        )
    api = api_as(cast.desk)
    # token (2) + policy + the service-list context (2) + the page + the count
    with django_assert_max_num_queries(8):
        body = api.get(f"{BASE}/KS-ALL/matches", {"limit": 50}).json()
    assert body["count"] == 43 and len(body["items"]) == 43


def test_the_list_query_count_does_not_grow(cast, api_as, django_assert_max_num_queries) -> None:
    for n in range(12):
        given_policy(cast.desk, f"KS-{n:02d}")
    api = api_as(cast.ent_a)
    with django_assert_max_num_queries(5):
        body = api.get(BASE, {"limit": 50}).json()
    assert body["count"] == 12


# --- one enterprise's policies ------------------------------------------------------------------


def test_an_enterprise_sees_its_policies_with_reasons_and_missing_data(cast, api_as) -> None:
    given_policy(cast.desk, "KS-EL")  # A: eligible
    given_policy(
        cast.desk,
        "KS-REV",
        conditions={"all": [ABOVE_SCALE, {"field": "revenue_last_year", "op": "ge", "value": 2000}]},
    )  # revenue unknown: unknown
    given_policy(cast.desk, "KS-NO", conditions={"field": "listed", "op": "is", "value": True})  # false: left out
    given_policy(cast.desk, "KS-DRAFT", status="draft")  # not current
    body = api_as(cast.ent_a).get(f"/api/v1/enterprises/{cast.a.uscc}/policies").json()
    assert [(i["policy"]["code"], i["eligible"]) for i in body["items"]] == [("KS-EL", True), ("KS-REV", None)]
    assert body["count"] == 2
    el, rev = body["items"]
    assert el["policy"]["benefit"] == "一次性奖励30万元" and el["missing"] == []
    assert [leaf["outcome"] for leaf in el["leaves"]] == ["true", "true"]
    assert el["leaves"][1]["actual"] == "C3985" and "C3985" in el["leaves"][1]["reason"]
    assert rev["missing"] == [{"field": "revenue_last_year", "label": "上年营业收入"}]
    assert rev["leaves"][1]["outcome"] == "unknown" and "数据缺失" in rev["leaves"][1]["reason"]
    assert set(rev["leaves"][1]) == {"path", "field", "op", "value", "actual", "outcome", "reason"}


def test_another_enterprise_answers_404(cast, api_as) -> None:
    given_policy(cast.desk, "KS-EL")
    for user, uscc in ((cast.ent_a, cast.b.uscc), (cast.liaison_a, cast.b.uscc), (cast.ent_b, "NOPE")):
        response = api_as(user).get(f"/api/v1/enterprises/{uscc}/policies")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_deregistered_enterprise_fits_no_policy(cast, api_as) -> None:
    given_policy(cast.desk, "KS-EL")
    Enterprise.objects.filter(pk=cast.a.pk).update(status=EnterpriseStatus.DEREGISTERED)
    response = api_as(cast.desk).get(f"/api/v1/enterprises/{cast.a.uscc}/policies")
    assert response.json() == {"items": [], "count": 0}


def test_enterprise_policies_query_count_does_not_grow_with_policies(
    cast, api_as, django_assert_max_num_queries
) -> None:
    for n in range(15):
        given_policy(cast.desk, f"KS-{n:02d}")
    api = api_as(cast.ent_a)
    with django_assert_max_num_queries(5):
        body = api.get(f"/api/v1/enterprises/{cast.a.uscc}/policies").json()
    assert body["count"] == 15


def test_an_enterprise_never_learns_who_else_a_named_policy_lists(cast, api_as, client) -> None:
    """一企一策: a condition naming enterprises (uscc/name, not a prefix) tells an enterprise user
    that it is on the list — never the other enterprises on it: not in the API, not on the pages,
    and the JSON exports (conditions whole) are for staff."""
    named = {"field": "uscc", "op": "in", "value": [cast.a.uscc, cast.b.uscc, cast.c.uscc]}
    given_policy(cast.desk, "KS-NAMED", conditions={"all": [ABOVE_SCALE, named]})
    others = (cast.b.uscc, cast.c.uscc)
    fits = api_as(cast.ent_a).get(f"/api/v1/enterprises/{cast.a.uscc}/policies")
    one = api_as(cast.ent_a).get("/api/v1/policies/KS-NAMED")
    assert fits.json()["items"][0]["eligible"] is True and one.status_code == 200
    assert fits.json()["items"][0]["leaves"][1]["value"] is None
    assert one.json()["conditions"]["all"][1] == {"field": "uscc", "op": "in", "value": None, "redacted": True}
    client.force_login(cast.ent_a)
    pages = [client.get(url) for url in ("/policies/for-us/", "/policies/KS-NAMED/")]
    assert all(p.status_code == 200 for p in pages) and "政策指定的企业" in pages[0].content.decode()
    for body in (fits.content, one.content, *(p.content for p in pages)):
        assert not any(uscc.encode() in body for uscc in others)
    assert client.get("/policies/KS-NAMED/export.json").status_code == 404
    assert client.get("/policies/export.json").status_code == 404
    staff = api_as(cast.desk).get("/api/v1/policies/KS-NAMED").json()
    assert staff["conditions"]["all"][1]["value"] == list(named["value"])  # staff see the list whole
