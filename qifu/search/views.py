"""The search page (issue 7 item 1): /search/?q=&type=&page= — a tab per type with its count,
ranked hits with highlighted snippets, pages of PER_PAGE. Everyone signed in but the three
administrators (404 for them: they see no business data)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qifu.access.actor import Actor
from qifu.access.web import actor_view
from qifu.core.errors import QifuError
from qifu.search.selectors import COUNT_CAP, MAX_OFFSET, TYPES, search, search_counts, search_type_parse

PER_PAGE = 20


def _labels() -> dict[str, str]:
    return {"cases": _("诉求"), "enterprises": _("企业"), "policies": _("政策")}


@require_GET
@actor_view
def results(request: HttpRequest, actor: Actor) -> HttpResponse:
    if actor.is_admin:
        raise Http404
    q = (request.GET.get("q") or "").strip()
    try:
        kind = search_type_parse(request.GET.get("type"))
    except QifuError:
        kind = "cases"
    try:
        number = max(1, min(int(request.GET.get("page") or 1), MAX_OFFSET // PER_PAGE + 1))
    except ValueError:
        number = 1
    counts = search_counts(actor=actor, q=q) if q else dict.fromkeys(TYPES, 0)
    if q and not counts[kind] and request.GET.get("type") is None:
        kind = next((t for t in TYPES if counts[t]), kind)  # no type asked: open the first tab with hits
    page = search(actor=actor, q=q, type=kind, limit=PER_PAGE, offset=(number - 1) * PER_PAGE) if q else None
    labels = _labels()
    pages = min((counts[kind] + PER_PAGE - 1) // PER_PAGE, MAX_OFFSET // PER_PAGE + 1)
    context = {
        "q": q,
        "type": kind,
        "tabs": [(t, labels[t], counts[t], counts[t] >= COUNT_CAP) for t in TYPES],
        "page": page,
        "number": number,
        "has_previous": number > 1,
        "has_next": number < pages,
        "label": labels[kind],
    }
    return render(request, "search/results.html", context)
