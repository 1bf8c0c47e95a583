"""Who sees which enterprise: the rules of PRODUCT.md §1, at the scope layer."""

import pytest

from qifu.access.scopes import scope_enterprises, scope_projects


def visible(cast, user) -> set[str]:
    return set(scope_enterprises(cast.actor(user)).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("leader", {"a", "b", "c"}),
        ("desk", {"a", "b", "c"}),
        ("ent_a", {"a"}),
        ("ent_b", {"b"}),
        ("liaison_a", {"a"}),
        ("liaison_b", {"b"}),
        ("deputy", {"c"}),
        ("kjj_handler", {"a"}),  # member of A's task force
        ("jfj_handler", set()),
        ("jfj_head", set()),
        ("sysadmin", set()),
        ("secadmin", set()),
        ("auditor", set()),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_scope_enterprises_case(cast, who, expected):
    # given the cast; when we ask what the user sees
    names = visible(cast, getattr(cast, who))
    # then exactly the expected enterprises
    assert names == {getattr(cast, e).name for e in expected}


def test_scope_projects_follow_enterprises(cast):
    assert list(scope_projects(cast.actor(cast.ent_b))) == [cast.project_b]
    assert set(scope_projects(cast.actor(cast.leader))) == {cast.project_a, cast.project_b}
    assert list(scope_projects(cast.actor(cast.auditor))) == []
