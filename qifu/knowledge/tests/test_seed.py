"""The demo knowledge base: 3–6 entries per category, owned by the category's department, a mix of
public and internal, the same rows every run, and searchable."""

from collections import Counter

from qifu.knowledge.models import KnowledgeEntry
from qifu.knowledge.selectors import knowledge_filter_parse, knowledge_search
from qifu.ops.seeding.knowledge import ENTRIES, seed_knowledge
from qifu.ops.seeding.scales import SCALES
from qifu.ops.seeding.writer import NoProgress, Writer
from qifu.reference.models import Category


def _seed() -> Writer:
    writer = Writer(scale=SCALES["small"], seed=1, encoded_password="", progress=NoProgress())
    seed_knowledge(writer)
    return writer


def test_seed_fills_every_category_from_its_department(cast):
    writer = _seed()
    rows = list(KnowledgeEntry.objects.select_related("category", "department", "created_by"))
    assert writer.result.counts["knowledge_entries"] == len(rows) == len(ENTRIES)
    per_category = Counter(e.category.code for e in rows if e.category)
    assert set(per_category) == set(Category.objects.values_list("code", flat=True))
    assert all(3 <= n <= 6 for n in per_category.values())
    assert all(e.category and e.department_id == e.category.department_id for e in rows)
    public = sum(e.public for e in rows)
    assert 0.5 * len(rows) < public < len(rows) and any(e.state == "draft" for e in rows)
    jfj = next(e for e in rows if e.department.code == "JFJ")
    assert jfj.created_by == cast.jfj_handler  # the department's first handler by username
    assert all(e.search_terms for e in rows)
    for e in rows:  # every seeded row is one the services could have written
        e.full_clean(validate_unique=False, validate_constraints=False)
    _seed()  # a second run adds nothing
    assert KnowledgeEntry.objects.count() == len(ENTRIES)


def test_seeded_entries_are_found(cast):
    _seed()
    filters = knowledge_filter_parse(q="首贷贴息")
    found = knowledge_search(actor=cast.actor(cast.ent_a), filters=filters).items
    assert found[0].title == "首次获得银行贷款的企业有没有贴息？"
    found = knowledge_search(actor=cast.actor(cast.ent_a), filters=knowledge_filter_parse(q="危废怎么处置")).items
    assert found[0].category is not None and found[0].category.code == "environment" and all(e.public for e in found)
