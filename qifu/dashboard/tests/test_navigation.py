"""The menus are rendered once per (menu, role, page, language) and reused: the reused copy must be
what a fresh render gives, and one role's or one page's menu must never be served to another."""

import pytest
from django.template import Context
from django.test import Client, RequestFactory, override_settings
from django.urls import resolve, reverse
from django.utils import translation

from qifu.dashboard.templatetags import navigation

MENUS = ("partials/_nav.html", "partials/_nav_compact.html")


@pytest.fixture(autouse=True)
def _fresh_cache():
    navigation.menu_cache_clear()
    yield
    navigation.menu_cache_clear()


def _menu(user, path: str, name: str) -> str:
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    return navigation.menu(Context({"request": request, "user": user}), name)


def _fresh(user, path: str, name: str) -> str:
    with override_settings(DEBUG=True):  # DEBUG keeps nothing: a plain render
        return _menu(user, path, name)


@pytest.mark.parametrize("name", MENUS)
def test_a_kept_menu_is_what_a_fresh_render_gives(cast, name):
    for who in ("desk", "jfj_handler", "jfj_head", "leader", "liaison_a", "ent_a", "sysadmin", "auditor"):
        user = cast.all_users[who]
        for path in (reverse("dashboard:home"), reverse("ledger:list"), reverse("visits:ledger")):
            first = _menu(user, path, name)
            assert _menu(user, path, name) is first  # reused
            assert first == _fresh(user, path, name), (who, path)


def test_one_roles_menu_never_reaches_another(cast):
    desk = _menu(cast.all_users["desk"], reverse("ledger:list"), MENUS[0])
    handler = _menu(cast.all_users["jfj_handler"], reverse("ledger:list"), MENUS[0])
    assert "受理分办" in desk and "受理分办" not in handler
    assert "待办" in handler and "待办</a>" not in desk


def test_the_current_page_is_marked_per_page(cast):
    user = cast.all_users["desk"]
    on_ledger = _menu(user, reverse("ledger:list"), MENUS[0])
    on_intake = _menu(user, reverse("ledger:intake"), MENUS[0])
    active = 'nav-link active" href="{}"'
    assert active.format(reverse("ledger:list")) in on_ledger
    assert active.format(reverse("ledger:list")) not in on_intake
    assert active.format(reverse("ledger:intake")) in on_intake


def test_the_language_is_part_of_the_key(cast):
    user = cast.all_users["desk"]
    chinese = _menu(user, reverse("ledger:list"), MENUS[0])
    with translation.override("en"):
        english = _menu(user, reverse("ledger:list"), MENUS[0])
    assert "诉求台账" in chinese
    assert "诉求台账" not in english


def test_the_page_shows_the_menu_of_the_signed_in_role(cast):
    client = Client()
    client.force_login(cast.all_users["jfj_handler"])
    html = client.get(reverse("ledger:list")).content.decode()
    assert html.count('href="/cases/inbox/"') >= 2  # the sidebar and the phone's bar (and its sheet)


@pytest.mark.parametrize(
    ("who", "shown"), [("desk", True), ("liaison_a", True), ("deputy", True), ("kjj_handler", False), ("leader", False)]
)
def test_the_indicator_import_is_on_the_menu_of_those_who_report(cast, who, shown):
    menu = _menu(cast.all_users[who], reverse("dashboard:home"), MENUS[0])
    assert (reverse("indicators:import") in menu) is shown
