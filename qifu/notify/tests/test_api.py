"""/api/v1/notifications: the caller's own inbox; another user's notification answers 404 and stays as it was."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from qifu.notify.models import Notification
from qifu.notify.services import notify

URL = "/api/v1/notifications"
T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def _notify(user, title, **kwargs):
    [n] = notify(recipients=[user], kind="case_dispatched", title=title, body="请及时签收。", url="/x/", **kwargs)
    return n


def test_list_is_mine_newest_first_case(cast, api_as):
    # given
    with time_machine.travel(T0, tick=False) as clock:
        _notify(cast.jfj_handler, "旧", enterprise_id=cast.a.pk)
        clock.shift(timedelta(minutes=1))
        _notify(cast.jfj_handler, "新", urgent=True)
        _notify(cast.kjj_handler, "别人的")
    # when
    body = api_as(cast.jfj_handler).get(URL).json()
    # then
    assert body["count"] == 2
    assert [i["title"] for i in body["items"]] == ["新", "旧"]
    newest, oldest = body["items"]
    assert set(newest) == {
        "id",
        "kind",
        "title",
        "body",
        "url",
        "urgent",
        "enterprise_id",
        "read",
        "read_at",
        "created_at",
    }
    assert (newest["kind"], newest["urgent"], newest["read"], newest["read_at"]) == (
        "case_dispatched",
        True,
        False,
        None,
    )
    assert oldest["enterprise_id"] == cast.a.pk


def test_unread_filter_and_paging_case(cast, api_as):
    for i in range(5):
        _notify(cast.desk, f"n{i}")
    Notification.objects.filter(title__in=["n0", "n1"]).update(read_at=T0)
    api = api_as(cast.desk)
    unread = api.get(URL, {"unread": "true"}).json()
    assert (unread["count"], {i["title"] for i in unread["items"]}) == (3, {"n2", "n3", "n4"})
    page = api.get(URL, {"limit": 2, "offset": 2}).json()
    assert (page["count"], [i["title"] for i in page["items"]]) == (5, ["n2", "n1"])


def test_list_query_count_is_constant_case(cast, api_as, django_assert_num_queries):
    api = api_as(cast.desk)
    _notify(cast.desk, "一")
    with django_assert_num_queries(3):  # token, COUNT, page
        api.get(URL)
    for i in range(10):
        _notify(cast.desk, f"n{i}")
    with django_assert_num_queries(3):
        api.get(URL)


def test_read_one_case(cast, api_as):
    n = _notify(cast.desk, "x")
    with time_machine.travel(T0, tick=False):
        response = api_as(cast.desk).post(f"{URL}/{n.pk}/read")
    assert response.status_code == 200
    assert (response.json()["read"], response.json()["read_at"]) == (True, "2026-12-01T01:00:00Z")
    # reading it again keeps the first time
    again = api_as(cast.desk).post(f"{URL}/{n.pk}/read").json()
    assert again["read_at"] == "2026-12-01T01:00:00Z"


def test_read_all_case(cast, api_as):
    _notify(cast.desk, "一")
    _notify(cast.desk, "二")
    theirs = _notify(cast.leader, "三")
    response = api_as(cast.desk).post(f"{URL}/read-all")
    assert (response.status_code, response.json()) == (200, {"updated": 2})
    assert Notification.objects.filter(recipient=cast.desk, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert api_as(cast.desk).post(f"{URL}/read-all").json() == {"updated": 0}


@pytest.mark.parametrize(
    "who", ["ent_b", "desk", "leader", "liaison_a", "sysadmin", "auditor"], ids=lambda w: f"{w}_case"
)
def test_another_users_notification_is_404(cast, api_as, who):
    # given A's notification
    n = _notify(cast.ent_a, "企业甲的通知")
    api = api_as(getattr(cast, who))
    # when B lists, or marks it read
    listed = api.get(URL).json()
    response = api.post(f"{URL}/{n.pk}/read")
    # then B sees nothing of it, and it is still unread for A
    assert (listed["items"], listed["count"]) == ([], 0)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert "企业甲的通知" not in response.content.decode()
    n.refresh_from_db()
    assert n.read_at is None


def test_missing_is_the_same_404_case(cast, api_as):
    response = api_as(cast.desk).post(f"{URL}/999999/read")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_needs_a_token_case(db, client):
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}/read-all").status_code == 401
