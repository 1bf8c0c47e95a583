import io
from collections.abc import Callable

import pytest

from qifu.files.sniffing import FileKind, Reason, Rejected, sniff
from qifu.files.tests import samples


def _sniff(data: bytes) -> FileKind:
    return sniff(io.BytesIO(data), size=len(data))


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        pytest.param(samples.pdf_bytes, FileKind.PDF, id="pdf_case"),
        pytest.param(samples.png_bytes, FileKind.PNG, id="png_case"),
        pytest.param(samples.jpeg_bytes, FileKind.JPEG, id="jpeg_case"),
        pytest.param(samples.gif_bytes, FileKind.GIF, id="gif_case"),
        pytest.param(samples.webp_bytes, FileKind.WEBP, id="webp_case"),
        pytest.param(samples.bmp_bytes, FileKind.BMP, id="bmp_case"),
        pytest.param(samples.docx_bytes, FileKind.DOCX, id="docx_case"),
        pytest.param(samples.xlsx_bytes, FileKind.XLSX, id="xlsx_openpyxl_case"),
        pytest.param(samples.pptx_bytes, FileKind.PPTX, id="pptx_case"),
        pytest.param(lambda: samples.ole_bytes("WordDocument", "\x01CompObj"), FileKind.DOC, id="doc_case"),
        pytest.param(lambda: samples.ole_bytes("Workbook"), FileKind.XLS, id="xls_case"),
        pytest.param(lambda: samples.ole_bytes("PowerPoint Document"), FileKind.PPT, id="ppt_case"),
    ],
)
def test_allowed_kinds_are_recognised_from_content_case(build: Callable[[], bytes], kind: FileKind) -> None:
    assert _sniff(build()) is kind


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        pytest.param(samples.exe_bytes, Reason.UNKNOWN, id="exe_case"),
        pytest.param(samples.zip_bytes, Reason.NOT_OFFICE, id="plain_zip_case"),
        pytest.param(samples.xlsm_bytes, Reason.MACROS, id="xlsm_case"),
        pytest.param(lambda: samples.ooxml_bytes("docm"), Reason.MACROS, id="docm_case"),
        pytest.param(lambda: samples.ooxml_bytes("docx", vba=True), Reason.MACROS, id="docx_with_vba_part_case"),
        pytest.param(lambda: samples.ole_bytes("\x05SummaryInformation"), Reason.NOT_OFFICE, id="ole_msi_like_case"),
        pytest.param(lambda: samples.ole_bytes("WordDocument", storages=("Macros",)), Reason.MACROS, id="doc_vba_case"),
        pytest.param(lambda: samples.ole_bytes("WordDocument")[:700], Reason.NOT_OFFICE, id="truncated_ole_case"),
        pytest.param(lambda: b"BM this is not a bitmap at all", Reason.UNKNOWN, id="fake_bmp_case"),
        pytest.param(lambda: b"<html><script>alert(1)</script></html>", Reason.UNKNOWN, id="html_case"),
        pytest.param(lambda: b"PK\x03\x04 broken zip", Reason.NOT_OFFICE, id="broken_zip_case"),
    ],
)
def test_other_content_is_rejected_case(build: Callable[[], bytes], reason: Reason) -> None:
    with pytest.raises(Rejected) as caught:
        _sniff(build())
    assert caught.value.reason is reason


def test_sniffing_leaves_the_stream_at_the_start() -> None:
    stream = io.BytesIO(samples.docx_bytes())
    sniff(stream, size=len(stream.getvalue()))
    assert stream.tell() == 0
