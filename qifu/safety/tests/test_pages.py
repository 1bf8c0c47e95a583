"""The safety pages: fill the checklist on a phone, the list with its filters, the rectification page."""

import time_machine
from django.test import Client

from qifu.files.tests.samples import exe_bytes, png_bytes, upload
from qifu.safety.models import Rectification, RectState, SafetyCheck, SafetyItem
from qifu.safety.tests.conftest import at, default_checklist, given_check, given_visit
from qifu.visits.models import VisitKind


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_all(checklist_items: list[SafetyItem], fail: str = "S05") -> dict[str, str]:
    data: dict[str, str] = {}
    for item in checklist_items:
        data[f"outcome_{item.pk}"] = "fail" if item.code == fail else "pass"
    failed = next(i for i in checklist_items if i.code == fail)
    data.update({f"note_{failed.pk}": "灭火器过期", f"rectify_{failed.pk}": "1", f"days_{failed.pk}": "5"})
    return data


def test_a_liaison_fills_the_checklist_and_a_rectification_appears(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a, when=at(2026, 11, 20))
    client = login(cast.liaison_a)
    page = client.get(f"/safety/visits/{visit.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "安全检查表" in html and 'name="viewport"' in html and "btn-check" in html
    items = list(default_checklist(cast.a).items.all())
    response = client.post(f"/safety/visits/{visit.pk}/", _post_all(items))
    assert response.status_code == 302
    rect = Rectification.objects.get()
    assert rect.state == RectState.OPEN and "灭火器过期" in rect.hazard
    assert f"/safety/rectifications/{rect.pk}/" in client.get(f"/safety/visits/{visit.pk}/").content.decode()


def test_an_incomplete_checklist_shows_the_message_and_saves_nothing(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    items = list(default_checklist(cast.a).items.all())
    data = _post_all(items)
    data.pop(f"outcome_{items[0].pk}")
    response = login(cast.liaison_a).post(f"/safety/visits/{visit.pk}/", data)
    assert response.status_code == 422
    assert "未填写" in response.content.decode()
    assert not SafetyCheck.objects.exists()


def test_a_routine_visit_has_no_checklist_to_fill(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a, kind=VisitKind.ROUTINE)
    client = login(cast.liaison_a)
    assert "不是“安全检查”类型" in client.get(f"/safety/visits/{visit.pk}/").content.decode()
    items = list(default_checklist(cast.a).items.all())
    assert client.post(f"/safety/visits/{visit.pk}/", _post_all(items)).status_code == 422
    assert not SafetyCheck.objects.exists()


def test_the_enterprise_sees_its_items_in_plain_chinese_and_reports_the_fix(cast) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5}, now=at(2026, 11, 20))
    rect = Rectification.objects.get()
    with time_machine.travel(at(2026, 11, 23), tick=False):  # before the five working days are up
        listing = login(cast.ent_a).get("/safety/").content.decode()
    assert "我的隐患整改" in listing and "请在11月27日前完成整改（还剩4个工作日）" in listing
    with time_machine.travel(at(2026, 12, 1), tick=False):  # two working days late (signed in afresh)
        late = login(cast.ent_a).get("/safety/").content.decode()
    assert "已超过整改期限（11月27日）2个工作日" in late
    client = login(cast.ent_a)
    detail = client.get(f"/safety/rectifications/{rect.pk}/").content.decode()
    assert "报告整改情况" in detail and "验收通过" not in detail
    response = client.post(f"/safety/rectifications/{rect.pk}/act/", {"action": "submit", "note": "已更换"})
    assert response.status_code == 302
    assert Rectification.objects.get().state == RectState.SUBMITTED
    # verifying its own fix: refused with a message, nothing changed
    refused = client.post(f"/safety/rectifications/{rect.pk}/act/", {"action": "verify"})
    assert refused.status_code == 409 and "企业不能验收" in refused.content.decode()
    assert Rectification.objects.get().state == RectState.SUBMITTED


def test_the_authority_accepts_from_the_page(cast, ahj) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    rect = Rectification.objects.get()
    login(cast.ent_a).post(f"/safety/rectifications/{rect.pk}/act/", {"action": "submit", "note": "已更换"})
    client = login(ahj.handler)
    assert "验收通过" in client.get(f"/safety/rectifications/{rect.pk}/").content.decode()
    client.post(f"/safety/rectifications/{rect.pk}/act/", {"action": "verify", "note": "合格"})
    assert Rectification.objects.get().state == RectState.VERIFIED


def test_the_list_filters_and_always_shows_the_deadline(cast, ahj, django_assert_max_num_queries) -> None:
    for _ in range(3):
        visit = given_visit(cast.a, cast.liaison_a)
        given_check(visit, cast.liaison_a, fail={"S05": 5, "S08": 5})
    client = login(ahj.head)
    client.get("/safety/")  # warm the session
    with django_assert_max_num_queries(12):
        html = client.get("/safety/").content.decode()
    assert html.count("qf-rect-row") == 6 and "fa-clock" in html
    assert client.get("/safety/?severity=major").content.decode().count("qf-rect-row") == 3
    assert client.get("/safety/?state=verified").content.decode().count("qf-rect-row") == 0
    assert client.get("/safety/?overdue=1").status_code == 200


def test_the_check_and_rectification_pages_read_a_bounded_number_of_rows(
    cast, ahj, django_assert_max_num_queries
) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5, "S07": 5, "S09": 5})
    rect = Rectification.objects.first()
    assert rect is not None
    client = login(cast.liaison_a)
    client.get("/safety/")
    with django_assert_max_num_queries(14):
        assert client.get(f"/safety/visits/{visit.pk}/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(f"/safety/rectifications/{rect.pk}/").status_code == 200


def test_the_fix_photo_is_stored_and_served_only_within_scope(cast, ahj, files_dir) -> None:
    visit = given_visit(cast.a, cast.liaison_a)
    given_check(visit, cast.liaison_a, fail={"S05": 5})
    rect = Rectification.objects.get()
    client = login(cast.ent_a)
    url = f"/safety/rectifications/{rect.pk}/act/"
    refused = client.post(url, {"action": "submit", "note": "已整改", "photo": upload("fix.exe", exe_bytes())})
    assert refused.status_code == 422 and Rectification.objects.get().state == RectState.OPEN
    done = client.post(
        url, {"action": "submit", "note": "已整改", "photo": upload("fix.png", png_bytes(), "image/png")}
    )
    assert done.status_code == 302
    photo = f"/safety/rectifications/{rect.pk}/photo/"
    assert client.get(photo).status_code == 200
    assert login(ahj.handler).get(photo).status_code == 200
    assert login(cast.ent_b).get(photo).status_code == 404
