import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from qifu.core import context


class RequestIdMiddleware:
    """Gives every request an id (logged, audited and echoed as X-Request-ID) and its client IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = secrets.token_hex(8)
        # Only the direct peer is trusted; a reverse proxy in front must set REMOTE_ADDR (e.g. via
        # its own PROXY protocol support), never a client-controlled X-Forwarded-For.
        ip = request.META.get("REMOTE_ADDR", "")
        token = context.bind(request_id=request_id, ip=ip)
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.setdefault("Cache-Control", "no-store")
        return response
