"""通知 (the inbox, PRODUCT.md §2.3): the list (HTMX partial), open one (mark read, follow its link),
mark all read. Every role has an inbox; each sees only their own (404 otherwise)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from qifu.access.actor import Actor
from qifu.access.web import actor_view
from qifu.core.web import paginate, render_page
from qifu.notify.selectors import notification_get, notification_list
from qifu.notify.services import notification_mark_all_read, notification_mark_read


@require_GET
@actor_view
def inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    unread = request.GET.get("unread") == "1"
    page = paginate(request, notification_list(actor=actor, unread=unread))
    return render_page(request, "notify/inbox.html", {"page": page, "unread": unread}, partial="list")


@require_POST
@actor_view
def open_notification(request: HttpRequest, actor: Actor, notification_id: int) -> HttpResponse:
    notification = notification_mark_read(
        actor=actor, notification=notification_get(actor=actor, notification_id=notification_id)
    )
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=False):
        target = reverse("notify:inbox")
    return redirect(target)


@require_POST
@actor_view
def read_all(request: HttpRequest, actor: Actor) -> HttpResponse:
    notification_mark_all_read(actor=actor)
    return redirect("notify:inbox")  # a full page, so the top-bar badge is redrawn too
