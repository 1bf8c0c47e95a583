import io

import pytest

from qifu.files.scanning import CHUNK_BYTES, EicarScanner, NoScanner
from qifu.files.tests.samples import EICAR


@pytest.mark.parametrize(
    "offset",
    [
        pytest.param(0, id="start_case"),
        pytest.param(CHUNK_BYTES - 10, id="across_chunks_case"),
        pytest.param(3 * CHUNK_BYTES, id="late_case"),
    ],
)
def test_the_test_scanner_finds_eicar_anywhere_case(offset: int) -> None:
    stream = io.BytesIO(b"a" * offset + EICAR + b"b" * 100)
    result = EicarScanner().scan(stream)
    assert (result.clean, result.signature) == (False, "EICAR-Test-File")


def test_clean_content_is_clean() -> None:
    assert EicarScanner().scan(io.BytesIO(b"a" * (2 * CHUNK_BYTES) + EICAR[:-1])).clean
    assert NoScanner().scan(io.BytesIO(EICAR)).clean
