"""The alert pages (issue 6 item 3): 预警清单 (mine for a liaison, every one for the desk and
leaders; filters, pages, deadlines, done / dismiss with a note) and the alarm thresholds page.
Parse → call one selector or service → render (STYLE.md §6.2.4). Department staff, enterprise
users and the three administrators get 404 (they see no alert)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qifu.access.actor import Actor
from qifu.access.scopes import may_act_on_alerts, may_edit_alarm_rules, may_see_alerts
from qifu.access.web import actor_view
from qifu.alerts.forms import ActForm, RuleFormSet
from qifu.alerts.models import AlertKind, AlertState
from qifu.alerts.selectors import alarm_rule_list, alert_filter_parse, alert_get, alert_list, enterprise_alerts
from qifu.alerts.services import AlarmRuleInput, alarm_rules_set, alert_act, indicator_label
from qifu.core.errors import QifuError
from qifu.core.web import paginate, render_page
from qifu.enterprises.selectors import enterprise_get
from qifu.indicators.models import DERIVED_FIELDS

PER_PAGE = 25


def alerts_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for those who see alerts (liaisons, the desk, leaders): everyone else 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, actor: Actor, /, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_see_alerts(actor):
            raise Http404
        return view(request, actor, *args, **kwargs)

    return actor_view(wrapper)


@require_GET
@alerts_view
def list_alerts(request: HttpRequest, actor: Actor) -> HttpResponse:
    """预警清单: filters kind, state, overdue; open ones by deadline, overdue in red."""
    try:
        filters = alert_filter_parse(
            kind=request.GET.get("kind"), state=request.GET.get("state"), overdue=request.GET.get("overdue")
        )
    except QifuError:
        filters = alert_filter_parse(kind=None, state=None, overdue=None)
    today = timezone.localdate()
    context = {
        "page": paginate(request, alert_list(actor=actor, filters=filters, today=today), PER_PAGE),
        "f": filters,
        "kinds": AlertKind.choices,
        "states": AlertState.choices,
        "today": today,
        "may_act": may_act_on_alerts(actor),
        "mine": actor.is_liaison,
    }
    return render_page(request, "alerts/list.html", context, partial="table")


@require_GET
@alerts_view
def enterprise_section(request: HttpRequest, actor: Actor, uscc: str) -> HttpResponse:
    """The enterprise 360 page's 预警 section, loaded after the page (HTMX): the page itself stays
    within its query budget."""
    enterprise = enterprise_get(actor=actor, uscc=uscc)
    alerts = enterprise_alerts(actor=actor, enterprise_id=enterprise.pk)
    return render(request, "alerts/partials/_enterprise_alerts.html", {"alerts": alerts})


@require_POST
@alerts_view
def act(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """已处理 (with a note, e.g. 已走访) or 忽略 (with a reason)."""
    alert = alert_get(actor=actor, alert_id=pk)
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择操作，说明最多200字。"))
    else:
        try:
            alert_act(actor=actor, alert=alert, action=form.cleaned_data["action"], note=form.cleaned_data["note"])
        except QifuError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("预警已处理。"))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/alerts/") and not back.startswith("//") else "alerts:list")


def _rule_rows() -> list[dict[str, Any]]:
    stored = {r.field: r for r in alarm_rule_list()}
    rows: list[dict[str, Any]] = []
    for name in DERIVED_FIELDS:
        rule = stored.get(name)
        rows.append(
            {
                "field": name,
                "comparison": rule.comparison if rule else "lte",
                "threshold": rule.threshold if rule else None,
                "active": rule.active if rule else False,
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@alerts_view
def rules(request: HttpRequest, actor: Actor) -> HttpResponse:
    """预警阈值: one row per derived indicator field; the desk edits, others read."""
    editable = may_edit_alarm_rules(actor)
    if request.method == "POST" and not editable:
        raise Http404
    formset = RuleFormSet(request.POST if request.method == "POST" else None, initial=_rule_rows())
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            given = [
                AlarmRuleInput(d["field"], d["comparison"], d["threshold"], d["active"])
                for d in formset.cleaned_data
                if d.get("threshold") is not None
            ]
            try:
                alarm_rules_set(actor=actor, rules=given)
            except QifuError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("预警阈值已保存，下次扫描时生效。"))
                return redirect("alerts:rules")
        status = 422
    labels = {f: indicator_label(f) for f in DERIVED_FIELDS}
    rows = [(form, labels.get(form.initial.get("field", ""), "")) for form in formset.forms]
    return render(request, "alerts/rules.html", {"formset": formset, "rows": rows, "editable": editable}, status=status)
