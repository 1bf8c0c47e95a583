"""The permission and scope matrix: every role against read, create, edit and retire; enterprises
never see an internal, draft or retired entry (list, search, detail, suggestions, API)."""

import pytest

from qifu.core.errors import NotFound, PermissionDenied
from qifu.knowledge.selectors import KnowledgeFilters, knowledge_get, knowledge_list, knowledge_suggest
from qifu.knowledge.services import EntryData, knowledge_create, knowledge_retire, knowledge_update

ALL = {"fin_pub", "fin_int", "jfj_draft", "jfj_pub", "kjj_pub", "kjj_retired", "kjj_int"}
PUBLISHED = {"fin_pub", "fin_int", "jfj_pub", "kjj_pub", "kjj_int"}
PUBLIC = {"fin_pub", "jfj_pub", "kjj_pub"}

SEES = {
    "desk": ALL,
    "leader": PUBLISHED,
    "jfj_handler": PUBLISHED | {"jfj_draft"},
    "jfj_head": PUBLISHED | {"jfj_draft"},
    "kjj_handler": PUBLISHED | {"kjj_retired"},
    "kjj_head": PUBLISHED | {"kjj_retired"},
    "liaison_a": PUBLISHED,
    "liaison_b": PUBLISHED,
    "deputy": PUBLISHED,
    "ent_a": PUBLIC,
    "ent_b": PUBLIC,
    "sysadmin": set(),
    "secadmin": set(),
    "auditor": set(),
}

# who may write which department's entries (create, edit, retire)
WRITES = {
    "desk": {"JRB", "JFJ", "KJJ"},
    "jfj_handler": {"JFJ"},
    "jfj_head": {"JFJ"},
    "kjj_handler": {"KJJ"},
    "kjj_head": {"KJJ"},
}


def test_read_scope(kb, cast):
    for who, expected in SEES.items():
        actor = cast.actor(getattr(cast, who))
        visible = set(knowledge_list(actor=actor).values_list("pk", flat=True))
        assert {name for name, e in kb.all().items() if e.pk in visible} == expected, who
        for name, entry in kb.all().items():
            if name in expected:
                assert knowledge_get(actor=actor, entry_id=entry.pk).pk == entry.pk
            else:
                with pytest.raises(NotFound):
                    knowledge_get(actor=actor, entry_id=entry.pk)


def test_api_list_and_detail_scope(kb, cast, api_as):
    ids = {e.pk: n for n, e in kb.all().items()}
    for who, expected in SEES.items():
        api = api_as(getattr(cast, who))
        body = api.get("/api/v1/knowledge", {"limit": 50}).json()
        assert {ids[item["id"]] for item in body["items"]} == expected and body["count"] == len(expected), who
        for hidden in ALL - expected:
            response = api.get(f"/api/v1/knowledge/{kb.all()[hidden].pk}")
            assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_create_matrix(kb, cast, api_as):
    for who in SEES:
        api = api_as(getattr(cast, who))
        for dept in ("JRB", "JFJ", "KJJ"):
            body = {"title": "厂房租金补贴怎么申请？", "answer": "向招商局提交租赁合同。", "department": dept}
            response = api.post("/api/v1/knowledge", body)
            if dept in WRITES.get(who, set()):
                assert response.status_code == 201, (who, dept, response.content)
                assert response.json()["department"] == dept
            else:
                assert response.status_code == 403, (who, dept)
                assert response.json()["code"] == "knowledge_forbidden"


@pytest.mark.parametrize("name", ["jfj_pub", "kjj_int", "fin_pub"])
def test_edit_and_retire_matrix(kb, cast, name):
    entry = kb.all()[name]
    owner = entry.department.code
    writers = sorted(w for w, depts in WRITES.items() if owner in depts)
    for who in SEES:
        if who in writers:
            continue
        actor = cast.actor(getattr(cast, who))
        data = EntryData(title=entry.title + "（修订）", answer=entry.answer, category=entry.category)
        with pytest.raises(PermissionDenied) as exc:
            knowledge_update(actor=actor, entry=entry, data=data)
        assert exc.value.code == "knowledge_forbidden", who
        with pytest.raises(PermissionDenied):
            knowledge_retire(actor=actor, entry=entry)
    for who in writers:  # each writer edits in turn; the last retires
        actor = cast.actor(getattr(cast, who))
        data = EntryData(
            title=f"{entry.title}（{who}）", answer=entry.answer, category=entry.category, public=entry.public
        )
        assert knowledge_update(actor=actor, entry=entry, data=data).title.endswith(f"（{who}）")
    assert knowledge_retire(actor=cast.actor(getattr(cast, writers[-1])), entry=entry).state == "retired"


def test_department_staff_cannot_move_an_entry_to_another_department(kb, cast):
    from qifu.reference.models import Department

    entry = kb.jfj_pub
    data = EntryData(title=entry.title, answer=entry.answer, department=Department.objects.get(code="KJJ"))
    with pytest.raises(PermissionDenied):
        knowledge_update(actor=cast.actor(cast.jfj_handler), entry=entry, data=data)
    with pytest.raises(PermissionDenied):
        knowledge_create(actor=cast.actor(cast.jfj_handler), data=data)


@pytest.mark.parametrize("who", ["ent_a", "ent_b"])
def test_enterprise_never_sees_internal_draft_or_retired(kb, cast, api_as, who):
    actor = cast.actor(getattr(cast, who))
    secret = {kb.fin_int.pk, kb.jfj_draft.pk, kb.kjj_retired.pk, kb.kjj_int.pk}
    for query in ("贷款", "风险补偿", "技改补贴", "研发费用", "加计扣除", "高新技术企业"):
        found = api_as(getattr(cast, who)).get("/api/v1/knowledge", {"q": query}).json()["items"]
        assert not {e["id"] for e in found} & secret
        assert not {e.pk for e in knowledge_suggest(actor=actor, text=query, min_score=0.0, limit=10)} & secret
    assert all(e.public and e.state == "published" for e in knowledge_list(actor=actor, filters=KnowledgeFilters()))
