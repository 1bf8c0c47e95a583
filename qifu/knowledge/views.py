"""The knowledge base pages (issue 7 item 5): 知识库 for government staff (filters, search, create,
edit, retire, save back from a case), 常见问题答复 for enterprises (public entries, plain Chinese),
and two HTMX panels: suggestions on a case's answer forms and while an enterprise files.

Parse → call one selector or service → render (STYLE.md §6.2.4). Visibility is the selectors'
(`scope_knowledge`); who writes is the services'. The three administrators get 404.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.access.actor import Actor
from qifu.access.scopes import may_write_knowledge
from qifu.access.web import business_view
from qifu.cases.selectors import case_get
from qifu.core.errors import QifuError
from qifu.core.web import paginate, render_page
from qifu.knowledge.forms import EntryForm, initial_of
from qifu.knowledge.models import EntryState
from qifu.knowledge.selectors import (
    KnowledgeFilters,
    knowledge_filter_parse,
    knowledge_for_case,
    knowledge_get,
    knowledge_list,
    knowledge_ranked,
    knowledge_suggest,
)
from qifu.knowledge.services import (
    knowledge_create,
    knowledge_retire,
    knowledge_save_back,
    knowledge_save_back_prefill,
    knowledge_update,
    may_save_back,
)
from qifu.reference.selectors import department_list

PER_PAGE = 20


def _filters(request: HttpRequest) -> KnowledgeFilters:
    g = request.GET
    try:
        return knowledge_filter_parse(q=g.get("q"), category=g.get("category"), department=g.get("department"),
                                      public=g.get("public"), state=g.get("state"))  # fmt: skip
    except QifuError:
        return knowledge_filter_parse(q=g.get("q"))


@require_GET
@business_view
def list_entries(request: HttpRequest, actor: Actor) -> HttpResponse:
    """知识库 (staff) or 常见问题答复 (enterprises): search box and filters; relevance when searched."""
    filters = _filters(request)
    page: Page[Any]
    if filters.q:
        ranked: Any = knowledge_ranked(actor=actor, filters=filters)  # len() and slices, loaded per page
        page = Paginator(ranked, PER_PAGE).get_page(request.GET.get("page"))
    else:
        page = paginate(request, knowledge_list(actor=actor, filters=filters), PER_PAGE)
    context = {
        "page": page,
        "f": filters,
        "departments": department_list(),
        "states": EntryState.choices,
        "may_write": may_write_knowledge(actor),
    }
    template = "knowledge/browse.html" if actor.is_enterprise else "knowledge/list.html"
    return render_page(request, template, context, partial="results")


@require_GET
@business_view
def show_entry(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entry = knowledge_get(actor=actor, entry_id=pk)
    context = {"entry": entry, "may_edit": may_write_knowledge(actor, entry.department_id)}
    return render(request, "knowledge/detail.html", context)


@require_http_methods(["GET", "POST"])
@business_view
def new_entry(request: HttpRequest, actor: Actor) -> HttpResponse:
    """新建答复口径; with ?case=<id>, saved back from that answered case (a draft, internal)."""
    if not may_write_knowledge(actor):
        raise Http404
    case_id = request.GET.get("case") or request.POST.get("case") or ""
    case = case_get(actor=actor, case_id=int(case_id)) if case_id.isdigit() else None
    initial = {}
    if case is not None:
        try:
            initial = initial_of(knowledge_save_back_prefill(actor=actor, case=case))
        except QifuError as exc:
            messages.error(request, exc.message)
            return redirect("cases:detail", case_id=case.pk)
    form = EntryForm(request.POST or None, actor=actor, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if case is not None:
                    entry = knowledge_save_back(actor=actor, case=case, data=form.entry_data())
                else:
                    entry = knowledge_create(actor=actor, data=form.entry_data())
            except QifuError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("答复口径已保存。"))
                return redirect("knowledge:detail", pk=entry.pk)
        status = 422
    return render(request, "knowledge/form.html", {"form": form, "case": case, "entry": None}, status=status)


@require_http_methods(["GET", "POST"])
@business_view
def edit_entry(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entry = knowledge_get(actor=actor, entry_id=pk)
    if not may_write_knowledge(actor, entry.department_id):
        raise Http404
    initial = {
        "title": entry.title, "answer": entry.answer, "keywords": entry.keywords,
        "category": entry.category.code if entry.category else "", "department": entry.department.code,
        "public": entry.public, "state": entry.state,
    }  # fmt: skip
    form = EntryForm(request.POST or None, actor=actor, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                knowledge_update(actor=actor, entry=entry, data=form.entry_data())
            except QifuError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("答复口径已保存。"))
                return redirect("knowledge:detail", pk=entry.pk)
        status = 422
    return render(request, "knowledge/form.html", {"form": form, "case": None, "entry": entry}, status=status)


@require_POST
@business_view
def retire_entry(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    entry = knowledge_get(actor=actor, entry_id=pk)
    if not may_write_knowledge(actor, entry.department_id):
        raise Http404
    try:
        knowledge_retire(actor=actor, entry=entry)
    except QifuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("答复口径已停用。"))
    return redirect("knowledge:detail", pk=entry.pk)


@require_GET
@business_view
def case_suggestions(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """HTMX: the three entries that best fit a case, on its answer forms (使用此答复 inserts one)."""
    case = case_get(actor=actor, case_id=case_id)
    target = request.GET.get("target", "")
    target = target if target in ("f-answer", "f-resolve") else ""
    context = {"entries": knowledge_for_case(actor=actor, case=case), "target": target}
    return render(request, "knowledge/partials/_case_suggestions.html", context)


@require_GET
@business_view
def filing_suggestions(request: HttpRequest, actor: Actor) -> HttpResponse:
    """HTMX: while an enterprise types its request, public answers that may already solve it."""
    text = f"{request.GET.get('title', '')}\n{request.GET.get('text', '')}".strip()[:2000]
    entries = knowledge_suggest(actor=actor, text=text, limit=3) if len(text) >= 4 else []
    return render(request, "knowledge/partials/_filing_suggestions.html", {"entries": entries})


@require_GET
@business_view
def save_back_link(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """HTMX: the 保存为答复口径 link on an answered case, for those who may save it back."""
    case = case_get(actor=actor, case_id=case_id)
    return render(
        request, "knowledge/partials/_save_back_link.html", {"case": case, "show": may_save_back(actor, case)}
    )
