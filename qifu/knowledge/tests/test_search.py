"""Search with Chinese queries (TF-IDF over title, keywords and answer), and the list's bounds."""

import pytest

from qifu.knowledge.selectors import knowledge_filter_parse, knowledge_search


def titles(api, **query):
    body = api.get("/api/v1/knowledge", query).json()
    return [e["title"] for e in body["items"]], body


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("贷款", "企业如何申请首贷贴息？"),  # a two-character word
        ("首贷贴息怎么申请", "企业如何申请首贷贴息？"),
        ("用电增容", "企业用电增容怎么办理？"),
        ("高新技术企业认定", "高新技术企业认定什么时候申报？"),
        ("高企申报 ERP", "高新技术企业认定什么时候申报？"),  # mixed Chinese and English
        ("供电公司", "企业用电增容怎么办理？"),  # a word of the answer only
    ],
)
def test_chinese_queries_rank_the_right_entry_first(kb, cast, api_as, query, first):
    found, body = titles(api_as(cast.ent_a), q=query)
    assert found and found[0] == first
    assert body["items"][0]["score"] > 0


def test_every_result_shares_a_word_and_scores_descend(kb, cast, api_as):
    _, body = titles(api_as(cast.desk), q="贷款贴息")
    scores = [e["score"] for e in body["items"]]
    assert scores == sorted(scores, reverse=True) and body["count"] == 2  # the two financing entries


@pytest.mark.parametrize("query", ["，。！？、；：“”（）……", "!!!???", "   ", "的 了 是"])
def test_punctuation_or_stopwords_only_answers_empty(kb, cast, api_as, query):
    response = api_as(cast.desk).get("/api/v1/knowledge", {"q": query})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"])
    if query.strip():
        assert body["count"] == 0


def test_long_queries_are_answered(kb, cast, api_as, client):
    long = ("我们公司想申请首贷贴息，请问需要哪些材料，银行贷款发放后多久申请？" * 20)[:500]
    response = api_as(cast.ent_a).get("/api/v1/knowledge", {"q": long})
    assert response.status_code == 200 and response.json()["items"][0]["title"] == "企业如何申请首贷贴息？"
    assert api_as(cast.ent_a).get("/api/v1/knowledge", {"q": long * 10}).status_code == 200  # cut, not refused
    client.force_login(cast.ent_a)
    assert client.get("/knowledge/", {"q": long * 4}).status_code == 200


def test_filters_combine_with_search(kb, cast, api_as):
    api = api_as(cast.desk)
    assert titles(api, q="贷款", public="0")[0] == ["科技贷风险补偿资金池的内部审核口径"]
    assert titles(api, category="innovation", state="retired")[0] == ["2023年研发费用补助申报通知"]
    assert {e["department"] for e in api.get("/api/v1/knowledge", {"department": "kjj"}).json()["items"]} == {"KJJ"}


@pytest.mark.parametrize("query", [{"category": "nope"}, {"department": "XXX"}, {"state": "gone"}])
def test_bad_filter_is_422_with_code(kb, cast, api_as, query):
    response = api_as(cast.desk).get("/api/v1/knowledge", query)
    assert response.status_code == 422 and response.json()["code"] == "knowledge_bad_filter"


def test_index_follows_writes(kb, cast, api_as):
    api = api_as(cast.desk)
    assert titles(api, q="排污许可")[1]["count"] == 0
    created = api.post(
        "/api/v1/knowledge", {"title": "排污许可证怎么办理？", "answer": "向安环局申请。", "department": "AHJ"}
    )
    assert created.status_code == 201
    assert titles(api, q="排污许可")[0] == ["排污许可证怎么办理？"]
    entry_id = created.json()["id"]
    body = {"title": "危险废物转移联单怎么办理？", "answer": "在省固废平台申报。", "department": "AHJ"}
    assert api.put(f"/api/v1/knowledge/{entry_id}", body).status_code == 200
    assert titles(api, q="排污许可")[1]["count"] == 0 and titles(api, q="危险废物")[0] == ["危险废物转移联单怎么办理？"]


def test_list_query_count_is_bounded(kb, cast, api_as, django_assert_max_num_queries):
    api = api_as(cast.jfj_handler)
    api.get("/api/v1/knowledge", {"q": "贷款"})  # the index is built once per process (not counted)
    with django_assert_max_num_queries(5):  # token, user, page (with category and department), count
        assert api.get("/api/v1/knowledge", {"limit": 50}).status_code == 200
    with django_assert_max_num_queries(6):  # token, user, index stamp, visible ids, the page
        assert api.get("/api/v1/knowledge", {"q": "贷款"}).status_code == 200


def test_list_page_query_count_is_bounded(kb, cast, client, django_assert_max_num_queries):
    client.force_login(cast.desk)
    client.get("/knowledge/", {"q": "贷款"})
    with django_assert_max_num_queries(12):  # session, user, count, page, nav badges …: not one per row
        assert client.get("/knowledge/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/knowledge/", {"q": "贷款"}).status_code == 200


def test_selector_pages(kb, cast):
    actor = cast.actor(cast.desk)
    filters = knowledge_filter_parse(q="")
    first = knowledge_search(actor=actor, filters=filters, limit=3)
    rest = knowledge_search(actor=actor, filters=filters, limit=3, offset=3)
    assert first.count == rest.count == 7 and not {e.pk for e in first.items} & {e.pk for e in rest.items}
