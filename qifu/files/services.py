"""Attachment writes (IP-6; AU-1 "upload of attachments"). Any app that takes a file calls here.

`file_store` does not decide WHO may attach a file to WHAT: the calling app's service checks the
actor's right first (e.g. the cases app, for a case of this enterprise), then calls `file_store`.

Rejections (wrong type, too large, empty, infected) are audited with outcome "failure" (AU-1:
every rejected security input). The record is written in the caller's transaction: call
`file_store` before opening your own transaction, or outside it, if the rejection record must
survive your rollback.
"""

from typing import IO, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.audit.models import Outcome
from qifu.audit.services import audit_record
from qifu.core.errors import RuleViolation
from qifu.files.errors import FileErrorCode, FileTooLarge
from qifu.files.models import StoredFile
from qifu.files.names import sanitize_filename, split_extension
from qifu.files.scanning import get_scanner
from qifu.files.sniffing import EXTENSIONS, MIME_TYPES, FileKind, Reason, Rejected, sniff
from qifu.files.storage import (
    TooLarge,
    new_storage_name,
    remove_quietly,
    storage_path,
    track_until_commit,
    write_chunks,
)

MIB = 1024 * 1024


def upload_max_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB) * MIB


def _too_large() -> FileTooLarge:
    mb = int(settings.UPLOAD_MAX_MB)
    message = _("文件过大：单个附件不能超过 %(mb)d MB。") % {"mb": mb}
    return FileTooLarge(message, code=FileErrorCode.TOO_LARGE, data={"max_mb": mb})


def _not_allowed(*, extension: str, detected: str, reason: str) -> RuleViolation:
    if reason == Reason.MACROS:
        message = _("含有宏的 Office 文档不能上传，请另存为不含宏的格式（如 .docx、.xlsx）后再上传。")
    elif reason == "extension_mismatch":
        message = _("文件内容与扩展名 .%(ext)s 不符，已拒绝。") % {"ext": extension}
    else:
        message = _(
            "不支持该文件类型。可上传图片（JPG、PNG、GIF、WEBP、BMP）、PDF 和 Office 文档（Word、Excel、PowerPoint）。"
        )
    return RuleViolation(
        message,
        code=FileErrorCode.TYPE_NOT_ALLOWED,
        data={"reason": str(reason), "extension": extension, "detected": detected},
    )


def _check(upload: UploadedFile, name: str) -> FileKind:
    """Size, then type from the content and the extension, then the scanner."""
    size = upload.size or 0
    if size <= 0:
        raise RuleViolation(_("文件为空，请重新选择文件。"), code=FileErrorCode.EMPTY)
    if size > upload_max_bytes():
        raise _too_large()
    extension = split_extension(name)[1].lower()
    stream = cast(IO[bytes], upload)
    try:
        kind = sniff(stream, size=size)
    except Rejected as exc:
        raise _not_allowed(extension=extension, detected=exc.detected, reason=exc.reason) from exc
    if EXTENSIONS.get(extension) is not kind:
        reason = "extension_mismatch" if extension in EXTENSIONS else Reason.UNKNOWN
        raise _not_allowed(extension=extension, detected=MIME_TYPES[kind], reason=reason)
    upload.seek(0)
    result = get_scanner().scan(stream)
    upload.seek(0)
    if not result.clean:
        raise RuleViolation(
            _("文件未通过病毒扫描，已拒绝。"), code=FileErrorCode.INFECTED, data={"signature": result.signature}
        )
    return kind


def file_store(*, actor: Actor, upload: UploadedFile, enterprise_id: int) -> StoredFile:
    """IP-6: a checked attachment (allow-listed type by content and extension, size, AV scan),
    stored under a random name with mode 0600; audited `file_upload` in the same transaction."""
    name = sanitize_filename(upload.name or "")
    try:
        kind = _check(upload, name)
    except RuleViolation as exc:
        audit_record(
            actor=actor,
            action="file_upload",
            object_type="stored_file",
            outcome=Outcome.FAILURE,
            changes={"code": exc.code, "name": name, "size": upload.size, "enterprise_id": enterprise_id},
        )
        raise
    storage_name = new_storage_name()
    path = storage_path(storage_name)
    try:
        with transaction.atomic():
            written = write_chunks(path, upload.chunks(), max_bytes=upload_max_bytes())
            stored = StoredFile(
                enterprise_id=enterprise_id,
                name=name,
                content_type=MIME_TYPES[kind],
                extension=split_extension(name)[1].lower(),
                size=written.size,
                digest=written.digest,
                storage_name=storage_name,
                uploaded_by=actor.user,
            )
            try:
                stored.full_clean()
            except ValidationError as exc:
                raise RuleViolation(
                    _("附件信息无效。"), code=FileErrorCode.INVALID, data={"fields": exc.message_dict}
                ) from exc
            stored.save(force_insert=True)
            audit_record(
                actor=actor,
                action="file_upload",
                object_type="stored_file",
                object_id=stored.pk,
                changes={
                    "name": name,
                    "size": written.size,
                    "digest": written.digest,
                    "content_type": stored.content_type,
                    "enterprise_id": enterprise_id,
                },
            )
    except TooLarge as exc:
        raise _too_large() from exc
    except BaseException:
        remove_quietly(path)
        raise
    track_until_commit(path)
    return stored
