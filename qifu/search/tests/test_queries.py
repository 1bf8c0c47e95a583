"""Chinese queries: a two-character word, a full company name, part of a name, a USCC, a phone,
mixed Chinese and English, punctuation only, 500 characters; highlighting and escaping."""

import pytest

from qifu.search.selectors import MAX_TERMS, search, search_terms
from qifu.search.tests.conftest import World


def keys(world: World, q: str, type: str = "cases", who: str = "desk") -> set[str]:
    return {h.key for h in search(actor=world.actor(who), q=q, type=type).items}


def test_two_character_word(world):
    assert keys(world, "用电") == {str(c.pk) for c in (world.a1, world.a2, world.b1, world.c1)}
    assert keys(world, "跳闸") == {str(world.a2.pk)}


def test_two_words_are_anded(world):
    assert keys(world, "用电 增容") == {str(world.a1.pk)}
    assert keys(world, "用电 不存在的词语") == set()


def test_mixed_chinese_and_english(world):
    assert search_terms("ERP系统") == ["erp", "系统"]
    assert keys(world, "ERP系统") == {str(world.a1.pk)}
    assert keys(world, "erp") == {str(world.a1.pk)}  # case-insensitive
    assert keys(world, "ＥＲＰ") == {str(world.a1.pk)}  # full-width


def test_full_company_name(world):
    assert keys(world, "昆山甲电子科技有限公司", "enterprises") == {world.cast.a.uscc}


@pytest.mark.parametrize("part", ["甲电子", "电子科", "精密机械", "丙生物", "山乙精"])
def test_part_of_a_name(world, part):
    found = keys(world, part, "enterprises")
    assert len(found) == 1
    assert next(iter(found)) in {world.cast.a.uscc, world.cast.b.uscc, world.cast.c.uscc}


def test_single_character_matches_names_by_prefix(world):
    assert keys(world, "丙", "enterprises") == {world.cast.c.uscc}


def test_uscc_exact_in_either_case(world):
    uscc = world.cast.b.uscc
    assert keys(world, uscc, "enterprises") == {uscc}
    assert keys(world, uscc.lower(), "enterprises") == {uscc}


def test_contact_phone_exact(world):
    # every cast enterprise has 13912345678 (qifu/conftest.py): matched through the blind index
    assert keys(world, "139-1234-5678", "enterprises") == {e.uscc for e in (world.cast.a, world.cast.b, world.cast.c)}
    assert keys(world, "13912345670", "enterprises") == set()
    assert keys(world, "139-1234-5678", "enterprises", who="ent_b") == {world.cast.b.uscc}


def test_policies_title_and_interpretation(world):
    assert keys(world, "研发 补助", "policies") == {"PUB", "DRAFT"}
    assert keys(world, "专精特新", "policies") == {"PUB", "DRAFT"}


@pytest.mark.parametrize("q", ["!!!", "，。、；：？！……——", "   ", "<>&\"'", "''"])
def test_punctuation_only_is_an_empty_page(world, q):
    for type in ("cases", "enterprises", "policies"):
        page = search(actor=world.actor("desk"), q=q, type=type)
        assert page.items == [] and page.count == 0


def test_500_characters_are_answered(world):
    q = ("用电增容申请ERP系统" * 50)[:500]
    page = search(actor=world.actor("desk"), q=q, type="cases")
    assert len(page.terms) <= MAX_TERMS
    assert page.count >= 0  # answered, no error
    assert search(actor=world.actor("desk"), q="用" * 500, type="enterprises").count >= 0


def test_snippet_is_escaped_and_marked(world):
    (hit,) = search(actor=world.actor("desk"), q="跳闸", type="cases").items
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>跳闸</mark>" in hit.snippet
    assert hit.title_html == "用电<mark>跳闸</mark>"


def test_ranking_puts_the_denser_match_first(world):
    from qifu.search.tests.conftest import file_for

    dense = file_for(world.cast, "desk", world.cast.c, "环评审批：环评材料、环评批复、环评公示都已完成。", "环评审批")
    file_for(world.cast, "desk", world.cast.c, "厂房消防验收和环评审批一起办理，能否并联？", "并联审批")
    assert search(actor=world.actor("desk"), q="环评", type="cases").items[0].key == str(dense.pk)
