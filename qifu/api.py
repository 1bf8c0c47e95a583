"""The /api/v1/ API: one NinjaAPI, a router per app, errors as {"code", "detail"}."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from qifu.access.actor import Actor
from qifu.accounts.middleware import password_expired
from qifu.accounts.services import token_authenticate
from qifu.core.errors import QifuError
from qifu.core.renderers import ORJSONRenderer


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        user = token_authenticate(token)
        if user is None:
            return None
        if password_expired(user):
            raise QifuError("password expired: change it before using the API", code="password_expired", data={})
        actor = Actor.of(user)
        request.user = user
        return actor


def _token_user(request: HttpRequest) -> Any:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = token_authenticate(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    return user if user is not None and not password_expired(user) else None


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """IP-5: /docs and /openapi.json need a signed-in session or a bearer token (assets are local, no CDN)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if (user.is_authenticated and not password_expired(user)) or _token_user(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            body = {"code": "not_authenticated", "detail": "sign in or send a bearer token"}
            return JsonResponse(body, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped


api = NinjaAPI(
    title="Qifu API",
    version="1",
    description="企服 — enterprise liaison service platform. Token auth: `Authorization: Bearer <token>` "
    '(create one with `qifu token create USERNAME`). Errors answer `{"code", "detail"}`; objects '
    "outside the caller's scope answer 404.",
    auth=BearerToken(),
    renderer=ORJSONRenderer(),
    urls_namespace="api",
    docs_decorator=docs_access,
)


@api.exception_handler(QifuError)
def on_qifu_error(request: HttpRequest, exc: QifuError) -> HttpResponse:
    status = 403 if exc.code == "password_expired" else exc.http_status
    return api.create_response(request, {"code": exc.code, "detail": exc.message, **exc.data}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"code": "invalid", "detail": "request did not validate", "errors": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "not_authenticated", "detail": "a valid bearer token is required"}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {404: "not_found", 403: "permission_denied", 409: "conflict"}.get(exc.status_code, "invalid")
    return api.create_response(request, {"code": code, "detail": str(exc)}, status=exc.status_code)


def actor_of(request: HttpRequest) -> Actor:
    """The Actor the bearer-token auth resolved for this request."""
    auth: Any = getattr(request, "auth", None)
    if not isinstance(auth, Actor):  # an operation declared auth=None has no actor
        raise AuthenticationError()
    return auth


def _mount() -> None:
    """Mount every app's router. Imported here, after `api` exists: the routers import `actor_of`."""
    from importlib import import_module

    # No trailing slash: "" in a router is then /api/v1/enterprises itself (PRODUCT.md §3), not .../enterprises/.
    for prefix, module in (
        ("/enterprises", "qifu.enterprises.api"),
        ("/projects", "qifu.projects.api"),
        ("/linkages", "qifu.linkage.api"),
        ("/staff", "qifu.people.api"),
        ("/departments", "qifu.reference.api"),
        ("/metrics", "qifu.assessment.api"),
        ("/cases", "qifu.cases.api"),
        ("/notifications", "qifu.notify.api"),
        ("/visits", "qifu.visits.api"),
        ("/safety", "qifu.safety.api"),
        ("/suggestions", "qifu.suggestions.api"),
        ("/meetings", "qifu.meetings.api"),
        ("/events", "qifu.meetings.api_events"),
        ("", "qifu.indicators.api"),  # /enterprises/{uscc}/indicators, /indicators, /projects/{code}/investment
        ("", "qifu.policies.api"),  # /policies… and /enterprises/{uscc}/policies (full paths)
        ("", "qifu.servicelists.api"),  # /lists… and /enterprises/{uscc}/lists (full paths)
        ("/alerts", "qifu.alerts.api"),
        ("/triage", "qifu.triage.api"),
        ("", "qifu.knowledge.api"),  # /knowledge… and /cases/{id}/knowledge (full paths)
        ("/cockpit", "qifu.cockpit.api"),
        ("/search", "qifu.search.api"),
        ("", "qifu.commons.api"),  # /cases/similar, /cases/{id}/merge, /commons/… (full paths)
    ):
        api.add_router(prefix, import_module(module).router)


_mount()
