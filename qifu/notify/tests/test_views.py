"""The inbox page (通知) and the top-bar badge: own notifications only, unread in bold, open → read + follow."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qifu.notify.models import Notification
from qifu.notify.selectors import notification_unread_count
from qifu.notify.services import notify

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
INBOX = "/notifications/"


def _notify(user, title, url="/enterprises/", **kwargs):
    [n] = notify(recipients=[user], kind="case_progress", title=title, body=f"{title}：详情", url=url, **kwargs)
    return n


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_sign_in_case(db, client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_inbox_lists_my_notifications_newest_first_unread_bold_case(cast):
    # given
    with time_machine.travel(T0, tick=False) as clock:
        _notify(cast.desk, "较早的通知")
        clock.shift(timedelta(minutes=5))
        newer = _notify(cast.desk, "较新的通知")
        _notify(cast.leader, "别人的通知")
    Notification.objects.filter(pk=newer.pk).update(read_at=T0)
    # when
    html = _client(cast.desk).get(INBOX).content.decode()
    # then
    assert html.index("较新的通知") < html.index("较早的通知")
    assert "别人的通知" not in html
    assert re.search(r'class="d-block fw-bold">较早的通知', html)
    assert re.search(r'class="d-block">较新的通知', html)
    assert "全部标为已读" in html
    assert "共 2 条通知" in html


def test_unread_filter_and_htmx_partial_case(cast):
    # given
    _notify(cast.desk, "未读的")
    read = _notify(cast.desk, "已读的")
    Notification.objects.filter(pk=read.pk).update(read_at=T0)
    # when the unread tab is asked for by HTMX
    response = _client(cast.desk).get(INBOX, {"unread": "1"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    # then only the list fragment comes back, unread only
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="notification-list">')
    assert "未读的" in html and "已读的" not in html
    assert response["Vary"].count("HX-Request") == 1


def test_pagination_case(cast):
    for i in range(25):
        _notify(cast.desk, f"通知{i:02d}")
    client = _client(cast.desk)
    first = client.get(INBOX).content.decode()
    second = client.get(INBOX, {"page": 2}).content.decode()
    assert "通知24" in first and "通知04" not in first
    assert "通知04" in second and "通知24" not in second


def test_opening_marks_read_and_follows_the_link_case(cast):
    # given
    n = _notify(cast.desk, "去看看", url="/enterprises/?q=甲")
    # when
    response = _client(cast.desk).post(reverse("notify:open", args=[n.pk]))
    # then
    assert response.status_code == 302
    assert response["Location"] == "/enterprises/?q=%E7%94%B2"  # 甲, percent-encoded
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_without_a_link_returns_to_the_inbox_case(cast):
    n = _notify(cast.desk, "没有链接", url="")
    response = _client(cast.desk).post(reverse("notify:open", args=[n.pk]))
    assert response["Location"] == INBOX


def test_opening_needs_post_case(cast):
    n = _notify(cast.desk, "x")
    assert _client(cast.desk).get(reverse("notify:open", args=[n.pk])).status_code == 405
    n.refresh_from_db()
    assert n.read_at is None


def test_opening_is_csrf_protected_case(cast):
    n = _notify(cast.desk, "x")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.desk)
    assert client.post(reverse("notify:open", args=[n.pk])).status_code == 403
    n.refresh_from_db()
    assert n.read_at is None


@pytest.mark.parametrize("who", ["leader", "desk", "ent_b", "sysadmin", "auditor"], ids=lambda w: f"{w}_case")
def test_someone_elses_notification_is_404_and_stays_unread(cast, who):
    # given A's notification
    n = _notify(cast.ent_a, "企业甲的通知")
    # when B opens it
    response = _client(getattr(cast, who)).post(reverse("notify:open", args=[n.pk]))
    # then 404, and A still has it unread
    assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_read_all_marks_only_mine_case(cast):
    # given
    mine = [_notify(cast.desk, "一"), _notify(cast.desk, "二")]
    theirs = _notify(cast.leader, "三")
    # when
    response = _client(cast.desk).post(reverse("notify:read_all"))
    # then
    assert (response.status_code, response["Location"]) == (302, INBOX)
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


# --- the top-bar badge ------------------------------------------------------------------------------------


def _bell(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load notify_tags %}{% notify_bell %}").render(Context({"request": request}))


def test_badge_counts_unread_in_one_query_case(cast, django_assert_num_queries):
    # given
    for i in range(3):
        _notify(cast.desk, f"n{i}")
    Notification.objects.filter(recipient=cast.desk, title="n0").update(read_at=T0)
    # when / then
    with django_assert_num_queries(1):
        html = _bell(cast.desk)
    assert 'data-qf-unread="2">2<' in html
    assert 'href="/notifications/"' in html


def test_badge_query_uses_the_unread_index_case(cast):
    with CaptureQueriesContext(connection) as queries:
        notification_unread_count(user=cast.desk)
    [query] = queries.captured_queries
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "notify_unread_idx" in plan


def test_badge_is_capped_case(cast, django_assert_num_queries):
    for i in range(101):
        _notify(cast.desk, f"n{i}")
    with django_assert_num_queries(1):
        html = _bell(cast.desk)
    assert ">99+<" in html


def test_no_badge_number_when_all_read_case(cast):
    _notify(cast.desk, "n")
    Notification.objects.update(read_at=T0)
    html = _bell(cast.desk)
    assert "data-qf-unread" not in html
    assert 'href="/notifications/"' in html


def test_anonymous_costs_no_query_case(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert _bell(AnonymousUser()).strip() == ""


def test_the_top_bar_shows_the_badge_case(cast):
    _notify(cast.ent_a, "您的诉求已受理")
    html = _client(cast.ent_a).get("/").content.decode()
    assert 'data-qf-unread="1"' in html


def test_inbox_query_count_does_not_grow_with_the_page_case(cast):
    def count() -> int:
        client = _client(cast.desk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INBOX).status_code == 200
        return len(queries)

    _notify(cast.desk, "一")
    few = count()
    for i in range(15):
        _notify(cast.desk, f"n{i}")
    assert count() == few
