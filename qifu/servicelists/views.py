"""The service-list pages (PRODUCT.md §2.5): the overview, a list's members month by month with
the reasons and 导出Excel, manual add/remove with a reason, the rule and strategy page, and the
desk's 立即评估 button. Parse → call one selector or service → render (STYLE.md §6.2.4); pages
are for government staff only (404 for enterprise users and the three administrators).
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.access.actor import Actor
from qifu.access.scopes import may_edit_list_rules, may_evaluate_lists, may_override_lists
from qifu.access.web import staff_view
from qifu.core.errors import QifuError
from qifu.core.excel import XLSX_CONTENT_TYPE
from qifu.core.web import paginate, render_page
from qifu.policies.conditions import ConditionError, parse
from qifu.policies.wording import condition_outline, is_simple
from qifu.reference.selectors import service_list_names
from qifu.servicelists.exporting import members_export
from qifu.servicelists.forms import EvaluateForm, OverrideForm, RuleForm
from qifu.servicelists.months import last_month, parse_month
from qifu.servicelists.selectors import (
    latest_month,
    list_enterprise_get,
    list_get,
    list_members,
    list_months,
    list_movements,
    list_override_by_id,
    list_overrides_open,
    list_overview,
    list_rule_of,
)
from qifu.servicelists.services import evaluate_month, list_override_add, list_override_withdraw, list_rule_set

PER_PAGE = 25


@require_GET
@staff_view
def overview(request: HttpRequest, actor: Actor) -> HttpResponse:
    """四张清单: members, this month's movements and the strategy of each list."""
    month = latest_month()
    context = {
        "cards": list_overview(actor=actor, month=month),
        "month": month,
        "may_evaluate": may_evaluate_lists(actor),
        "default_month": last_month(),
    }
    return render(request, "servicelists/overview.html", context)


@require_GET
@staff_view
def members(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """A list's members in a month (searchable, paged) with the liaison and the reason."""
    service_list = list_get(actor=actor, code=code)
    month = parse_month(request.GET.get("month")) or latest_month()
    q = request.GET.get("q", "").strip()[:60]
    page = paginate(request, list_members(actor=actor, service_list=service_list, month=month, q=q), PER_PAGE)
    context = {
        "sl": service_list,
        "month": month,
        "months": list_months,  # lazy: the HTMX fragment never reads it
        "q": q,
        "page": page,
        "movements": (lambda: list_movements(actor=actor, service_list=service_list, month=month)) if month else None,
        "overrides": lambda: list(list_overrides_open(actor=actor, service_list=service_list)[:100]),
        "may_override": may_override_lists(actor),
        "form": OverrideForm(),
    }
    return render_page(request, "servicelists/list.html", context, partial="table")


@require_GET
@staff_view  # type: ignore[arg-type]
def export_members(request: HttpRequest, actor: Actor, code: str) -> HttpResponseBase:
    service_list = list_get(actor=actor, code=code)
    month = parse_month(request.GET.get("month")) or latest_month()
    if month is None:
        return redirect("servicelists:list", code=code)
    file, _rows = members_export(actor=actor, service_list=service_list, month=month, q=request.GET.get("q", ""))
    name = f"{service_list.name}-{month:%Y%m}.xlsx"
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


@require_POST
@staff_view
def add_override(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """人工纳入 / 人工移出 with a reason (the desk and the economic department)."""
    service_list = list_get(actor=actor, code=code)
    form = OverrideForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            enterprise = list_enterprise_get(actor=actor, uscc=d["uscc"])
            list_override_add(
                actor=actor, service_list=service_list, enterprise=enterprise, action=d["action"], reason=d["reason"]
            )
        except QifuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已记录人工调整，本月清单已更新，以后每次评估都会保留，直至撤销。"))
    else:
        messages.error(request, _("请填写18位统一社会信用代码、操作和理由。"))
    return redirect("servicelists:list", code=code)


@require_POST
@staff_view
def withdraw_override(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    override = list_override_by_id(actor=actor, pk=pk)
    try:
        list_override_withdraw(actor=actor, override=override)
    except QifuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销人工调整：下次评估时按规则重新判定。"))
    return redirect("servicelists:list", code=override.service_list.code)


@require_http_methods(["GET", "POST"])
@staff_view
def rule(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    """A list's rule in plain Chinese and its strategy; the desk edits both (JSON checked part by part)."""
    service_list = list_get(actor=actor, code=code)
    current = list_rule_of(service_list)
    editable = may_edit_list_rules(actor)
    if request.method == "POST" and not editable:
        raise Http404  # leaders and other staff read the rule; only the desk writes it
    form = RuleForm(request.POST) if request.method == "POST" and editable else RuleForm.of(current)
    faults: list[dict[str, str]] = []
    status = 200
    if request.method == "POST" and editable:
        if form.is_valid():
            try:
                list_rule_set(actor=actor, service_list=service_list, data=form.to_input())
            except QifuError as exc:
                faults = exc.data.get("faults", [])
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("规则已保存，下次评估时生效。"))
                return redirect("servicelists:rule", code=code)
        status = 422
    outline = None
    if current is not None:
        try:
            tree = parse(current.conditions)
            outline = (condition_outline(tree, lists=service_list_names()), is_simple(tree))
        except ConditionError:
            outline = None
    context = {
        "sl": service_list,
        "rule": current,
        "outline": outline,
        "form": form,
        "faults": faults,
        "editable": editable,
    }
    return render(request, "servicelists/rule.html", context, status=status)


@require_POST
@staff_view
def evaluate(request: HttpRequest, actor: Actor) -> HttpResponse:
    """立即评估 (the desk): the same service as the monthly job."""
    form = EvaluateForm(request.POST)
    month = parse_month(form.data.get("month")) if form.is_valid() else None
    if month is None:
        messages.error(request, _("请选择评估月份。"))
        return redirect("servicelists:overview")
    try:
        result = evaluate_month(month=month, actor=actor)
    except QifuError as exc:
        messages.error(request, exc.message)
    else:
        counts = "，".join(f"{s.name} {s.members}" for s in result.lists.values())
        messages.success(
            request, _("%(month)s 清单评估完成：%(counts)s。") % {"month": f"{month:%Y-%m}", "counts": counts}
        )
    return redirect("servicelists:overview")
