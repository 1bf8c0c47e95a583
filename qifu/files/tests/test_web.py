from pathlib import Path
from urllib.parse import quote

import pytest

from qifu.audit.models import AuditEntry
from qifu.conftest import Cast
from qifu.files.models import StoredFile
from qifu.files.services import file_store
from qifu.files.tests import samples
from qifu.files.web import file_open, file_response


def _stored(cast: Cast, name: str = "申请表\u202e.pdf") -> StoredFile:
    return file_store(
        actor=cast.actor(cast.desk), upload=samples.upload(name, samples.pdf_bytes()), enterprise_id=cast.a.pk
    )


def test_the_download_is_a_sandboxed_attachment_with_a_utf8_name(cast: Cast) -> None:
    # given
    stored = _stored(cast)
    # when
    response = file_response(actor=cast.actor(cast.ent_a), stored=stored)
    # then
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"___.pdf\"; filename*=UTF-8''{quote('申请表.pdf', safe='')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == samples.pdf_bytes()  # type: ignore[arg-type]
    response.close()


def test_the_download_is_audited(cast: Cast) -> None:
    # given
    stored = _stored(cast, "a.pdf")
    # when
    response = file_response(actor=cast.actor(cast.ent_a), stored=stored)
    # not response.close(): that sends request_finished, which closes the test's PostgreSQL connection
    assert response.file_to_stream is not None
    response.file_to_stream.close()
    # then
    entry = AuditEntry.objects.filter(action="file_download").get()
    assert (entry.actor_id, entry.object_id) == (cast.ent_a.pk, str(stored.pk))


def test_the_ascii_fallback_keeps_safe_names_as_they_are(cast: Cast) -> None:
    stored = _stored(cast, "report-2026 (final).pdf")
    response = file_response(actor=cast.actor(cast.desk), stored=stored)
    assert response.file_to_stream is not None
    response.file_to_stream.close()
    assert response["Content-Disposition"].startswith('attachment; filename="report-2026 (final).pdf"; ')


@pytest.mark.parametrize(
    "bad", [pytest.param("../../etc/passwd", id="traversal_case"), pytest.param("ab", id="short_case")]
)
def test_a_tampered_storage_name_is_never_opened_case(cast: Cast, bad: str) -> None:
    stored = _stored(cast, "a.pdf")
    stored.storage_name = bad
    with pytest.raises(ValueError):
        file_open(stored)


def test_file_open_reads_the_stored_bytes(cast: Cast, files_dir: Path) -> None:
    stored = _stored(cast, "a.pdf")
    with file_open(stored) as handle:
        assert handle.read() == (files_dir / stored.storage_name).read_bytes()
