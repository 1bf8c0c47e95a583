"""Who sees which suggestion (PRODUCT.md §2.3, STYLE.md §6.3 the visibility matrix): every role
against the suggestions it must not see — 404 in the API and on the page, absent from the lists —
and the queues and the leaders' page 404 for the roles that do not use them."""

import pytest
from django.test import Client

from qifu.access.actor import Actor
from qifu.conftest import Cast
from qifu.suggestions.selectors import my_suggestions, scope_suggestions, suggestion_list
from qifu.suggestions.tests.conftest import given, submit

ROLES = [
    "ent_a",
    "ent_b",
    "liaison_a",
    "liaison_b",
    "deputy",
    "jfj_handler",
    "jfj_head",
    "kjj_handler",
    "kjj_head",
    "desk",
    "leader",
    "sysadmin",
    "secadmin",
    "auditor",
]

# The cast's suggestions (see `world`) each role sees.
SEES: dict[str, set[str]] = {
    "ent_a": {"a_jfj"},
    "ent_b": {"b_kjj"},
    "liaison_a": {"a_jfj"},  # A's liaison (and task-force lead)
    "liaison_b": {"b_kjj", "lb_free"},  # B's liaison, and what they filed about no enterprise
    "deputy": {"c_new"},  # C's liaison
    "jfj_handler": {"a_jfj"},
    "jfj_head": {"a_jfj"},
    "kjj_handler": {"b_kjj"},
    "kjj_head": {"b_kjj"},
    "desk": {"a_jfj", "b_kjj", "c_new", "lb_free"},
    "leader": {"a_jfj", "b_kjj", "c_new", "lb_free"},
    "sysadmin": set(),
    "secadmin": set(),
    "auditor": set(),
}


def world(cast: Cast) -> dict[str, int]:
    return {
        "a_jfj": given(cast, "assigned", who="ent_a", department="JFJ").pk,
        "b_kjj": given(cast, "answered", who="ent_b", department="KJJ").pk,
        "c_new": submit(cast, "deputy", enterprise=cast.c).pk,
        "lb_free": submit(cast, "liaison_b").pk,
    }


@pytest.mark.parametrize("who", ROLES)
def test_each_role_sees_exactly_its_suggestions(cast, api_as, who) -> None:
    # given
    ids = world(cast)
    user = getattr(cast, who)
    visible = {ids[k] for k in SEES[who]}
    hidden = set(ids.values()) - visible
    # when / then: the scope and the list
    assert set(scope_suggestions(Actor.of(user)).values_list("pk", flat=True)) == visible
    assert {s.pk for s in suggestion_list(actor=Actor.of(user))} == visible
    # the API answers 404 with no data for each hidden one, and the list holds none of them
    api = api_as(user)
    for pk in hidden:
        response = api.get(f"/api/v1/suggestions/{pk}")
        assert response.status_code == 404 and response.json()["code"] == "not_found", (who, pk)
        for step, body in (("assign", {"department": "JFJ", "topic": "other"}), ("answer", {"answer": "x"})):
            assert api.post(f"/api/v1/suggestions/{pk}/{step}", body).status_code == 404, (who, step)
    listed = api.get("/api/v1/suggestions", {"limit": 200}).json()
    assert {item["id"] for item in listed["items"]} == visible and listed["count"] == len(visible)
    # the page answers 404 for each hidden one, 200 for each visible one
    client = Client()
    client.force_login(user)
    for pk in hidden:
        assert client.get(f"/suggestions/{pk}/").status_code == 404, (who, pk)
    for pk in visible:
        assert client.get(f"/suggestions/{pk}/").status_code == 200, (who, pk)


def test_my_suggestions_are_the_liaison_s_own_and_the_enterprise_s(cast) -> None:
    ids = world(cast)
    own_a = submit(cast, "liaison_a", enterprise=cast.a).pk
    assert {s.pk for s in my_suggestions(actor=Actor.of(cast.liaison_a))} == {own_a}
    assert {s.pk for s in my_suggestions(actor=Actor.of(cast.ent_a))} == {ids["a_jfj"], own_a}
    assert list(my_suggestions(actor=Actor.of(cast.desk))) == []


PAGES = {
    "/suggestions/new/": {"ent_a", "ent_b", "liaison_a", "liaison_b", "deputy"},
    "/suggestions/mine/": {"ent_a", "ent_b", "liaison_a", "liaison_b", "deputy"},
    "/suggestions/desk/": {"desk"},
    "/suggestions/department/": {"jfj_handler", "jfj_head", "kjj_handler", "kjj_head"},
    "/suggestions/stats/": {"desk", "leader"},
}


@pytest.mark.parametrize("url", list(PAGES))
def test_role_pages_are_404_for_the_roles_that_do_not_use_them(cast: Cast, url: str) -> None:
    for who in ROLES:
        client = Client()
        client.force_login(getattr(cast, who))
        expected = 200 if who in PAGES[url] else 404
        assert client.get(url).status_code == expected, (url, who)


def test_anonymous_visitors_are_sent_to_sign_in(db) -> None:
    response = Client().get("/suggestions/mine/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
