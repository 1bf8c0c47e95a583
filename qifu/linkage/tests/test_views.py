"""挂钩管理 pages: desk only (404 for everyone else); each action succeeds, and each refusal is shown
beside its field in Chinese with nothing changed (links and audit log alike)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from qifu.audit.models import AuditEntry
from qifu.core.errors import Conflict, RuleViolation
from qifu.enterprises.services import EnterpriseData, enterprise_create
from qifu.enterprises.uscc import make_uscc
from qifu.linkage.forms import ERROR_MESSAGES, error_message
from qifu.linkage.models import Linkage
from qifu.linkage.services import LinkageErrorCode, linkage_assign

# (not called `page`: the root conftest marks any test asking for `page` as a browser test)
PAGES = ["manage", "assign", "reassign", "bulk_reassign", "bulk_assign", "enterprise_options"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def desk_client(cast, client):
    client.force_login(cast.desk)
    return client


class Unchanged:
    """Snapshot of what a refused action must not touch."""

    def __init__(self) -> None:
        self.links = list(Linkage.objects.order_by("pk").values_list("pk", "liaison_id", "role", "ended_on"))
        self.audit = AuditEntry.objects.count()

    def check(self) -> None:
        assert list(Linkage.objects.order_by("pk").values_list("pk", "liaison_id", "role", "ended_on")) == self.links
        assert AuditEntry.objects.count() == self.audit


def _html(response) -> str:
    return str(response.content.decode())


def _field_error(html: str, text: str) -> None:
    """The message is shown as a field error (beside the field), not only somewhere on the page."""
    assert re.search(r'invalid-feedback d-block" role="alert">[^<]*' + re.escape(text), html), text


# --- who may see it -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["leader", "liaison_a", "deputy", "jfj_handler", "kjj_head", "ent_a", "sysadmin", "secadmin", "auditor"]
)
@pytest.mark.parametrize("url_name", PAGES)
def test_linkage_pages_are_404_for_everyone_but_the_desk_case(cast, client, who, url_name):
    client.force_login(getattr(cast, who))
    assert client.get(reverse(f"linkage:{url_name}")).status_code == 404
    assert client.post(reverse(f"linkage:{url_name}"), {"enterprise": cast.a.uscc}).status_code == 404


@pytest.mark.parametrize("who", ["leader", "liaison_a", "ent_a"])
def test_ending_a_link_is_404_for_others_and_changes_nothing_case(cast, client, who):
    link = Linkage.objects.get(enterprise=cast.a, role="primary", ended_on__isnull=True)
    client.force_login(getattr(cast, who))
    before = Unchanged()
    assert client.post(reverse("linkage:end", args=[link.pk])).status_code == 404
    before.check()


@pytest.mark.parametrize("url_name", PAGES)
def test_linkage_pages_render_for_the_desk_case(desk_client, url_name):
    assert desk_client.get(reverse(f"linkage:{url_name}")).status_code == 200


# --- overview -------------------------------------------------------------------------------------


def test_manage_shows_workload_for_rebalancing(cast, desk_client):
    # given liaison_a has two primary enterprises
    d = enterprise_create(
        actor=cast.actor(cast.desk), data=EnterpriseData(uscc=make_uscc(7001), name="昆山丁材料有限公司")
    )
    linkage_assign(actor=cast.actor(cast.desk), enterprise=d, liaison=cast.liaison_a)
    # when
    html = _html(desk_client.get(reverse("linkage:manage")))
    # then liaisons by load, each count linking to the filtered enterprise list
    assert html.index("挂钩干部甲") < html.index("挂钩干部乙")
    assert f'href="/enterprises/?liaison={cast.liaison_a.pk}">2</a>' in html
    assert f"?from_liaison={cast.liaison_a.pk}" in html
    assert "人大代表丙" in html and "经发承办" not in html  # handlers are not liaisons


def test_manage_lookup_lists_the_open_links_with_end_buttons(cast, desk_client):
    html = _html(desk_client.get(reverse("linkage:manage"), {"enterprise": "甲电子"}))
    link = Linkage.objects.get(enterprise=cast.a, ended_on__isnull=True)
    assert reverse("linkage:end", args=[link.pk]) in html
    assert "挂钩干部甲" in html and "主挂钩人" in html


def test_manage_lookup_of_an_unknown_enterprise_says_so(desk_client):
    html = _html(desk_client.get(reverse("linkage:manage"), {"enterprise": "不存在的公司"}))
    _field_error(html, "没有找到这家企业")


def test_enterprise_options_fill_the_datalist(cast, desk_client):
    html = _html(
        desk_client.get(reverse("linkage:enterprise_options"), {"enterprise": "精密"}, headers={"HX-Request": "true"})
    )
    assert f'<option value="{cast.b.uscc}">' in html and cast.a.uscc not in html


# --- assign ---------------------------------------------------------------------------------------


def test_assign_a_backup_liaison(cast, desk_client):
    # when the desk makes liaison_b a backup on A (by name)
    response = desk_client.post(
        reverse("linkage:assign"),
        {
            "enterprise": "昆山甲电子科技有限公司",
            "liaison": cast.liaison_b.pk,
            "role": "backup",
            "reason": "",
        },
        follow=True,
    )
    # then
    assert Linkage.objects.filter(enterprise=cast.a, liaison=cast.liaison_b, role="backup", ended_on=None).exists()
    assert "已安排挂钩干部乙为昆山甲电子科技有限公司的备挂钩人。" in _html(response)


@pytest.mark.parametrize(
    ("post", "field_message"),
    [
        ({"enterprise": "a", "liaison": "liaison_b", "role": "primary"}, "这家企业已有主挂钩人"),
        ({"enterprise": "a", "liaison": "liaison_a", "role": "backup"}, "该干部已经挂钩这家企业"),
        ({"enterprise": "不存在的公司", "liaison": "liaison_b", "role": "backup"}, "没有找到这家企业"),
        ({"enterprise": "昆山", "liaison": "liaison_b", "role": "backup"}, "找到多家企业"),
        ({"enterprise": "", "liaison": "liaison_b", "role": "backup"}, "请填写企业名称或统一社会信用代码"),
        ({"enterprise": "a", "liaison": "", "role": "backup"}, "请选择挂钩干部"),
        ({"enterprise": "a", "liaison": "jfj_handler", "role": "backup"}, "请从列表中选择挂钩干部"),
    ],
    ids=["primary_exists", "already_linked", "not_found", "ambiguous", "no_enterprise", "no_liaison", "not_a_liaison"],
)
def test_assign_refusals_are_shown_beside_the_field_case(cast, desk_client, post, field_message):
    # given
    data = dict(post)
    if data["enterprise"] == "a":
        data["enterprise"] = cast.a.uscc
    if data["liaison"]:
        data["liaison"] = getattr(cast, data["liaison"]).pk
    before = Unchanged()
    # when
    response = desk_client.post(reverse("linkage:assign"), data)
    # then the form again, the message beside its field, nothing changed
    assert response.status_code == 200
    _field_error(_html(response), field_message)
    before.check()


# --- reassign -------------------------------------------------------------------------------------


def test_reassign_keeps_history(cast, desk_client):
    response = desk_client.post(
        reverse("linkage:reassign"),
        {
            "enterprise": cast.a.uscc,
            "liaison": cast.liaison_b.pk,
            "reason": "岗位调整",
        },
        follow=True,
    )
    assert "主挂钩人已更换为挂钩干部乙" in _html(response)
    cast.a.refresh_from_db()
    assert cast.a.primary_liaison == cast.liaison_b
    old = Linkage.objects.get(enterprise=cast.a, liaison=cast.liaison_a)
    assert old.ended_on is not None and old.reason == "岗位调整"
    # and the 360 page shows the history
    html = _html(desk_client.get(reverse("enterprises:detail", args=[cast.a.uscc])))
    assert "岗位调整" in html and "挂钩干部甲" in html


@pytest.mark.parametrize(
    ("liaison", "reason", "field_message"),
    [
        ("liaison_b", "", "请填写调整原因"),
        ("liaison_b", "   ", "请填写调整原因"),
        ("liaison_a", "换人", "该干部已是这家企业的主挂钩人"),
    ],
    ids=["no_reason", "blank_reason", "same_liaison"],
)
def test_reassign_refusals_are_shown_beside_the_field_case(cast, desk_client, liaison, reason, field_message):
    before = Unchanged()
    response = desk_client.post(
        reverse("linkage:reassign"),
        {
            "enterprise": cast.a.uscc,
            "liaison": getattr(cast, liaison).pk,
            "reason": reason,
        },
    )
    assert response.status_code == 200
    _field_error(_html(response), field_message)
    before.check()


# --- end ------------------------------------------------------------------------------------------


def test_end_a_link_then_ending_it_again_is_refused(cast, desk_client):
    # given
    link = linkage_assign(actor=cast.actor(cast.desk), enterprise=cast.a, liaison=cast.liaison_b, role="backup")
    # when
    first = desk_client.post(reverse("linkage:end", args=[link.pk]), {"reason": "不再负责"}, follow=True)
    # then
    link.refresh_from_db()
    assert link.ended_on is not None and link.reason == "不再负责"
    assert "已结束挂钩干部乙与昆山甲电子科技有限公司的挂钩关系。" in _html(first)
    # when again
    before = Unchanged()
    again = desk_client.post(reverse("linkage:end", args=[link.pk]), follow=True)
    # then
    assert "该挂钩关系已经结束，无需重复操作。" in _html(again)
    before.check()


def test_end_needs_post(cast, desk_client):
    link = Linkage.objects.get(enterprise=cast.a, ended_on__isnull=True)
    assert desk_client.get(reverse("linkage:end", args=[link.pk])).status_code == 405


# --- bulk -----------------------------------------------------------------------------------------


def _second_enterprise_of_liaison_a(cast):
    d = enterprise_create(
        actor=cast.actor(cast.desk), data=EnterpriseData(uscc=make_uscc(7002), name="昆山丁材料有限公司")
    )
    linkage_assign(actor=cast.actor(cast.desk), enterprise=d, liaison=cast.liaison_a)
    return d


def test_bulk_reassign_all(cast, desk_client):
    d = _second_enterprise_of_liaison_a(cast)
    response = desk_client.post(
        reverse("linkage:bulk_reassign"),
        {
            "from_liaison": cast.liaison_a.pk,
            "to_liaison": cast.deputy.pk,
            "scope": "all",
            "reason": "岗位调整",
        },
        follow=True,
    )
    assert "已将2家企业从挂钩干部甲调整给人大代表丙。" in _html(response)
    for e in (cast.a, d):
        e.refresh_from_db()
        assert e.primary_liaison == cast.deputy


def test_bulk_reassign_selected_only(cast, desk_client):
    d = _second_enterprise_of_liaison_a(cast)
    desk_client.post(
        reverse("linkage:bulk_reassign"),
        {
            "from_liaison": cast.liaison_a.pk,
            "to_liaison": cast.deputy.pk,
            "scope": "selected",
            "enterprises": [d.pk],
            "reason": "均衡工作量",
        },
    )
    cast.a.refresh_from_db()
    d.refresh_from_db()
    assert cast.a.primary_liaison == cast.liaison_a and d.primary_liaison == cast.deputy


@pytest.mark.parametrize(
    ("post", "field_message"),
    [
        ({"to_liaison": "liaison_a", "scope": "all", "reason": "调整"}, "调入干部不能与调出干部相同"),
        ({"to_liaison": "deputy", "scope": "selected", "reason": "调整"}, "请至少勾选一家企业"),
        ({"to_liaison": "deputy", "scope": "all", "reason": ""}, "请填写调整原因"),
        (
            {"to_liaison": "deputy", "scope": "selected", "reason": "调整", "enterprises": "b"},
            "所选企业已不在该干部名下",
        ),
    ],
    ids=["same_liaison", "none_selected", "no_reason", "foreign_enterprise"],
)
def test_bulk_reassign_refusals_are_shown_beside_the_field_case(cast, desk_client, post, field_message):
    data = {"from_liaison": cast.liaison_a.pk, **post}
    data["to_liaison"] = getattr(cast, data["to_liaison"]).pk
    if data.get("enterprises") == "b":
        data["enterprises"] = [cast.b.pk]
    before = Unchanged()
    response = desk_client.post(reverse("linkage:bulk_reassign"), data)
    assert response.status_code == 200
    _field_error(_html(response), field_message)
    before.check()


def test_bulk_reassign_loads_the_liaisons_enterprises_as_a_fragment(cast, desk_client):
    response = desk_client.get(
        reverse("linkage:bulk_reassign"), {"from_liaison": cast.liaison_a.pk}, headers={"HX-Request": "true"}
    )
    html = _html(response)
    assert html.lstrip().startswith('<div id="candidates"')
    assert f'value="{cast.a.pk}"' in html and cast.b.name not in html


def test_bulk_assign_unlinked_enterprises(cast, desk_client):
    desk = cast.actor(cast.desk)
    new = [
        enterprise_create(
            actor=desk, data=EnterpriseData(uscc=make_uscc(7100 + i), name=f"新落户{i}号有限公司", park="模具产业园")
        )
        for i in range(3)
    ]
    # the park filter narrows the candidates (HTMX fragment)
    fragment = _html(
        desk_client.get(reverse("linkage:bulk_assign"), {"park": "模具产业园"}, headers={"HX-Request": "true"})
    )
    assert all(f'value="{e.pk}"' in fragment for e in new) and cast.a.name not in fragment
    # when two of them go to the deputy
    response = desk_client.post(
        reverse("linkage:bulk_assign"),
        {
            "liaison": cast.deputy.pk,
            "enterprises": [new[0].pk, new[1].pk],
            "park": "模具产业园",
        },
        follow=True,
    )
    # then
    assert "已为2家企业安排主挂钩人人大代表丙。" in _html(response)
    for e in new:
        e.refresh_from_db()
    assert [e.primary_liaison_id for e in new] == [cast.deputy.pk, cast.deputy.pk, None]


@pytest.mark.parametrize(
    ("post", "field_message"),
    [
        ({"liaison": "deputy"}, "请勾选要分配的企业"),
        ({"liaison": "deputy", "enterprises": "a"}, "所选企业已有主挂钩人"),
        ({"enterprises": "new"}, "请选择挂钩干部"),
    ],
    ids=["none_selected", "already_linked", "no_liaison"],
)
def test_bulk_assign_refusals_are_shown_beside_the_field_case(cast, desk_client, post, field_message):
    new = enterprise_create(
        actor=cast.actor(cast.desk), data=EnterpriseData(uscc=make_uscc(7200), name="新落户有限公司")
    )
    data = dict(post)
    if "liaison" in data:
        data["liaison"] = getattr(cast, data["liaison"]).pk
    if "enterprises" in data:
        data["enterprises"] = [cast.a.pk if data["enterprises"] == "a" else new.pk]
    before = Unchanged()
    response = desk_client.post(reverse("linkage:bulk_assign"), data)
    assert response.status_code == 200
    _field_error(_html(response), field_message)
    before.check()


# --- the code → message table ---------------------------------------------------------------------


@pytest.mark.parametrize("code", [*LinkageErrorCode, "linkage_reason_required", "linkage_invalid", "unknown_code"])
def test_every_service_error_code_has_a_chinese_message_case(code):
    exc = Conflict("english detail", code=str(code)) if code != "unknown_code" else RuleViolation("x", code=code)
    field, message = error_message(exc)
    assert message and "english" not in message
    assert re.search(r"[\u4e00-\u9fff]", message)
    if code in ERROR_MESSAGES:
        assert field == ERROR_MESSAGES[code][0]
