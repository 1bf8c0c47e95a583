"""Request-scoped facts (request id, client IP) for the audit log and logs, via contextvars."""

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str = ""


_current: ContextVar[RequestContext] = ContextVar("qifu_request", default=RequestContext())


def bind(*, request_id: str, ip: str) -> Token[RequestContext]:
    return _current.set(RequestContext(request_id=request_id, ip=ip))


def reset(token: Token[RequestContext]) -> None:
    _current.reset(token)


def current() -> RequestContext:
    return _current.get()
