"""Checklist choice per industry, and the list page's HTMX fragment."""

from django.test import Client

from qifu.safety.models import Rectification, SafetyChecklist, SafetyItem
from qifu.safety.selectors import checklist_for
from qifu.safety.tests.conftest import given_check, given_visit


def test_the_longest_matching_industry_prefix_wins(cast) -> None:
    # given a checklist for electronics (C39) and one for all manufacturing (C)
    electronics = SafetyChecklist.objects.create(name="电子行业检查表", industries="C39, C40")
    SafetyItem.objects.create(checklist=electronics, code="E01", text="洁净室防静电", order=1)
    manufacturing = SafetyChecklist.objects.create(name="制造业检查表", industries="C")
    # then A (C3985) gets the electronics one, B (C3484) the manufacturing one
    assert checklist_for(cast.a) == electronics
    assert checklist_for(cast.b) == manufacturing
    # an inactive checklist is never chosen; the general one remains
    SafetyChecklist.objects.filter(pk__in=[electronics.pk, manufacturing.pk]).update(active=False)
    general = checklist_for(cast.a)
    assert general is not None and general.industries == ""


def test_the_list_answers_htmx_with_the_table_only(cast) -> None:
    given_check(given_visit(cast.a, cast.liaison_a), cast.liaison_a, fail={"S05": 5})
    client = Client()
    client.force_login(cast.desk)
    html = client.get("/safety/?severity=major", headers={"HX-Request": "true"}).content.decode()
    assert 'id="rect-table"' in html and "<html" not in html and html.count("qf-rect-row") == 1


def test_an_unknown_action_is_404_and_changes_nothing(cast) -> None:
    given_check(given_visit(cast.a, cast.liaison_a), cast.liaison_a, fail={"S05": 5})
    rect = Rectification.objects.get()
    client = Client()
    client.force_login(cast.ent_a)
    assert client.post(f"/safety/rectifications/{rect.pk}/act/", {"action": "delete"}).status_code == 404
    assert Rectification.objects.get().state == "open"
