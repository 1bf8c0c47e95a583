"""Malware scanning behind one interface (IP-6 f).

`file_store` asks the scanner named by `settings.FILES_SCANNER` (a dotted path, env
`QIFU_FILES_SCANNER`) about every upload before anything is written. A scanner gets a seekable
binary stream positioned at 0 and answers a `ScanResult`; when it cannot scan (daemon down,
timeout) it raises, and the upload fails closed.

`EicarScanner` is the default: it knows one signature, the EICAR anti-virus test string, which is
enough to prove the pipeline end to end (CI feeds EICAR through it) without an AV engine. A zone
with an engine (e.g. ClamAV through clamd) plugs in a class with the same `scan` method.
"""

from dataclasses import dataclass
from functools import cache
from typing import IO, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # the engine's name for what it found


class Scanner(Protocol):
    """Scans one file. Must not keep the stream, and must raise (not answer clean) on failure."""

    def scan(self, stream: IO[bytes]) -> ScanResult: ...


class EicarScanner:
    """Finds the EICAR test string anywhere in the file (in chunks, across chunk borders)."""

    # Split so that this source file is not itself flagged by a real scanner.
    SIGNATURE = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    NAME = "EICAR-Test-File"

    def scan(self, stream: IO[bytes]) -> ScanResult:
        tail = b""
        while chunk := stream.read(CHUNK_BYTES):
            window = tail + chunk
            if self.SIGNATURE in window:
                return ScanResult(clean=False, signature=self.NAME)
            tail = window[-(len(self.SIGNATURE) - 1) :]
        return ScanResult(clean=True)


class NoScanner:
    """Accepts everything: only for a zone that scans elsewhere (e.g. at the reverse proxy)."""

    def scan(self, stream: IO[bytes]) -> ScanResult:
        return ScanResult(clean=True)


@cache
def _scanner(path: str) -> Scanner:
    scanner: Scanner = import_string(path)()
    return scanner


def get_scanner() -> Scanner:
    """The configured scanner (one instance per dotted path)."""
    return _scanner(settings.FILES_SCANNER)
