"""挂钩管理 (service desk only; every other role gets 404): workload, assign, reassign, end, bulk.

Each form view: parse the form → call one service → redirect with a message (PRG), or show the form
again with the service's error beside the field it concerns.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qifu.access.actor import Actor
from qifu.access.web import desk_view
from qifu.core.errors import QifuError
from qifu.core.web import render_page
from qifu.enterprises.selectors import EnterpriseFilters, enterprise_list, enterprise_parks
from qifu.linkage.forms import (
    AssignForm,
    BulkAssignForm,
    BulkReassignForm,
    EndForm,
    EnterpriseLookupForm,
    ReassignForm,
    ServiceForm,
    error_message,
)
from qifu.linkage.selectors import LinkageFilters, liaison_workload, linkage_get, linkage_list
from qifu.linkage.services import (
    linkage_assign,
    linkage_bulk_assign,
    linkage_bulk_reassign,
    linkage_end,
    linkage_reassign,
)


def _submit(
    request: HttpRequest, form: ServiceForm, template: str, call: Callable[[], str], partial: str | None = None
) -> HttpResponse:
    """POST and valid: run the service; success → message + back to the overview, error → beside the field."""
    if request.method == "POST" and form.is_valid():
        try:
            done = call()
        except QifuError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, done)
            return redirect("linkage:manage")
    context = {"form": form, "parks": enterprise_parks}
    if partial is None:
        return render(request, template, context)
    return render_page(request, template, context, partial=partial)


@desk_view
def manage(request: HttpRequest, actor: Actor) -> HttpResponse:
    lookup = EnterpriseLookupForm(request.GET if "enterprise" in request.GET else None, actor=actor)
    found = lookup.cleaned_data["enterprise"] if lookup.is_valid() else None
    links = linkage_list(actor=actor, filters=LinkageFilters(enterprise=found.uscc)) if found else []
    unlinked = enterprise_list(actor=actor, filters=EnterpriseFilters(without_liaison=True))
    context = {
        "lookup": lookup,
        "found": found,
        "links": links,
        "workload": liaison_workload(actor=actor),
        "unlinked": unlinked,
    }
    return render(request, "linkage/manage.html", context)


@desk_view
def assign(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = AssignForm(request.POST or None, actor=actor, initial=request.GET.dict())

    def call() -> str:
        d = form.cleaned_data
        link = linkage_assign(
            actor=actor, enterprise=d["enterprise"], liaison=d["liaison"], role=d["role"], reason=d["reason"]
        )
        return _("已安排%(l)s为%(e)s的%(r)s。") % {
            "l": link.liaison.name,
            "e": link.enterprise.name,
            "r": link.get_role_display(),
        }

    return _submit(request, form, "linkage/assign.html", call)


@desk_view
def reassign(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ReassignForm(request.POST or None, actor=actor, initial=request.GET.dict())

    def call() -> str:
        d = form.cleaned_data
        link = linkage_reassign(actor=actor, enterprise=d["enterprise"], liaison=d["liaison"], reason=d["reason"])
        return _("%(e)s的主挂钩人已更换为%(l)s，原挂钩记录已留存。") % {
            "e": link.enterprise.name,
            "l": link.liaison.name,
        }

    return _submit(request, form, "linkage/reassign.html", call)


@require_POST
@desk_view
def end(request: HttpRequest, actor: Actor, linkage_id: int) -> HttpResponse:
    link = linkage_get(actor=actor, linkage_id=linkage_id)
    form = EndForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        linkage_end(actor=actor, linkage=link, reason=reason)
        messages.success(
            request, _("已结束%(l)s与%(e)s的挂钩关系。") % {"l": link.liaison.name, "e": link.enterprise.name}
        )
    except QifuError as exc:
        messages.error(request, error_message(exc)[1])
    return redirect(f"{reverse('linkage:manage')}?enterprise={link.enterprise.uscc}#links")


@desk_view
def bulk_reassign(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = BulkReassignForm(request.POST or None, actor=actor, initial=request.GET.dict())

    def call() -> str:
        d: dict[str, Any] = form.cleaned_data
        moved = linkage_bulk_reassign(
            actor=actor,
            from_liaison=d["from_liaison"],
            to_liaison=d["to_liaison"],
            reason=d["reason"],
            enterprise_ids=form.enterprise_ids(),
        )
        return _("已将%(n)d家企业从%(a)s调整给%(b)s。") % {
            "n": moved,
            "a": d["from_liaison"].name,
            "b": d["to_liaison"].name,
        }

    return _submit(request, form, "linkage/bulk_reassign.html", call, partial="candidates")


@desk_view
def bulk_assign(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = BulkAssignForm(request.POST or None, actor=actor, initial=request.GET.dict())

    def call() -> str:
        d = form.cleaned_data
        count = linkage_bulk_assign(actor=actor, liaison=d["liaison"], enterprises=d["enterprises"], reason=d["reason"])
        return _("已为%(n)d家企业安排主挂钩人%(l)s。") % {"n": count, "l": d["liaison"].name}

    return _submit(request, form, "linkage/bulk_assign.html", call, partial="candidates")


@desk_view
def search_enterprises(request: HttpRequest, actor: Actor) -> HttpResponse:
    """HTMX: <option>s for the enterprise field's datalist (name or USCC, in scope)."""
    term = request.GET.get("enterprise", "").strip()
    found = enterprise_list(actor=actor, filters=EnterpriseFilters(q=term))[:10] if len(term) >= 2 else []
    return render(request, "linkage/partials/_enterprise_options.html", {"found": found})
