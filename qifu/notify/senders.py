"""External channels behind one interface (PRODUCT.md §2.3): e-mail, an SMS gateway, the WeCom group robot.

Each sender either returns (the message was accepted) or raises `SendError`; the flush counts the
attempt and retries. HTTP senders use the standard library with short timeouts: no extra dependency,
and a slow gateway cannot hold a worker (or, on SQLite, the write lock) for long.
"""

import json
import logging
import smtplib
import urllib.error
import urllib.request
from typing import Any, Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail

from qifu.notify.models import Channel

logger = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 64 * 1024
WECOM_MAX_CONTENT_BYTES = 2048  # the group robot's limit for a text message


class SendError(Exception):
    """The channel did not accept the message; the message says why (kept on the delivery row)."""


class Sender(Protocol):
    """One external channel. `send` delivers one message to one address or raises `SendError`.

    `address` is channel-specific: an e-mail address, a mobile number (SMS), or the mobile number
    to mention in the zone's WeCom group. `subject` is the headline; `text` the body.
    """

    def send(self, *, address: str, subject: str, text: str) -> None: ...


class EmailSender:
    """Through Django's configured mail backend (SMTP in production, locmem in tests)."""

    def send(self, *, address: str, subject: str, text: str) -> None:
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"email: {exc}") from exc


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A gateway that redirects is misconfigured: urllib would replay the POST as a bodiless GET."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def post_json(url: str, payload: dict[str, Any], *, token: str | None = None) -> tuple[int, bytes]:
    """POST `payload` as UTF-8 JSON; (status, body) for a 2xx answer, `SendError` for anything else."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise SendError(f"not an http(s) URL: {url!r}")
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
            return int(response.status), response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:  # refused, DNS, TLS, timeout
        raise SendError(f"unreachable: {getattr(exc, 'reason', exc)}") from exc


class SmsSender:
    """A generic HTTP SMS gateway: POST {"phone", "text"} to QIFU_SMS_URL, optional bearer QIFU_SMS_TOKEN.
    Any 2xx answer means accepted."""

    def send(self, *, address: str, subject: str, text: str) -> None:
        url = settings.SMS_URL
        if not url:
            raise SendError("QIFU_SMS_URL is not set")
        body = f"{subject}\n{text}" if text else subject
        post_json(url, {"phone": address, "text": body}, token=settings.SMS_TOKEN)


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[: limit - 3].decode(errors="ignore") + "…"


class WeComSender:
    """企业微信 group robot (one group per zone, QIFU_WECOM_WEBHOOK). The address is the recipient's
    mobile number, mentioned in the group so that their phone rings. Success is `{"errcode": 0}`:
    the robot answers HTTP 200 with a non-zero errcode when it refuses a message."""

    def send(self, *, address: str, subject: str, text: str) -> None:
        url = settings.WECOM_WEBHOOK
        if not url:
            raise SendError("QIFU_WECOM_WEBHOOK is not set")
        content = _truncate_utf8(f"{subject}\n{text}" if text else subject, WECOM_MAX_CONTENT_BYTES)
        message: dict[str, Any] = {"content": content}
        if address:
            message["mentioned_mobile_list"] = [address]
        _, raw = post_json(url, {"msgtype": "text", "text": message})
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            raise SendError("wecom: the answer is not JSON") from exc
        if not isinstance(answer, dict) or answer.get("errcode") != 0:
            errcode = answer.get("errcode") if isinstance(answer, dict) else None
            errmsg = answer.get("errmsg", "") if isinstance(answer, dict) else ""
            raise SendError(f"wecom errcode {errcode}: {errmsg}"[:200])


SENDERS: dict[str, type[Sender]] = {
    Channel.EMAIL: EmailSender,
    Channel.SMS: SmsSender,
    Channel.WECOM: WeComSender,
}


def sender_for(channel: str) -> Sender:
    """The sender of a channel code (`email`, `sms`, `wecom`)."""
    return SENDERS[channel]()
