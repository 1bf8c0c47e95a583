import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction

from qifu.audit.models import AuditEntry, Outcome
from qifu.conftest import Cast
from qifu.core.crypto import sm3_hex
from qifu.core.errors import RuleViolation
from qifu.files.errors import FileErrorCode
from qifu.files.models import STORAGE_NAME_PATTERN, StoredFile
from qifu.files.services import file_store
from qifu.files.storage import pending_files_scope
from qifu.files.tests import samples
from qifu.files.tests.conftest import stored_paths

MB = 1024 * 1024


def _store(cast: Cast, name: str, data: bytes) -> StoredFile:
    return file_store(actor=cast.actor(cast.desk), upload=samples.upload(name, data), enterprise_id=cast.a.pk)


def _audits(action: str, outcome: str = Outcome.SUCCESS) -> int:
    return AuditEntry.objects.filter(action=action, outcome=outcome).count()


@pytest.mark.parametrize(
    ("name", "build", "content_type"),
    [
        pytest.param("申请材料.pdf", samples.pdf_bytes, "application/pdf", id="pdf_case"),
        pytest.param("现场照片.PNG", samples.png_bytes, "image/png", id="png_upper_extension_case"),
        pytest.param("photo.jpg", samples.jpeg_bytes, "image/jpeg", id="jpg_case"),
        pytest.param("a.gif", samples.gif_bytes, "image/gif", id="gif_case"),
        pytest.param("a.webp", samples.webp_bytes, "image/webp", id="webp_case"),
        pytest.param("a.bmp", samples.bmp_bytes, "image/bmp", id="bmp_case"),
        pytest.param(
            "说明.docx",
            samples.docx_bytes,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            id="docx_case",
        ),
        pytest.param(
            "报表.xlsx",
            samples.xlsx_bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            id="xlsx_case",
        ),
        pytest.param(
            "汇报.pptx",
            samples.pptx_bytes,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            id="pptx_case",
        ),
        pytest.param("旧版.doc", lambda: samples.ole_bytes("WordDocument"), "application/msword", id="doc_case"),
        pytest.param("旧版.xls", lambda: samples.ole_bytes("Workbook"), "application/vnd.ms-excel", id="xls_case"),
        pytest.param(
            "旧版.ppt", lambda: samples.ole_bytes("PowerPoint Document"), "application/vnd.ms-powerpoint", id="ppt_case"
        ),
    ],
)
def test_allowed_files_are_stored_case(
    cast: Cast, files_dir: Path, name: str, build: Callable[[], bytes], content_type: str
) -> None:
    # given
    data = build()
    # when
    stored = _store(cast, name, data)
    # then
    stored.refresh_from_db()
    assert (stored.name, stored.content_type, stored.size) == (name, content_type, len(data))
    assert stored.extension == name.rsplit(".", 1)[1].lower()
    assert stored.digest == sm3_hex(data)
    assert stored.enterprise_id == cast.a.pk and stored.uploaded_by_id == cast.desk.pk
    assert (files_dir / stored.storage_name).read_bytes() == data


def test_files_are_stored_under_random_names_outside_static_with_mode_0600(cast: Cast, files_dir: Path) -> None:
    # given
    data = samples.pdf_bytes()
    # when
    first, second = _store(cast, "同名.pdf", data), _store(cast, "同名.pdf", data)
    # then
    assert first.storage_name != second.storage_name
    for stored in (first, second):
        path = files_dir / stored.storage_name
        assert re.fullmatch(STORAGE_NAME_PATTERN, stored.storage_name)
        assert "同名" not in str(path) and not str(path).endswith(".pdf")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        for public in (settings.STATIC_ROOT, settings.MEDIA_ROOT, *settings.STATICFILES_DIRS):
            assert not path.resolve().is_relative_to(Path(public).resolve())


def test_the_upload_is_audited_in_the_same_transaction(cast: Cast) -> None:
    # given
    before = _audits("file_upload")
    # when
    stored = _store(cast, "a.pdf", samples.pdf_bytes())
    # then
    entry = AuditEntry.objects.filter(action="file_upload").order_by("-id").first()
    assert _audits("file_upload") == before + 1
    assert entry is not None and entry.object_id == str(stored.pk) and entry.actor_id == cast.desk.pk
    assert entry.changes["digest"] == stored.digest and entry.changes["name"] == "a.pdf"


def test_the_stored_name_is_sanitised(cast: Cast) -> None:
    stored = _store(cast, "../../x\u202e\r\n申请.pdf", samples.pdf_bytes())
    assert stored.name == "x申请.pdf"


@pytest.mark.parametrize(
    ("name", "build", "code"),
    [
        pytest.param("invoice.pdf", samples.exe_bytes, FileErrorCode.TYPE_NOT_ALLOWED, id="exe_renamed_pdf_case"),
        pytest.param("setup.exe", samples.exe_bytes, FileErrorCode.TYPE_NOT_ALLOWED, id="exe_case"),
        pytest.param("a.docx", samples.zip_bytes, FileErrorCode.TYPE_NOT_ALLOWED, id="zip_renamed_docx_case"),
        pytest.param("a.xlsm", samples.xlsm_bytes, FileErrorCode.TYPE_NOT_ALLOWED, id="xlsm_case"),
        pytest.param("a.xlsx", samples.xlsm_bytes, FileErrorCode.TYPE_NOT_ALLOWED, id="xlsm_renamed_xlsx_case"),
        pytest.param("a.png", samples.pdf_bytes, FileErrorCode.TYPE_NOT_ALLOWED, id="pdf_renamed_png_case"),
        pytest.param("a.xlsx", samples.docx_bytes, FileErrorCode.TYPE_NOT_ALLOWED, id="docx_renamed_xlsx_case"),
        pytest.param("a.doc", samples.docx_bytes, FileErrorCode.TYPE_NOT_ALLOWED, id="docx_renamed_doc_case"),
        pytest.param("a.txt", lambda: b"plain text", FileErrorCode.TYPE_NOT_ALLOWED, id="text_case"),
        pytest.param("noextension", samples.pdf_bytes, FileErrorCode.TYPE_NOT_ALLOWED, id="no_extension_case"),
        pytest.param("a.pdf.exe", samples.pdf_bytes, FileErrorCode.TYPE_NOT_ALLOWED, id="double_extension_case"),
        pytest.param("a.pdf", lambda: b"", FileErrorCode.EMPTY, id="empty_case"),
        pytest.param("a.pdf", lambda: b"\0" * (25 * MB), FileErrorCode.TOO_LARGE, id="25_mb_case"),
        pytest.param("a.pdf", lambda: samples.pdf_bytes(samples.EICAR), FileErrorCode.INFECTED, id="eicar_case"),
    ],
)
def test_rejected_uploads_store_nothing_and_are_audited_case(
    cast: Cast, files_dir: Path, name: str, build: Callable[[], bytes], code: str
) -> None:
    # given
    upload = samples.upload(name, build())
    rows, failures, successes = (
        StoredFile.objects.count(),
        _audits("file_upload", Outcome.FAILURE),
        _audits("file_upload"),
    )
    # when
    with pytest.raises(RuleViolation) as caught:
        file_store(actor=cast.actor(cast.desk), upload=upload, enterprise_id=cast.a.pk)
    # then
    assert caught.value.code == code
    assert StoredFile.objects.count() == rows
    assert stored_paths(files_dir) == []
    assert _audits("file_upload") == successes
    assert _audits("file_upload", Outcome.FAILURE) == failures + 1


def test_too_large_answers_413_and_follows_the_setting(cast: Cast, settings: Any) -> None:
    # given
    settings.UPLOAD_MAX_MB = 1
    data = samples.pdf_bytes(b"x" * MB)
    # when
    with pytest.raises(RuleViolation) as caught:
        _store(cast, "a.pdf", data)
    # then
    assert (caught.value.code, caught.value.http_status, caught.value.data["max_mb"]) == ("file_too_large", 413, 1)


def test_a_mismatch_reports_what_the_content_is(cast: Cast) -> None:
    with pytest.raises(RuleViolation) as caught:
        _store(cast, "scan.png", samples.pdf_bytes())
    assert caught.value.data == {"reason": "extension_mismatch", "extension": "png", "detected": "application/pdf"}


def test_an_unknown_enterprise_is_invalid_and_leaves_no_file(cast: Cast, files_dir: Path) -> None:
    with pytest.raises(RuleViolation) as caught:
        file_store(actor=cast.actor(cast.desk), upload=samples.upload("a.pdf", samples.pdf_bytes()), enterprise_id=0)
    assert caught.value.code == FileErrorCode.INVALID
    assert stored_paths(files_dir) == []


def test_a_failure_inside_the_store_rolls_back_and_leaves_no_orphan(
    cast: Cast, files_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the audit insert fails (AU-4: fail closed)
    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr("qifu.files.services.audit_record", broken_audit)
    # when
    with pytest.raises(RuntimeError):
        _store(cast, "a.pdf", samples.pdf_bytes())
    # then
    assert StoredFile.objects.count() == 0
    assert stored_paths(files_dir) == []


def test_a_rolled_back_caller_transaction_leaves_no_orphan(cast: Cast, files_dir: Path) -> None:
    # given a caller (e.g. a cases service) that stores a file, then fails
    # when
    with pending_files_scope(), pytest.raises(RuntimeError), transaction.atomic():
        _store(cast, "a.pdf", samples.pdf_bytes())
        assert len(stored_paths(files_dir)) == 1
        raise RuntimeError("the case could not be updated")
    # then
    assert StoredFile.objects.count() == 0
    assert stored_paths(files_dir) == []


def test_a_committed_store_keeps_its_file_when_the_scope_ends(
    cast: Cast, files_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    # when
    with pending_files_scope(), django_capture_on_commit_callbacks(execute=True):
        stored = _store(cast, "a.pdf", samples.pdf_bytes())
    # then
    assert stored_paths(files_dir) == [files_dir / stored.storage_name]


def test_the_scanner_is_configurable(cast: Cast, settings: Any) -> None:
    # given
    settings.FILES_SCANNER = "qifu.files.scanning.NoScanner"
    # when
    stored = _store(cast, "a.pdf", samples.pdf_bytes(samples.EICAR))
    # then
    assert stored.pk is not None
