"""Who finds what: every role of the cast against every object, through the selector and the API
(the same scope as the lists: access.scopes). Internal notes are never found by the enterprise."""

from qifu.access.scopes import scope_cases, scope_enterprises, scope_policies
from qifu.search.selectors import search
from qifu.search.tests.conftest import SECRET, World

ROLES = (
    "desk",
    "leader",
    "jfj_handler",
    "jfj_head",
    "kjj_handler",
    "kjj_head",
    "liaison_a",
    "liaison_b",
    "deputy",
    "sysadmin",
    "secadmin",
    "auditor",
    "ent_a",
    "ent_b",
)
ALL_CASES = {"a1", "a2", "b1", "c1"}
A_CASES = {"a1", "a2"}
# role -> (cases, enterprises, policies) found; decided from PRODUCT.md §1 and access.scopes:
# A's liaison and A's task-force member (kjj_handler) see A; B's case is led by JFJ; C is linked
# to the deputy; drafts for the zone-wide roles and the issuing department (KJJ).
SEES = {
    "desk": (ALL_CASES, {"a", "b", "c"}, {"PUB", "DRAFT"}),
    "leader": (ALL_CASES, {"a", "b", "c"}, {"PUB", "DRAFT"}),
    "jfj_handler": ({"b1"}, {"b"}, {"PUB"}),
    "jfj_head": ({"b1"}, {"b"}, {"PUB"}),
    "kjj_handler": (A_CASES, {"a"}, {"PUB", "DRAFT"}),
    "kjj_head": (set(), set(), {"PUB", "DRAFT"}),
    "liaison_a": (A_CASES, {"a"}, {"PUB"}),
    "liaison_b": ({"b1"}, {"b"}, {"PUB"}),
    "deputy": ({"c1"}, {"c"}, {"PUB"}),
    "sysadmin": (set(), set(), set()),
    "secadmin": (set(), set(), set()),
    "auditor": (set(), set(), set()),
    "ent_a": (A_CASES, {"a"}, {"PUB"}),
    "ent_b": ({"b1"}, {"b"}, {"PUB"}),
}


def names(world: World) -> dict[str, str]:
    c = world.cast
    return {
        **{str(getattr(world, n).pk): n for n in ("a1", "a2", "b1", "c1")},
        **{c.a.uscc: "a", c.b.uscc: "b", c.c.uscc: "c"},
        "PUB": "PUB",
        "DRAFT": "DRAFT",
    }


def test_scope_matrix(world, api_as):
    for who in ROLES:  # one world for every role: the world is the slow part
        _check(world, who, api_as)


def _check(world, who, api_as):
    # given
    cases, enterprises, policies = SEES[who]
    actor = world.actor(who)
    name = names(world)
    queries = {"cases": ("用电", cases), "enterprises": ("昆山", enterprises), "policies": ("研发", policies)}
    # the expectations agree with the lists' own scope
    if not actor.is_admin:
        assert {name[str(pk)] for pk in scope_cases(actor).values_list("pk", flat=True)} == cases
        assert {name[u] for u in scope_enterprises(actor).values_list("uscc", flat=True)} == enterprises
        assert set(scope_policies(actor).values_list("code", flat=True)) == policies
    api = api_as(getattr(world.cast, who))
    for type, (q, expected) in queries.items():
        # when
        page = search(actor=actor, q=q, type=type)
        answer = api.get("/api/v1/search", {"q": q, "type": type})

        # then
        assert {name[h.key] for h in page.items} == expected, (who, type)
        assert page.count == len(expected)
        assert answer.status_code == 200
        assert {name[i["key"]] for i in answer.json()["items"]} == expected, (who, type)
        assert answer.json()["count"] == len(expected)


def test_internal_notes_are_not_found_by_the_enterprise(world, api_as):
    key = str(world.a1.pk)
    for who in ("desk", "liaison_a", "kjj_handler"):
        assert {h.key for h in search(actor=world.actor(who), q=SECRET, type="cases").items} == {key}
    assert search(actor=world.actor("ent_a"), q=SECRET, type="cases").items == []
    assert search(actor=world.actor("ent_a"), q=f"ERP {SECRET}", type="cases").count == 0
    assert api_as(world.cast.ent_a).get("/api/v1/search", {"q": SECRET}).json() == {
        "items": [],
        "count": 0,
        "terms": search(actor=world.actor("ent_a"), q=SECRET).terms,
    }
    # and the enterprise's own snippet never shows the note
    (hit,) = search(actor=world.actor("ent_a"), q="ERP", type="cases").items
    assert SECRET not in hit.snippet


def test_the_desk_snippet_may_show_the_note(world):
    (hit,) = search(actor=world.actor("desk"), q=SECRET, type="cases").items
    assert "<mark>" in hit.snippet
