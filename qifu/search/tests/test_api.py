"""GET /api/v1/search and the /search/ page: shape, errors with stable codes, caps, query counts."""

from django.test import Client

from qifu.search.selectors import MAX_LIMIT
from qifu.search.tests.conftest import World, file_for


def test_api_shape(world: World, api_as):
    answer = api_as(world.cast.desk).get("/api/v1/search", {"q": "ERP系统", "type": "cases"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1 and body["terms"] == ["erp", "系统"]
    (item,) = body["items"]
    assert item == {
        "type": "cases",
        "key": str(world.a1.pk),
        "title": "ERP系统补贴咨询",
        "snippet": item["snippet"],
        "url": f"/cases/{world.a1.pk}/",
    }
    assert "<mark>erp系统</mark>" in item["snippet"].lower()


def test_api_enterprise_and_policy_keys(world: World, api_as):
    api = api_as(world.cast.desk)
    (e,) = api.get("/api/v1/search", {"q": "乙精密", "type": "enterprises"}).json()["items"]
    assert e["key"] == world.cast.b.uscc and e["url"] == f"/enterprises/{world.cast.b.uscc}/"
    p = api.get("/api/v1/search", {"q": "研发", "type": "policies"}).json()["items"]
    assert {i["key"] for i in p} == {"PUB", "DRAFT"} and all(i["url"].startswith("/policies/") for i in p)


def test_unknown_type_is_422_with_a_code(world: World, api_as):
    answer = api_as(world.cast.desk).get("/api/v1/search", {"q": "用电", "type": "projects"})
    assert answer.status_code == 422
    assert answer.json()["code"] == "search_unknown_type"


def test_punctuation_and_long_queries_answer_200(world: World, api_as):
    api = api_as(world.cast.desk)
    for q in ("？！。，", "!!!", "用电" * 300, "<script>" * 80, ""):
        answer = api.get("/api/v1/search", {"q": q})
        assert answer.status_code == 200, q
        assert answer.json()["count"] >= 0


def test_limit_and_offset_are_capped_and_page(world: World, api_as):
    api = api_as(world.cast.desk)
    everything = api.get("/api/v1/search", {"q": "用电", "limit": 10_000}).json()
    assert everything["count"] == 4 and len(everything["items"]) == 4
    first = api.get("/api/v1/search", {"q": "用电", "limit": 2}).json()["items"]
    second = api.get("/api/v1/search", {"q": "用电", "limit": 2, "offset": 2}).json()["items"]
    assert [i["key"] for i in first + second] == [i["key"] for i in everything["items"]]
    assert api.get("/api/v1/search", {"q": "用电", "offset": 10**9}).status_code in (200, 422)
    assert MAX_LIMIT == 50


def test_highlight_escapes_the_case_text(world: World, api_as):
    (item,) = api_as(world.cast.desk).get("/api/v1/search", {"q": "跳闸"}).json()["items"]
    assert "<script>" not in item["snippet"] and "&lt;script&gt;" in item["snippet"]


def test_query_count_does_not_grow_with_hits(world: World, django_assert_max_num_queries):
    from qifu.search.selectors import search

    actor = world.actor("liaison_a")
    search(actor=actor, q="用电", type="cases")  # warm: parks learnt, tokenizer loaded
    with django_assert_max_num_queries(4):  # ranked ids, count, cases, their events
        few = search(actor=actor, q="用电", type="cases")
    for i in range(6):
        file_for(world.cast, "ent_a", world.cast.a, f"第{i}号仓库用电扩容。", f"仓库{i}用电")
    with django_assert_max_num_queries(4):
        more = search(actor=actor, q="用电", type="cases")
    assert len(more.items) > len(few.items)
    with django_assert_max_num_queries(2):  # the phone through its blind index, the rows
        search(actor=actor, q="13912345678", type="enterprises")


def _page(world: World, who: str, **params: str) -> str:
    client = Client()
    client.force_login(getattr(world.cast, who))
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_page_tabs_counts_and_marks(world: World):
    html = _page(world, "desk", q="用电")
    assert 'href="?q=%E7%94%A8%E7%94%B5&amp;type=enterprises"' in html
    assert "<mark>用电</mark>" in html
    assert f"/cases/{world.a1.pk}/" in html
    assert "&lt;script&gt;" in html and "<script>alert(1)" not in html


def test_page_opens_the_first_tab_with_hits(world: World):
    html = _page(world, "desk", q="乙精密")
    assert f"/enterprises/{world.cast.b.uscc}/" in html


def test_page_empty_state(world: World):
    assert 'id="search-empty"' in _page(world, "ent_a", q="车间用电 不存在")
    assert 'id="search-empty"' in _page(world, "ent_a")
    assert 'id="search-empty"' in _page(world, "ent_a", q="！！！", type="nonsense")


def test_page_enterprise_sees_only_its_own(world: World):
    html = _page(world, "ent_a", q="用电")
    assert f"/cases/{world.a1.pk}/" in html and f"/cases/{world.b1.pk}/" not in html


def test_header_search_box(world: World):
    html = _page(world, "ent_b", q="")
    assert 'action="/search/"' in html


def test_admins_get_404(world: World):
    client = Client()
    client.force_login(world.cast.sysadmin)
    assert client.get("/search/", {"q": "用电"}).status_code == 404
