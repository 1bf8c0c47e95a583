"""分办规则 page: the desk sets any department's rule, a head only their own; others get 404;
a bad value gets a message and changes nothing."""

import pytest
from django.test import Client

from qifu.cases.models import DepartmentRouting
from qifu.cases.tests.conftest import drive
from qifu.conftest import Cast


def _client(cast: Cast, who: str) -> Client:
    client = Client()
    client.force_login(getattr(cast, who))
    return client


def _mode(code: str) -> str | None:
    return DepartmentRouting.objects.filter(department__code=code).values_list("mode", flat=True).first()


@pytest.mark.parametrize("who", ["jfj_handler", "liaison_a", "leader", "ent_a", "sysadmin"])
def test_other_roles_do_not_see_the_page(cast: Cast, who: str) -> None:
    client = _client(cast, who)
    assert client.get("/cases/routing/").status_code == 404
    assert client.post("/cases/routing/JFJ/", {"mode": "head_assigns"}).status_code == 404
    assert _mode("JFJ") is None


def test_the_desk_sees_every_department_and_sets_one(cast: Cast) -> None:
    client = _client(cast, "desk")
    page = client.get("/cases/routing/").content.decode()
    assert "经济发展局" in page and "科技创新局" in page and "轮流分配" in page
    response = client.post("/cases/routing/KJJ/", {"mode": "least_loaded"}, follow=True)
    assert "分办规则已更新" in response.content.decode()
    assert _mode("KJJ") == "least_loaded"


def test_a_head_sets_only_their_own_department(cast: Cast) -> None:
    client = _client(cast, "jfj_head")
    page = client.get("/cases/routing/").content.decode()
    assert "经济发展局" in page and "科技创新局" not in page
    assert client.post("/cases/routing/KJJ/", {"mode": "head_assigns"}).status_code == 404
    client.post("/cases/routing/JFJ/", {"mode": "head_assigns"})
    assert (_mode("JFJ"), _mode("KJJ")) == ("head_assigns", None)
    # the rule takes effect: the next dispatched case waits for the head to assign it
    assert drive(cast, "dispatched").handler_id is None


def test_an_unknown_rule_is_refused_with_a_message(cast: Cast) -> None:
    response = _client(cast, "desk").post("/cases/routing/JFJ/", {"mode": "lottery"}, follow=True)
    assert "无效" in response.content.decode()
    assert _mode("JFJ") is None
