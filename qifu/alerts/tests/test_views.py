"""The alert pages and the liaison home's 预警 card."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from qifu.alerts.models import AlarmRule, Alert, AlertKind, AlertState
from qifu.alerts.services import alerts_scan
from qifu.alerts.tests.conftest import TODAY, set_rules


@pytest.fixture
def raised(cast, revenue_world, orphan):
    set_rules(cast, ("revenue_yoy", "lte", "-0.3"))
    alerts_scan(today=TODAY)
    return cast


@time_machine.travel(date(2026, 10, 20), tick=False)
def test_liaison_sees_own_alerts_overdue_in_red(raised, client):
    client.force_login(raised.liaison_a)
    html = client.get(reverse("alerts:list")).content.decode()
    assert "我的预警" in html and "甲电子新厂房" in html and "营业收入同比" in html
    assert html.count('data-overdue="1"') == 2  # due 2026-10-19, today 2026-10-20
    assert "丁新材料" not in html  # the desk's, not hers


def test_desk_sees_all_and_filters_by_kind(raised, client):
    client.force_login(raised.desk)
    html = client.get(reverse("alerts:list"), {"kind": "indicator"}).content.decode()
    assert "丁新材料" in html and "甲电子新厂房" not in html
    fragment = client.get(reverse("alerts:list"), {"kind": "milestone"}, headers={"HX-Request": "true"})
    assert 'id="alert-table"' in fragment.content.decode() and "<html" not in fragment.content.decode()


@pytest.mark.parametrize("who", ["jfj_handler", "ent_a", "sysadmin"])
def test_others_get_404(raised, client, who):
    client.force_login(getattr(raised, who))
    assert client.get(reverse("alerts:list")).status_code == 404
    assert client.get(reverse("alerts:rules")).status_code == 404


def test_list_page_query_count_is_bounded(raised, client, django_assert_max_num_queries):
    client.force_login(raised.desk)
    client.get(reverse("alerts:list"))  # warm the per-process caches (menus, reference data)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("alerts:list"), {"state": "all"}).status_code == 200


def test_mark_done_from_the_list(raised, client):
    client.force_login(raised.liaison_a)
    alert = Alert.objects.get(kind=AlertKind.MILESTONE)
    response = client.post(reverse("alerts:act", args=[alert.pk]), {"action": "done", "note": "已走访"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == AlertState.DONE and alert.close_note == "已走访"
    # a second try is refused with a message, nothing changed
    client.post(reverse("alerts:act", args=[alert.pk]), {"action": "dismiss", "note": "x"}, follow=True)
    alert.refresh_from_db()
    assert alert.state == AlertState.DONE


def test_rules_page_desk_edits(cast, client):
    client.force_login(cast.desk)
    page = client.get(reverse("alerts:rules"))
    assert page.status_code == 200 and "营业收入累计同比" in page.content.decode()
    forms = page.context["formset"].forms
    data = {"form-TOTAL_FORMS": str(len(forms)), "form-INITIAL_FORMS": str(len(forms))}
    for i, form in enumerate(forms):
        data[f"form-{i}-field"] = form.initial["field"]
        data[f"form-{i}-comparison"] = "lte"
        if form.initial["field"] == "output_yoy":
            data[f"form-{i}-threshold"] = "-0.5"
            data[f"form-{i}-active"] = "on"
    response = client.post(reverse("alerts:rules"), data)
    assert response.status_code == 302
    assert list(AlarmRule.objects.values_list("field", "active")) == [("output_yoy", True)]


def test_rules_page_read_only_for_a_liaison(cast, client):
    client.force_login(cast.liaison_a)
    page = client.get(reverse("alerts:rules"))
    form = page.content.decode().split('id="rules-form"')[1].split("</form>")[0]
    assert page.status_code == 200 and "<button" not in form and "<input name=" not in form
    assert client.post(reverse("alerts:rules"), {}).status_code == 404


@time_machine.travel(date(2026, 10, 14), tick=False)
def test_liaison_home_shows_the_alert_card(raised, client):
    client.force_login(raised.liaison_a)
    html = client.get(reverse("dashboard:home")).content.decode()
    card = html.split('id="home-alerts"')[1].split("</section>")[0]
    assert "待处理 2 条" in card and "甲电子新厂房" in card


def test_admin_adds_a_threshold_through_the_service(cast, client):
    client.force_login(cast.sysadmin)
    url = reverse("admin:alerts_alarmrule_add")
    response = client.post(url, {"field": "output_yoy", "comparison": "lt", "threshold": "-0.5", "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AlarmRule.objects.filter(field="output_yoy", comparison="lt").exists()
    bad = client.post(url, {"field": "mood", "comparison": "lt", "threshold": "1", "active": "on"})
    assert bad.status_code == 200 and not AlarmRule.objects.filter(field="mood").exists()


@pytest.mark.parametrize(("who", "shown"), [("liaison_a", True), ("desk", True), ("jfj_handler", False)])
def test_enterprise_page_loads_its_alerts_for_those_who_see_them(raised, client, who, shown):
    client.force_login(getattr(raised, who))
    html = client.get(reverse("enterprises:detail", args=[raised.a.uscc])).content.decode()
    url = reverse("alerts:enterprise", args=[raised.a.uscc])
    assert (f'hx-get="{url}"' in html) is shown
    section = client.get(url)
    if shown:
        text = section.content.decode()
        assert 'id="enterprise-alerts"' in text and "甲电子新厂房" in text and "营业收入同比" in text
    else:
        assert section.status_code == 404


def test_enterprise_section_is_404_outside_the_scope(raised, client):
    client.force_login(raised.liaison_b)
    assert client.get(reverse("alerts:enterprise", args=[raised.a.uscc])).status_code == 404
