"""Who sees which safety checks and rectifications: enterprise its own, liaison its linked
enterprises, AHJ / desk / leader all, other departments only visits they were on, admins none;
outside the scope is 404 on pages and API alike."""

import pytest
from django.test import Client

from qifu.access.actor import Actor
from qifu.safety.models import Rectification
from qifu.safety.selectors import rectification_list, scope_safety_checks
from qifu.safety.tests.conftest import given_check, given_visit

SEES_A = {"ent_a": True, "ent_b": False, "liaison_a": True, "liaison_b": False, "desk": True, "leader": True}
SEES_A |= {"jfj_handler": False, "kjj_head": False, "sysadmin": False, "auditor": False, "ahj_handler": True}


@pytest.fixture
def found(cast, ahj) -> Rectification:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    return Rectification.objects.get()


@pytest.mark.parametrize(("who", "sees"), sorted(SEES_A.items()))
def test_rectification_visibility_per_role(cast, ahj, found, who: str, sees: bool, api_as) -> None:
    user = ahj.handler if who == "ahj_handler" else getattr(cast, who)
    client = Client()
    client.force_login(user)
    page = client.get(f"/safety/rectifications/{found.pk}/")
    check_page = client.get(f"/safety/visits/{found.check_record.visit_id}/")
    api = api_as(user).get(f"/api/v1/safety/rectifications/{found.pk}")
    expected = 200 if sees else 404
    assert (page.status_code, check_page.status_code, api.status_code) == (expected, expected, expected)
    assert (found.pk in [r.pk for r in rectification_list(actor=Actor.of(user))]) == sees
    if not sees:
        assert found.hazard not in page.content.decode()


def test_another_department_sees_the_visits_it_was_on(cast, found) -> None:
    visit = given_visit(cast.b, cast.liaison_b, others=[cast.jfj_handler])
    given_check(visit, cast.liaison_b, fail={"S07": 5})
    actor = Actor.of(cast.jfj_handler)
    assert list(scope_safety_checks(actor).values_list("visit_id", flat=True)) == [visit.pk]
    assert [r.enterprise_id for r in rectification_list(actor=actor)] == [cast.b.pk]
