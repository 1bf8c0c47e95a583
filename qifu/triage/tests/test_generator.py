"""The seed's request texts: varied, deterministic, and no fragment names its category."""

import random
from collections import Counter

from qifu.ops.seeding import case_text


def _category_names() -> list[str]:
    from qifu.reference.models import Category

    return [c.name for c in Category.objects.all()]


def test_every_category_has_many_phrasings_and_none_names_a_category(db):
    names = [n for n in _category_names() if n != "其他"]
    assert len(case_text.BANKS) == 22
    for code, bank in case_text.BANKS.items():
        assert len(bank.situations) >= 7 and len(bank.asks) >= 5 and len(bank.answers) >= 4, code
        for fragment in (*bank.titles, *bank.situations, *bank.asks):
            assert not any(n in fragment for n in names), (code, fragment)


def test_compose_is_deterministic_and_varied():
    a = [case_text.compose(random.Random("x"), "tax") for _ in range(3)]
    b = [case_text.compose(random.Random("x"), "tax") for _ in range(3)]
    assert a == b
    rng = random.Random(1)
    texts = [case_text.compose(rng, "financing").text for _ in range(500)]
    assert len(set(texts)) > 450  # hardly any two alike
    lengths = sorted(len(t) for t in texts)
    assert lengths[0] < 40 and lengths[-1] > 100  # short and long


def test_a_minority_is_re_routed():
    got = list(case_text.samples(5000, seed=1))
    moved = sum(1 for _, cat, dept in got if dept != case_text.DEFAULT_DEPT[cat])
    assert 0.02 * len(got) < moved < 0.08 * len(got)
    assert Counter(cat for _, cat, _ in got).keys() == case_text.BANKS.keys()


def test_default_departments_follow_the_reference_data(db):
    from qifu.reference.models import Category

    assert dict(Category.objects.values_list("code", "department__code")) == case_text.DEFAULT_DEPT
