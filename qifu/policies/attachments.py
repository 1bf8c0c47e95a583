"""Policy attachments (原文 PDF, 申报指南, 申报表): checked by content like every upload (IP-6), stored
under a random name in FILES_DIR with mode 0600, served as a download to anyone who may read the
policy.

Policies belong to no enterprise, so these rows are `PolicyAttachment`, not `files.StoredFile`; the
checks and the storage are the files app's own pieces (sniffing by content, the extension must agree,
the virus scanner, random names, SM3 digest), with a narrower allow-list: PDF, Word (.docx), Excel
(.xlsx) and images. Rejections are audited with outcome "failure" (AU-1), like `file_store`.
"""

from typing import IO, BinaryIO, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _

from qifu.access.actor import Actor
from qifu.audit.models import Outcome
from qifu.audit.services import audit_record
from qifu.core.errors import NotFound, PermissionDenied, RuleViolation
from qifu.files.errors import FileErrorCode
from qifu.files.names import sanitize_filename, split_extension
from qifu.files.scanning import get_scanner
from qifu.files.services import upload_max_bytes
from qifu.files.sniffing import EXTENSIONS, MIME_TYPES, FileKind, Reason, Rejected, sniff
from qifu.files.storage import (
    TooLarge,
    new_storage_name,
    remove_quietly,
    storage_path,
    track_until_commit,
    write_chunks,
)
from qifu.files.web import attachment_response, open_stored
from qifu.policies.errors import PolicyErrorCode
from qifu.policies.models import Policy, PolicyAttachment
from qifu.policies.services import may_edit

ALLOWED = frozenset(
    {FileKind.PDF, FileKind.DOCX, FileKind.XLSX, FileKind.JPEG, FileKind.PNG, FileKind.GIF, FileKind.WEBP, FileKind.BMP}
)
ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png,.gif,.webp,.bmp"
MAX_PER_POLICY = 20


def _refuse(code: str, message: str, **data: object) -> RuleViolation:
    return RuleViolation(message, code=code, data={"field": "file", **data})


def _check(upload: UploadedFile, name: str) -> FileKind:
    """Size, then the kind from the content, the extension that must agree, then the scanner."""
    size = upload.size or 0
    if size <= 0:
        raise _refuse(FileErrorCode.EMPTY, _("文件为空，请重新选择文件。"))
    if size > upload_max_bytes():
        mb = upload_max_bytes() // (1024 * 1024)
        raise _refuse(FileErrorCode.TOO_LARGE, _("文件过大：单个附件不能超过 %(mb)d MB。") % {"mb": mb})
    extension = split_extension(name)[1].lower()
    stream = cast(IO[bytes], upload)
    not_allowed = _("政策附件只能是 PDF、Word（.docx）、Excel（.xlsx）或图片（JPG、PNG、GIF、WEBP、BMP）。")
    try:
        kind = sniff(stream, size=size)
    except Rejected as exc:
        if exc.reason == Reason.MACROS:
            message = _("含有宏的 Office 文档不能上传，请另存为不含宏的格式（如 .docx、.xlsx）后再上传。")
        else:
            message = not_allowed
        raise _refuse(FileErrorCode.TYPE_NOT_ALLOWED, message, reason=str(exc.reason), detected=exc.detected) from exc
    if kind not in ALLOWED:
        raise _refuse(FileErrorCode.TYPE_NOT_ALLOWED, not_allowed, detected=MIME_TYPES[kind])
    if EXTENSIONS.get(extension) is not kind:
        raise _refuse(
            FileErrorCode.TYPE_NOT_ALLOWED,
            _("文件内容与扩展名 .%(ext)s 不符，已拒绝。") % {"ext": extension},
            reason="extension_mismatch",
            detected=MIME_TYPES[kind],
        )
    upload.seek(0)
    result = get_scanner().scan(stream)
    upload.seek(0)
    if not result.clean:
        raise _refuse(FileErrorCode.INFECTED, _("文件未通过病毒扫描，已拒绝。"), signature=result.signature)
    return kind


def policy_attachment_add(*, actor: Actor, policy: Policy, upload: UploadedFile) -> PolicyAttachment:
    """Attach a checked file to POLICY (the desk and the issuing department only); audited
    `policy_attachment_add`, a refused file audited as a failure."""
    if not may_edit(actor, policy.department_id):
        raise PermissionDenied(_("只有服务专班和发布部门可以上传政策附件。"), code=PolicyErrorCode.EDIT_FORBIDDEN)
    name = sanitize_filename(upload.name or "")
    try:
        if policy.attachments.count() >= MAX_PER_POLICY:
            raise _refuse("too_many_attachments", _("每条政策最多%(n)s个附件。") % {"n": MAX_PER_POLICY})
        kind = _check(upload, name)
    except RuleViolation as exc:
        audit_record(
            actor=actor,
            action="policy_attachment_add",
            object_type="policy",
            object_id=policy.code,
            outcome=Outcome.FAILURE,
            changes={"code": exc.code, "name": name, "size": upload.size},
        )
        raise
    storage_name = new_storage_name()
    path = storage_path(storage_name)
    try:
        with transaction.atomic():
            written = write_chunks(path, upload.chunks(), max_bytes=upload_max_bytes())
            attachment = PolicyAttachment(
                policy=policy,
                name=name,
                content_type=MIME_TYPES[kind],
                size=written.size,
                digest=written.digest,
                storage_name=storage_name,
                uploaded_by=actor.user,
            )
            attachment.full_clean()
            attachment.save(force_insert=True)
            audit_record(
                actor=actor,
                action="policy_attachment_add",
                object_type="policy",
                object_id=policy.code,
                changes={"attachment": attachment.pk, "name": name, "size": written.size, "digest": written.digest},
            )
    except TooLarge as exc:
        mb = upload_max_bytes() // (1024 * 1024)
        raise _refuse(FileErrorCode.TOO_LARGE, _("文件过大：单个附件不能超过 %(mb)d MB。") % {"mb": mb}) from exc
    except BaseException:
        remove_quietly(path)
        raise
    track_until_commit(path)
    return attachment


def policy_attachments(policy: Policy) -> list[PolicyAttachment]:
    return list(policy.attachments.order_by("created_at", "id"))


def policy_attachment_get(*, policy: Policy, attachment_id: int) -> PolicyAttachment:
    """An attachment of POLICY (which the caller fetched through `policy_get`, i.e. may read)."""
    attachment = policy.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("attachment not found")
    return attachment


def _open(attachment: PolicyAttachment) -> BinaryIO:
    return open_stored(attachment.storage_name, f"policy attachment {attachment.pk}")


def policy_attachment_response(*, actor: Actor, policy: Policy, attachment: PolicyAttachment) -> FileResponse:
    """The download (Content-Disposition: attachment, the sniffed type, nosniff, a sandbox CSP);
    audited `policy_attachment_download`."""
    handle = _open(attachment)
    try:
        audit_record(
            actor=actor,
            action="policy_attachment_download",
            object_type="policy",
            object_id=policy.code,
            changes={"attachment": attachment.pk, "name": attachment.name},
        )
    except BaseException:
        handle.close()
        raise
    return attachment_response(handle, name=attachment.name, content_type=attachment.content_type)
