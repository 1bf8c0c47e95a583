"""The Actor for HTML views: resolved once per request, with NotFound answered as 404.

Views decorated with `actor_view` receive `(request, actor, ...)`. A selector's NotFound (missing
or outside the scope) becomes Django's Http404, so pages give the same answer as the API.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from qifu.access.actor import Actor
from qifu.accounts.models import User
from qifu.core.errors import NotFound

P = ParamSpec("P")
ActorView = Callable[Concatenate[HttpRequest, Actor, P], HttpResponse]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def request_actor(request: HttpRequest) -> Actor:
    """The signed-in user as an Actor; anonymous users never get this far (login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return Actor.of(user)


def actor_view(view: ActorView[P]) -> View[P]:
    """login_required + the Actor as the second argument + NotFound → 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, request_actor(request), *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return login_required(wrapper)


def desk_view(view: ActorView[P]) -> View[P]:
    """Service-desk pages (registry and linkage management): every other role gets 404, not 403,
    so the page's existence is not advertised (STYLE.md §6.4)."""

    @wraps(view)
    def wrapper(request: HttpRequest, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not actor.can_manage_registry:
            raise Http404
        return view(request, actor, *args, **kwargs)

    return actor_view(wrapper)


def staff_view(view: ActorView[P]) -> View[P]:
    """Registry lists for government staff only: enterprise users and the three administrators
    (who hold no business data, MC-1) get 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not actor.is_staff_role:
            raise Http404
        return view(request, actor, *args, **kwargs)

    return actor_view(wrapper)


def business_view(view: ActorView[P]) -> View[P]:
    """Pages over business data: the three administrators get 404 (MC-1); scope does the rest."""

    @wraps(view)
    def wrapper(request: HttpRequest, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if actor.is_admin:
            raise Http404
        return view(request, actor, *args, **kwargs)

    return actor_view(wrapper)


def role_view(allowed: Callable[[Actor], bool]) -> Callable[[ActorView[P]], View[P]]:
    """A page for the people `allowed` admits (e.g. `lambda a: a.is_department`); everyone else gets
    404, like `desk_view` (the page is not advertised, STYLE.md §6.4)."""

    def decorate(view: ActorView[P]) -> View[P]:
        @wraps(view)
        def wrapper(request: HttpRequest, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not allowed(actor):
                raise Http404
            return view(request, actor, *args, **kwargs)

        return actor_view(wrapper)

    return decorate
