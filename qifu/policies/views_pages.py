"""The policy pages people use (PRODUCT.md §2.6; issue 5 item 5):

- 政策包 (/policies/): the catalogue for staff and enterprises, filters in the URL, 25 a page;
- a policy's page: benefit, summary, 解读, full text, attachments, the conditions in plain Chinese
  (and, for an enterprise user, whether it qualifies and why);
- 适合我们的政策 (/policies/for-us/): an enterprise's eligible policies with the reasons, then those
  only missing data decides, with what is missing and whom to ask;
- 符合条件的企业 (/policies/<code>/matches/): who qualifies, in one SQL query, with 导出Excel;
- 已宣讲 (POST): a liaison records that a policy was introduced (the brief on the 360 page and the
  visit form);
- 免申即享名单 (/policies/<code>/grants/): review, approve or reject, export the approved list.

Parse → call one selector or service → render (STYLE.md §6.2.4). Scope and 404s come from the
selectors; a page for a role that does not use it is 404 (not advertised, STYLE.md §6.4).
"""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.web import business_view, role_view, staff_view
from qifu.core.errors import NotFound, QifuError
from qifu.core.excel import XLSX_CONTENT_TYPE
from qifu.core.web import paginate, render_page, wants_partial
from qifu.enterprises.selectors import enterprise_parks
from qifu.policies import excel
from qifu.policies.forms_pages import catalogue_query, grant_tab, park_of
from qifu.policies.models import GrantState, PolicyStatus
from qifu.policies.selectors import (
    enterprise_get_for_policies,
    enterprise_policies,
    policy_get,
    policy_list,
    policy_tree,
)
from qifu.policies.selectors_pages import (
    enterprise_policy_fit,
    for_us_enterprise,
    grant_counts,
    grant_get,
    grant_rows,
    home_policies,
    match_rows,
    may_review_grants,
    may_see_grants,
    policy_attachments,
    policy_brief,
    service_list_names_for,
)
from qifu.policies.services import may_edit, policy_introduce
from qifu.policies.services_grants import grant_list_refresh, grant_review
from qifu.policies.wording import condition_outline, is_simple
from qifu.reference.selectors import department_list, policy_categories

PER_PAGE = 25


@business_view
def catalogue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """政策包: search and filter the policies the actor may read (published ones for enterprises)."""
    categories = policy_categories()
    query = catalogue_query(request.GET, actor=actor, categories=categories)
    page = paginate(request, policy_list(actor=actor, filters=query.filters), per_page=PER_PAGE)
    context = {
        "page": page,
        "query": query,
        "filters": query.filters,
        "categories": categories,
        "departments": department_list,  # lazy: the HTMX table fragment never reads it
        "statuses": PolicyStatus.choices,
        "today": timezone.localdate(),
    }
    return render_page(request, "policies/list.html", context, partial="table")


@business_view
def detail(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    policy = policy_get(actor=actor, code=code)
    lists = service_list_names_for(policy)
    node = policy_tree(policy)
    fit = None
    if actor.is_enterprise and policy.status == PolicyStatus.PUBLISHED:
        enterprise = for_us_enterprise(actor=actor)
        fit = enterprise_policy_fit(actor=actor, enterprise=enterprise, policy=policy)
    context = {
        "p": policy,
        "outline": condition_outline(node, fit.explanation.leaves if fit else None, lists),
        "simple": is_simple(node),
        "fit": fit,
        "attachments": policy_attachments(policy),
        "categories": policy_categories(),
        "may_edit": may_edit(actor, policy.department_id),
        "may_see_grants": may_see_grants(actor, policy),
        "today": timezone.localdate(),
    }
    return render(request, "policies/detail.html", context)


@business_view
def for_us(request: HttpRequest, actor: Actor) -> HttpResponse:
    """适合我们的政策: the enterprise's own (or, for staff, ?uscc= of one they may see)."""
    if not actor.is_enterprise and not request.GET.get("uscc"):
        return redirect("policies:list")
    enterprise = for_us_enterprise(actor=actor, uscc=request.GET.get("uscc", ""))
    fits = enterprise_policies(actor=actor, enterprise=enterprise)
    lists = service_list_names_for(*(f.policy for f in fits))
    rows = [
        (
            fit,
            condition_outline(policy_tree(fit.policy), fit.explanation.leaves, lists),
            is_simple(policy_tree(fit.policy)),
        )
        for fit in fits
    ]
    context = {
        "enterprise": enterprise,
        "eligible": [r for r in rows if r[0].eligible],
        "unknown": [r for r in rows if r[0].eligible is None],
        "today": timezone.localdate(),
        "liaison": enterprise.primary_liaison,
    }
    return render(request, "policies/for_us.html", context)


@staff_view
def matches(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """符合条件的企业: the eligible enterprises the actor may see, by park, 25 a page."""
    policy = policy_get(actor=actor, code=code)
    park = park_of(request.GET)
    page = paginate(request, match_rows(actor=actor, policy=policy, park=park), per_page=PER_PAGE)
    context = {
        "p": policy,
        "page": page,
        "park": park,
        "parks": enterprise_parks,
        "today": timezone.localdate(),
        # the issuing department sees every enterprise's eligibility, not every enterprise's pages
        "linkable": actor.is_zone_wide or not (actor.is_department and actor.department_id == policy.department_id),
    }
    return render_page(request, "policies/matches.html", context, partial="table")


@require_GET
@staff_view  # type: ignore[arg-type]  # a FileResponse streams (HttpResponseBase)
def matches_export(request: HttpRequest, actor: Actor, code: str) -> HttpResponseBase:
    """导出Excel: every eligible enterprise of the filtered list (not only the page shown)."""
    policy = policy_get(actor=actor, code=code)
    file, _rows = excel.matches_export(actor=actor, policy=policy, park=park_of(request.GET))
    return FileResponse(
        file,
        as_attachment=True,
        filename=excel.export_filename(policy, "符合条件的企业"),
        content_type=XLSX_CONTENT_TYPE,
    )


def _back(request: HttpRequest, fallback: str, target: str | None = None) -> str:
    """The page to return to (`next`, this site only), else FALLBACK."""
    target = request.POST.get("next", "") if target is None else target
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_GET
@staff_view
def brief(request: HttpRequest, actor: Actor) -> HttpResponse:
    """可介绍的政策 for ?uscc=, loaded by the 360 page and the visit form after they render (those
    pages read no policy themselves). Nothing for an enterprise outside the actor's scope — a
    department's joint visit may go to one."""
    try:
        enterprise = enterprise_get_for_policies(actor=actor, uscc=request.GET.get("uscc", ""))
    except NotFound:
        return HttpResponse("")
    fallback = reverse("enterprises:detail", args=[enterprise.uscc])
    context = {
        "e": enterprise,
        "brief": policy_brief(actor=actor, enterprise=enterprise),
        "next": _back(request, fallback, request.GET.get("next", "")),
    }
    return render(request, "policies/partials/_brief.html", context)


@require_GET
@role_view(lambda actor: actor.is_enterprise)
def home_card(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The enterprise home page's 适合我们的政策 (n) card, loaded after the page: the first few
    eligible current policies with the reasons, and a link to all of them."""
    picks, n = home_policies(actor=actor)
    return render(request, "policies/partials/_for_us_card.html", {"n": n, "picks": picks})


@require_POST
@staff_view
def introduce(request: HttpRequest, actor: Actor) -> HttpResponse:
    """已宣讲: from the brief on the 360 page or the visit form (HTMX swaps the brief in place)."""
    enterprise = enterprise_get_for_policies(actor=actor, uscc=request.POST.get("uscc", ""))
    policy = policy_get(actor=actor, code=request.POST.get("code", ""))
    if policy.status != PolicyStatus.PUBLISHED:
        raise NotFound("policy not found")
    try:
        policy_introduce(actor=actor, policy=policy, enterprise=enterprise, note=request.POST.get("note", ""))
    except QifuError as exc:
        if wants_partial(request):
            return HttpResponse(exc.message, status=exc.http_status)
        messages.error(request, exc.message)
    else:
        if not wants_partial(request):
            messages.success(request, _("已记录向企业宣讲“%(title)s”。") % {"title": policy.title})
    if wants_partial(request):
        brief = policy_brief(actor=actor, enterprise=enterprise)
        context = {
            "e": enterprise,
            "brief": brief,
            "next": _back(request, reverse("enterprises:detail", args=[enterprise.uscc])),
        }
        return render(request, "policies/partials/_brief.html", context)
    return redirect(_back(request, reverse("enterprises:detail", args=[enterprise.uscc])))


@staff_view
def grants(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """免申即享名单: 待审核 / 已核准 / 不予核准 tabs; the desk and the issuing department review."""
    policy = policy_get(actor=actor, code=code)
    if not may_see_grants(actor, policy):
        raise NotFound("grant list not found")
    state = grant_tab(request.GET)
    page = paginate(request, grant_rows(actor=actor, policy=policy, state=state), per_page=PER_PAGE)
    context = {
        "p": policy,
        "page": page,
        "state": state,
        "states": GrantState.choices,
        "counts": grant_counts(actor=actor, policy=policy),
        "may_review": may_review_grants(actor, policy),
    }
    return render_page(request, "policies/grants.html", context, partial="table")


@require_POST
@staff_view
def grant_decide(request: HttpRequest, actor: Actor, code: str, grant_id: int) -> HttpResponse:
    """核准 / 不予核准 one enterprise of the list, with a note (required to reject)."""
    policy = policy_get(actor=actor, code=code)
    grant = grant_get(actor=actor, policy=policy, grant_id=grant_id)
    approve = request.POST.get("decision") == "approve"
    try:
        grant_review(actor=actor, grant=grant, approve=approve, note=request.POST.get("note", ""))
    except QifuError as exc:
        messages.error(request, exc.message)
    else:
        name = grant.enterprise.name
        if approve:
            messages.success(request, _("已核准：%(name)s。") % {"name": name})
        else:
            messages.success(request, _("已不予核准：%(name)s。") % {"name": name})
    fallback = reverse("policies:grants", args=[policy.code]) + f"?state={GrantState.PROPOSED}"
    return redirect(_back(request, fallback))


@require_POST
@staff_view
def grants_refresh(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """更新名单: list the enterprises newly eligible today (the nightly job does the same)."""
    policy = policy_get(actor=actor, code=code)
    if not may_review_grants(actor, policy):
        raise NotFound("grant list not found")
    added = grant_list_refresh([policy.code])
    messages.success(request, _("名单已更新，新列入 %(n)s 家企业。") % {"n": added})
    return redirect(reverse("policies:grants", args=[policy.code]) + f"?state={GrantState.PROPOSED}")


@require_GET
@staff_view  # type: ignore[arg-type]  # a FileResponse streams (HttpResponseBase)
def grants_export(request: HttpRequest, actor: Actor, code: str) -> HttpResponseBase:
    """导出Excel of the approved list (or ?state= another tab)."""
    policy = policy_get(actor=actor, code=code)
    state = request.GET.get("state") or GrantState.APPROVED
    if state not in GrantState.values:
        state = GrantState.APPROVED
    file, _rows = excel.grants_export(actor=actor, policy=policy, state=state)
    return FileResponse(
        file,
        as_attachment=True,
        filename=excel.export_filename(policy, "免申即享名单"),
        content_type=XLSX_CONTENT_TYPE,
    )
