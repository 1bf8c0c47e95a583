import pytest

from qifu.files.names import MAX_NAME_BYTES, sanitize_filename


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("报告.pdf", "报告.pdf", id="chinese_kept_case"),
        pytest.param("../../etc/passwd.pdf", "passwd.pdf", id="dot_dot_path_case"),
        pytest.param("..\\..\\windows\\x.docx", "x.docx", id="backslash_path_case"),
        pytest.param("/abs/path/申请表.xlsx", "申请表.xlsx", id="absolute_path_case"),
        pytest.param("a\r\nSet-Cookie: x.pdf", "aSet-Cookie_ x.pdf", id="crlf_case"),
        pytest.param("invoice\u202efdp.exe", "invoicefdp.exe", id="rtl_override_case"),
        pytest.param("x\u2066y\u2069\u200b.png", "xy.png", id="bidi_isolates_zero_width_case"),
        pytest.param("nul\x00byte.pdf", "nulbyte.pdf", id="nul_case"),
        pytest.param('a<b>c:"d"|e?f*.pdf', "a_b_c__d__e_f_.pdf", id="windows_reserved_case"),
        pytest.param("  .hidden.pdf. ", "hidden.pdf", id="dots_and_spaces_case"),
        pytest.param("../", "附件", id="nothing_left_case"),
        pytest.param(".pdf", "pdf", id="only_extension_case"),
        pytest.param("多个   空格\t名.docx", "多个 空格名.docx", id="spaces_collapsed_case"),
    ],
)
def test_sanitize_filename_case(raw: str, expected: str) -> None:
    assert sanitize_filename(raw) == expected


def test_long_names_are_cut_to_the_byte_budget_keeping_the_extension() -> None:
    # given
    raw = "企业服务" * 200 + ".xlsx"
    # when
    name = sanitize_filename(raw)
    # then
    assert name.endswith(".xlsx")
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert name.startswith("企业服务企业服务")
