"""Serving attachments (IP-6 c; AU-1 "download of attachments").

PERMISSION IS THE CALLER'S JOB. These helpers trust the `StoredFile` they are given: the calling
app fetches it through its own scoped selector (e.g. the cases app loads the case with
`case_get(actor=…)`, which answers NotFound for a case the actor may not see, then takes the
attachment from that case) and only then calls `file_response`. Never look a StoredFile up by a
user-supplied id and pass it here directly.

The response is always a download: `Content-Disposition: attachment` with an RFC 6266/5987 UTF-8
filename, the content type sniffed at upload (never the browser's), `nosniff`, a sandboxing CSP
(an HTML or SVG smuggled past the checks still cannot run script on our origin) and `no-store`.
"""

import re
from typing import BinaryIO
from urllib.parse import quote

from django.http import FileResponse

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.files.models import STORAGE_NAME_PATTERN, StoredFile
from qifu.files.storage import files_dir, storage_path

_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9 !#$&+,.;=@^_`{}~()\[\]-]")


def file_open(stored: StoredFile) -> BinaryIO:
    """The stored bytes, opened for reading."""
    return open_stored(stored.storage_name, f"stored file {stored.pk}")


def open_stored(storage_name: str, what: str) -> BinaryIO:
    """Bytes stored under STORAGE_NAME (a stored file, a policy attachment), opened for reading.
    The name is re-checked so a tampered row cannot point outside the files directory."""
    if not re.fullmatch(STORAGE_NAME_PATTERN, storage_name):
        raise ValueError(f"invalid storage name for {what}")
    path = storage_path(storage_name).resolve()
    if not path.is_relative_to(files_dir().resolve()):
        raise ValueError(f"{what} resolves outside the files directory")
    return path.open("rb")


def content_disposition(name: str) -> str:
    """`attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266 §4.3)."""
    fallback = _ASCII_UNSAFE.sub("_", name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(*, actor: Actor, stored: StoredFile) -> FileResponse:
    """Send an attachment the caller has already authorised; audited `file_download`."""
    handle = file_open(stored)
    try:
        audit_record(
            actor=actor,
            action="file_download",
            object_type="stored_file",
            object_id=stored.pk,
            changes={"name": stored.name, "size": stored.size, "enterprise_id": stored.enterprise_id},
        )
    except BaseException:
        handle.close()
        raise
    return attachment_response(handle, name=stored.name, content_type=stored.content_type)


def attachment_response(handle: BinaryIO, *, name: str, content_type: str) -> FileResponse:
    """A download that is never rendered here: Content-Disposition attachment, the sniffed type,
    nosniff, a sandbox CSP, not cached."""
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "no-store"
    return response
