"""Writes of the knowledge base (知识库 / 答复口径, issue 7 item 5; docs/KNOWLEDGE.md).

- `knowledge_create` / `knowledge_update`: staff of the owning department (handler or head) write
  their department's entries, the service desk any entry; checked, stored with its search terms,
  audited.
- `knowledge_retire`: the entry stops being shown (published again through an edit).
- `knowledge_save_back_prefill` / `knowledge_create(..., source_case=)`: an answered case's answer
  becomes a draft, internal entry linked to the case ("保存为答复口径").
- `knowledge_uses_record`: an answer that was sent on a case with an entry's text inserted counts
  as one use of that entry (once per case), only when the sent answer still carries most of the
  entry's words.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import may_write_knowledge, scope_knowledge
from qifu.audit.services import audit_record
from qifu.cases.models import Case, CaseState
from qifu.core.errors import Conflict, PermissionDenied, QifuError, RuleViolation
from qifu.knowledge.errors import KnowledgeErrorCode
from qifu.knowledge.index import entry_terms
from qifu.knowledge.models import (
    ANSWER_MAX,
    KEYWORDS_MAX,
    TITLE_MAX,
    EntryState,
    KnowledgeEntry,
    KnowledgeUse,
)
from qifu.reference.models import Category, Department
from qifu.reference.selectors import department_by_id
from qifu.search.text import content_terms

USE_OVERLAP = 0.5  # share of the entry's answer terms the sent answer must still hold to count as a use
ANSWERED = (CaseState.RESOLVED, CaseState.CLOSED)


@dataclass
class EntryData:
    title: str
    answer: str
    category: Category | None = None
    department: Department | None = None  # None: the actor's own (staff), or the category's (desk)
    public: bool = False
    keywords: str = ""
    state: str = EntryState.PUBLISHED


def _invalid(message: str, field: str) -> RuleViolation:
    return RuleViolation(message, code=KnowledgeErrorCode.INVALID, data={"field": field})


def _clean(data: EntryData) -> EntryData:
    title, answer = (data.title or "").strip(), (data.answer or "").strip()
    keywords = " ".join((data.keywords or "").replace("，", " ").replace(",", " ").replace("、", " ").split())
    if not title:
        raise _invalid(_("请填写问题。"), "title")
    if len(title) > TITLE_MAX:
        raise _invalid(_("问题最多%(n)d字。") % {"n": TITLE_MAX}, "title")
    if not answer:
        raise _invalid(_("请填写答复口径。"), "answer")
    if len(answer) > ANSWER_MAX:
        raise _invalid(_("答复口径最多%(n)d字，当前%(m)d字。") % {"n": ANSWER_MAX, "m": len(answer)}, "answer")
    if len(keywords) > KEYWORDS_MAX:
        raise _invalid(_("关键词最多%(n)d字。") % {"n": KEYWORDS_MAX}, "keywords")
    if data.state not in EntryState.values:
        raise _invalid(_("状态不正确。"), "state")
    return EntryData(title, answer, data.category, data.department, bool(data.public), keywords, data.state)


def _department_for(actor: Actor, data: EntryData) -> Department:
    if data.department is not None:
        return data.department
    if actor.is_department and actor.department_id is not None:
        own = department_by_id(actor.department_id)
        if own is not None:
            return own
    if data.category is not None:
        return data.category.department
    own = department_by_id(actor.dept)
    if own is None:
        raise _invalid(_("请选择责任部门。"), "department")
    return own


def _refuse() -> PermissionDenied:
    return PermissionDenied(_("只有责任部门的工作人员和服务专班可以编辑答复口径。"), code=KnowledgeErrorCode.FORBIDDEN)


def _snapshot(entry: KnowledgeEntry) -> dict[str, object]:
    return {
        "title": entry.title,
        "category": entry.category_id,
        "department": entry.department_id,
        "public": entry.public,
        "state": entry.state,
        "keywords": entry.keywords,
        "answer_chars": len(entry.answer),
    }


@transaction.atomic
def knowledge_create(*, actor: Actor, data: EntryData, source_case: Case | None = None) -> KnowledgeEntry:
    if not may_write_knowledge(actor):
        raise _refuse()
    data = _clean(data)
    department = _department_for(actor, data)
    if not may_write_knowledge(actor, department.pk):
        raise _refuse()
    entry = KnowledgeEntry(
        title=data.title,
        answer=data.answer,
        category=data.category,
        department=department,
        public=data.public,
        keywords=data.keywords,
        state=data.state,
        source_case=source_case,
        search_terms=entry_terms(title=data.title, keywords=data.keywords, answer=data.answer),
        created_by=actor.user,
        updated_by=actor.user,
    )
    entry.full_clean()
    entry.save()
    changes = _snapshot(entry) | {"source_case": source_case.number if source_case else None}
    audit_record(actor=actor, action="knowledge_create", object_type="knowledge_entry", object_id=entry.pk,
                 changes=changes)  # fmt: skip
    return entry


@transaction.atomic
def knowledge_update(*, actor: Actor, entry: KnowledgeEntry, data: EntryData) -> KnowledgeEntry:
    if not may_write_knowledge(actor, entry.department_id):
        raise _refuse()
    data = _clean(data)
    department = data.department or entry.department
    if not may_write_knowledge(actor, department.pk):
        raise _refuse()
    before = _snapshot(entry)
    entry.title, entry.answer, entry.category, entry.department = data.title, data.answer, data.category, department
    entry.public, entry.keywords, entry.state = data.public, data.keywords, data.state
    entry.search_terms = entry_terms(title=data.title, keywords=data.keywords, answer=data.answer)
    entry.updated_by = actor.user
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="knowledge_update", object_type="knowledge_entry", object_id=entry.pk,
                 changes={"before": before, "after": _snapshot(entry)})  # fmt: skip
    return entry


@transaction.atomic
def knowledge_retire(*, actor: Actor, entry: KnowledgeEntry) -> KnowledgeEntry:
    if not may_write_knowledge(actor, entry.department_id):
        raise _refuse()
    if entry.state == EntryState.RETIRED:
        raise Conflict(_("这条答复口径已停用。"), code=KnowledgeErrorCode.INVALID)
    before = entry.state
    entry.state = EntryState.RETIRED
    entry.updated_by = actor.user
    entry.save(update_fields=["state", "updated_by", "updated_at"])
    audit_record(actor=actor, action="knowledge_retire", object_type="knowledge_entry", object_id=entry.pk,
                 changes={"before": before, "after": entry.state})  # fmt: skip
    return entry


def may_save_back(actor: Actor, case: Case) -> bool:
    """The desk, or staff of the case's lead department, on an answered (resolved or closed) case."""
    if case.state not in ANSWERED or not (case.answer or "").strip():
        return False
    if actor.role == "desk":
        return True
    return actor.is_department and actor.department_id is not None and case.lead_department_id == actor.department_id


def knowledge_save_back_prefill(*, actor: Actor, case: Case) -> EntryData:
    """The entry form's start from an answered case: its title, its answer and category, internal
    and a draft (a department user publishes it). The caller fetched CASE through `case_get`."""
    if not may_save_back(actor, case):
        raise Conflict(
            _("只有已办结的诉求的答复人可以把答复保存为答复口径。"), code=KnowledgeErrorCode.SAVE_BACK_REFUSED
        )
    department = None
    if case.lead_department_id is not None:
        department = department_by_id(case.lead_department_id)
    return EntryData(
        title=case.title[:TITLE_MAX],
        answer=case.answer[:ANSWER_MAX],
        category=case.category,
        department=department,
        public=False,
        state=EntryState.DRAFT,
    )


def knowledge_save_back(*, actor: Actor, case: Case, data: EntryData) -> KnowledgeEntry:
    """Save the (edited) prefill as an entry linked to CASE."""
    if not may_save_back(actor, case):
        raise Conflict(
            _("只有已办结的诉求的答复人可以把答复保存为答复口径。"), code=KnowledgeErrorCode.SAVE_BACK_REFUSED
        )
    return knowledge_create(actor=actor, data=data, source_case=case)


def answer_carries(entry_answer: str, sent: str) -> bool:
    """Whether SENT still holds most of the entry's words (an edited insert counts; a deleted one not)."""
    wanted = set(content_terms(entry_answer))
    if not wanted:
        return False
    return len(wanted & set(content_terms(sent))) >= USE_OVERLAP * len(wanted)


def knowledge_uses_record(*, actor: Actor, case: Case, entry_ids: Iterable[str | int], answer: str) -> int:
    """After an answer went out on CASE: one use for each entry (visible to the actor, published)
    whose text was inserted and is still in ANSWER. Once per entry and case; returns the new uses.
    Bad or invisible ids are ignored — this must never fail the answer that was already sent."""
    ids = sorted({int(x) for x in entry_ids if str(x).isdigit()})[:10]
    if not ids or not answer:
        return 0
    recorded = 0
    now = timezone.now()
    rows = scope_knowledge(actor).filter(pk__in=ids, state=EntryState.PUBLISHED).only("pk", "answer")
    for entry in rows:
        if not answer_carries(entry.answer, answer):
            continue
        try:
            with transaction.atomic():
                KnowledgeUse.objects.create(entry=entry, case=case, user=actor.user, at=now)
                # Not save(): updated_at (the index's stamp) stays, so a use does not rebuild the index.
                KnowledgeEntry.objects.filter(pk=entry.pk).update(use_count=F("use_count") + 1, last_used_at=now)
        except IntegrityError:
            continue  # already counted for this case
        recorded += 1
    return recorded


def entry_data_dict(data: EntryData) -> dict[str, object]:
    return asdict(data)


def knowledge_answer_sent(*, actor: Actor, case_id: int, post: QueryDict) -> int:
    """The case page's hook after an answer or a resolution was sent: POST carries the
    `knowledge_entry` ids that 使用此答复 inserted and the sent `answer`. Never raises."""
    from qifu.cases.selectors import case_get

    try:
        case = case_get(actor=actor, case_id=case_id)
        return knowledge_uses_record(actor=actor, case=case, entry_ids=post.getlist("knowledge_entry"),
                                     answer=post.get("answer", ""))  # fmt: skip
    except QifuError:
        return 0
