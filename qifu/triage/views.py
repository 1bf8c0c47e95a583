"""Triage pages: the dispatch form's hint (an HTMX fragment on the case page) and the model page
for the system administrator (version, held-out figures, confusion table, retrain, fallback)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.web import actor_view, business_view
from qifu.accounts.roles import Role
from qifu.triage import selectors
from qifu.triage.tasks import triage_train_task


def _sysadmin(actor: Actor) -> None:
    if actor.role != Role.SYSADMIN:  # the page's existence is not advertised (STYLE.md §6.4)
        raise Http404


@require_GET
@actor_view
def model_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """智能分办模型: the model in use, its held-out figures and confusion table, the fallback."""
    _sysadmin(actor)
    return render(request, "triage/model.html", {"page": selectors.model_page()})


@require_POST
@actor_view
def retrain(request: HttpRequest, actor: Actor) -> HttpResponse:
    _sysadmin(actor)
    result = triage_train_task()
    messages.info(request, _("已提交重新训练；完成后本页显示新版本。"))
    del result  # a Huey result handle (the value itself when tasks run at once)
    return redirect("triage:model")


@require_GET
@business_view
def case_hint(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """The dispatch form's hint: likely category and lead department (the desk decides)."""
    if not selectors.may_use_triage(actor):
        raise Http404
    case, suggestion = selectors.case_suggestion(actor=actor, case_id=case_id)
    return render(request, "triage/partials/_hint.html", {"case": case, "s": suggestion})
