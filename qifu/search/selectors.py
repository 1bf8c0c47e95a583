"""Search reads (issue 7 item 1): the query's terms, AND-ed; ranked matches inside the actor's
scope, exactly the scope of the lists (`access.scopes.scope_cases`, `scope_enterprises`,
`scope_policies`); snippets and titles marked around the terms.

An enterprise matches a case only on what it may read there (title, text, answer and the public
timeline: `CaseDoc.public_terms`), never on internal notes. The three administrators see nothing.
A query of punctuation only has no terms and answers an empty page; a long one is cut (at
MAX_QUERY characters and MAX_TERMS terms), never refused.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.access.scopes import scope_cases, scope_enterprises, scope_policies
from qifu.cases.models import Case, CaseEvent, CaseState
from qifu.core.crypto import blind_index
from qifu.core.errors import RuleViolation
from qifu.enterprises.services import CONTACT_PHONE_CTX, normalize_phone
from qifu.policies.models import Policy, PolicyStatus
from qifu.search import engine
from qifu.search.errors import SearchErrorCode
from qifu.search.highlight import mark, pattern, snippet
from qifu.search.models import EnterpriseDoc
from qifu.search.services import learn_parks_once
from qifu.search.text import normalize, query_terms

TYPES = ("cases", "enterprises", "policies")
MAX_QUERY = 200  # characters of a query that are read
MAX_TERMS = 12
MAX_TERM = 40  # characters of one term
MAX_LIMIT = 50
MAX_OFFSET = 1000  # ten pages of a hundred: beyond that a person refines the query
COUNT_CAP = 10_000  # counts stop there ("10,000+")
_RUN = re.compile(r"[\u3400-\u9fffa-z0-9]{2,40}")
_PHONE = re.compile(r"^\+?[\d\s\-]{7,20}$")


@dataclass(frozen=True)
class Hit:
    type: str
    key: str
    title: str
    title_html: SafeString  # the title, escaped, matches in <mark>
    snippet: SafeString  # escaped, matches in <mark>
    url: str
    meta: str = ""


@dataclass
class SearchPage:
    q: str
    type: str
    terms: list[str]
    items: list[Hit] = field(default_factory=list)
    count: int = 0
    limit: int = 20
    offset: int = 0

    @property
    def capped(self) -> bool:
        return self.count >= COUNT_CAP


def search_type_parse(value: str | None) -> str:
    """'' means cases; anything else unknown is refused with a stable code."""
    value = (value or "cases").strip()
    if value not in TYPES:
        raise RuleViolation(
            _("未知的检索类型“%(type)s”。") % {"type": value[:20]},
            code=SearchErrorCode.UNKNOWN_TYPE,
            data={"types": list(TYPES)},
        )
    return value


def search_terms(q: str) -> list[str]:
    """The query's distinct terms, in order, capped."""
    seen: dict[str, None] = {}
    for term in query_terms((q or "")[:MAX_QUERY]):
        seen.setdefault(term[:MAX_TERM], None)
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


def _phone_ids(actor: Actor, q: str) -> list[int]:
    """Enterprises whose contact phone is exactly Q (through its blind index: the phone is
    stored encrypted)."""
    if not _PHONE.match(q.strip()):
        return []
    phone = normalize_phone(q)
    if len(phone.lstrip("+")) < 7:
        return []
    index = blind_index(phone, context=CONTACT_PHONE_CTX)
    return list(
        scope_enterprises(actor).filter(contact_phone_index=index).order_by("pk").values_list("pk", flat=True)[:50]
    )


def _compiled(actor: Actor, kind: str, terms: list[str]) -> engine.Query | None:
    if actor.is_admin:
        return None
    if kind == "cases":
        return engine.compile_query(kind, terms, public_only=actor.is_enterprise, scope=scope_cases(actor))
    if kind == "enterprises":
        return engine.compile_query(kind, terms, public_only=False, scope=scope_enterprises(actor))
    return engine.compile_query(kind, terms, public_only=False, scope=scope_policies(actor))


def search_count(*, actor: Actor, q: str, type: str) -> int:
    kind = search_type_parse(type)
    learn_parks_once()
    terms = search_terms(q)
    phone = _phone_ids(actor, q) if kind == "enterprises" and not actor.is_admin else []
    compiled = None if phone else _compiled(actor, kind, terms)
    found = engine.count(compiled, cap=COUNT_CAP) if compiled is not None else 0
    return min(found + len(phone), COUNT_CAP)


def search_counts(*, actor: Actor, q: str) -> dict[str, int]:
    """Matches per type (the tabs), each capped at COUNT_CAP."""
    return {kind: search_count(actor=actor, q=q, type=kind) for kind in TYPES}


def search(*, actor: Actor, q: str, type: str = "cases", limit: int = 20, offset: int = 0) -> SearchPage:
    """One page of ranked matches of Q among the objects of TYPE the actor sees."""
    kind = search_type_parse(type)
    learn_parks_once()
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, min(int(offset), MAX_OFFSET))
    terms = search_terms(q)
    page = SearchPage(q=q, type=kind, terms=terms, limit=limit, offset=offset)
    phone = _phone_ids(actor, q) if kind == "enterprises" and not actor.is_admin else []
    compiled = None if phone else _compiled(actor, kind, terms)  # a phone found: no name has those digits
    if compiled is None and not phone:
        return page
    ids: list[int] = phone[offset : offset + limit]
    if compiled is not None and len(ids) < limit:
        more = engine.ranked_ids(compiled, limit=limit - len(ids) + len(phone), offset=max(0, offset - len(phone)))
        ids += [pk for pk in more if pk not in phone][: limit - len(ids)]
    page.count = min((engine.count(compiled, cap=COUNT_CAP) if compiled is not None else 0) + len(phone), COUNT_CAP)
    # the typed runs too (甲电子 marked whole, not 甲 and 电子 apart), and the phone as typed
    runs = _RUN.findall(normalize(q[:MAX_QUERY]))[:MAX_TERMS]
    rx = pattern([*terms, *runs, *([q.strip()[:MAX_TERM]] if phone else [])])
    page.items = HYDRATE[kind](actor, ids, rx)
    return page


# --- the rows of one page, in rank order ---------------------------------------------------------


def _url(name: str, sample: str = "987654321") -> str:
    """The page address of NAME as a format string (one reverse() per page, not per row)."""
    return reverse(name, args=[sample]).replace(sample, "{}")


def _case_hits(actor: Actor, ids: Sequence[int], rx: re.Pattern[str] | None) -> list[Hit]:
    if not ids:
        return []
    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=ids)
        .select_related("enterprise")
        .only("pk", "number", "title", "text", "answer", "state", "enterprise__name")
    }
    events = CaseEvent.objects.filter(case_id__in=ids).exclude(text="").order_by("id")
    if actor.is_enterprise:
        events = events.filter(public=True)
    texts: dict[int, list[str]] = defaultdict(list)
    for case_id, text in events.values_list("case_id", "text"):
        texts[case_id].append(text)
    states = {value: str(label) for value, label in CaseState.choices}  # get_state_display: 0.7 ms a row
    url = _url("cases:detail")
    hits = []
    for pk in ids:
        c = cases.get(pk)
        if c is None:
            continue
        hits.append(
            Hit(
                type="cases",
                key=str(c.pk),
                title=c.title,
                title_html=mark(c.title, rx),
                snippet=snippet([c.text, c.answer, *texts.get(pk, [])], rx),
                url=url.format(c.pk),
                meta=f"{c.number} · {c.enterprise.name} · {states.get(c.state, c.state)}",
            )
        )
    return hits


def _enterprise_hits(actor: Actor, ids: Sequence[int], rx: re.Pattern[str] | None) -> list[Hit]:
    if not ids:
        return []
    docs = EnterpriseDoc.objects.filter(pk__in=ids).select_related("enterprise")
    fields = ("former_names", "enterprise__uscc", "enterprise__name", "enterprise__park")
    rows = {d.pk: d for d in docs.only(*fields)}  # one query: the rows and their former names
    url = _url("enterprises:detail", "913205830000000000")
    hits = []
    for pk in ids:
        doc = rows.get(pk)
        if doc is None:
            continue
        e = doc.enterprise
        names = [str(n) for n in doc.former_names or []]
        shown = [_("曾用名：%(names)s") % {"names": "、".join(names)}] if names else []
        hits.append(
            Hit(
                type="enterprises",
                key=e.uscc,
                title=e.name,
                title_html=mark(e.name, rx),
                snippet=snippet([*shown, e.uscc, e.park], rx),
                url=url.format(e.uscc),
                meta=" · ".join(x for x in (e.uscc, e.park) if x),
            )
        )
    return hits


def _policy_hits(actor: Actor, ids: Sequence[int], rx: re.Pattern[str] | None) -> list[Hit]:
    if not ids:
        return []
    fields = ("pk", "code", "title", "document_no", "summary", "benefit", "interpretation", "full_text", "status")
    rows = {p.pk: p for p in Policy.objects.filter(pk__in=ids).only(*fields)}
    statuses = {value: str(label) for value, label in PolicyStatus.choices}
    url = _url("policies:detail", "SEARCHKEY")
    hits = []
    for pk in ids:
        p = rows.get(pk)
        if p is None:
            continue
        hits.append(
            Hit(
                type="policies",
                key=p.code,
                title=p.title,
                title_html=mark(p.title, rx),
                snippet=snippet([p.summary, p.benefit, p.interpretation, p.full_text, p.document_no], rx),
                url=url.format(p.code),
                meta=" · ".join(x for x in (p.code, p.document_no, statuses.get(p.status, p.status)) if x),
            )
        )
    return hits


HYDRATE = {"cases": _case_hits, "enterprises": _enterprise_hits, "policies": _policy_hits}
