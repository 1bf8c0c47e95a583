"""What a file IS, from its bytes (IP-6 a): never from the name or the browser's Content-Type.

Images and PDF are recognised by `filetype` (magic numbers). Office documents need more than a
magic number, since an OLE2 container is also an .msi installer or an Outlook message and an
OOXML file is a plain zip:

- OLE2 (doc/xls/ppt): the compound file's directory must name the application's main stream
  (WordDocument, Workbook/Book, PowerPoint Document) and no VBA storage.
- OOXML (docx/xlsx/pptx): the package's `_rels/.rels` officeDocument relationship must point to a
  part whose type in `[Content_Types].xml` is the document's main type; macro-enabled types
  (docm/xlsm/pptm…) and vbaProject.bin are refused; the zip directory is bounded (zip bombs).

`sniff` returns a `FileKind` or raises `Rejected` with a reason; services turn that into a
RuleViolation. Pure Python: no ORM, no settings beyond the size cap passed in.
"""

import struct
import zipfile
from enum import StrEnum
from typing import IO
from xml.etree.ElementTree import Element

import filetype
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from qifu.core.excel import MAX_COMPRESSION_RATIO, RATIO_FLOOR_BYTES


class FileKind(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    GIF = "gif"
    WEBP = "webp"
    BMP = "bmp"
    PDF = "pdf"
    DOC = "doc"
    XLS = "xls"
    PPT = "ppt"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"


MIME_TYPES: dict[FileKind, str] = {
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.GIF: "image/gif",
    FileKind.WEBP: "image/webp",
    FileKind.BMP: "image/bmp",
    FileKind.PDF: "application/pdf",
    FileKind.DOC: "application/msword",
    FileKind.XLS: "application/vnd.ms-excel",
    FileKind.PPT: "application/vnd.ms-powerpoint",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

# The allow-list of extensions (lower case) and the one kind each may carry.
EXTENSIONS: dict[str, FileKind] = {
    "jpg": FileKind.JPEG,
    "jpeg": FileKind.JPEG,
    "png": FileKind.PNG,
    "gif": FileKind.GIF,
    "webp": FileKind.WEBP,
    "bmp": FileKind.BMP,
    "pdf": FileKind.PDF,
    "doc": FileKind.DOC,
    "xls": FileKind.XLS,
    "ppt": FileKind.PPT,
    "docx": FileKind.DOCX,
    "xlsx": FileKind.XLSX,
    "pptx": FileKind.PPTX,
}

# filetype's answers that we accept (APNG is a PNG to every reader).
_FILETYPE_KINDS = {
    "image/jpeg": FileKind.JPEG,
    "image/png": FileKind.PNG,
    "image/apng": FileKind.PNG,
    "image/gif": FileKind.GIF,
    "image/webp": FileKind.WEBP,
    "image/bmp": FileKind.BMP,
    "application/pdf": FileKind.PDF,
}

HEAD_BYTES = 8192  # what filetype itself reads
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGIC = b"PK\x03\x04"


class Reason(StrEnum):
    UNKNOWN = "unknown_type"
    MACROS = "macros"
    NOT_OFFICE = "not_office"
    ZIP_BOMB = "zip_bomb"


class Rejected(Exception):
    """Not an allowed kind; `detected` is what the bytes look like (e.g. "application/x-msdownload")."""

    def __init__(self, reason: Reason, *, detected: str = "") -> None:
        super().__init__(reason, detected)
        self.reason = reason
        self.detected = detected


def sniff(file: IO[bytes], *, size: int) -> FileKind:
    """The allowed kind of `file` (a seekable binary stream of `size` bytes), or `Rejected`."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(file, size=size)
    if head.startswith(ZIP_MAGIC):
        return _ooxml_kind(file, size=size)
    guess = filetype.guess(head)
    mime = guess.mime if guess is not None else ""
    kind = _FILETYPE_KINDS.get(mime)
    if kind is None or (kind is FileKind.BMP and not _bmp_header_ok(head)):
        raise Rejected(Reason.UNKNOWN, detected=mime)
    return kind


def _bmp_header_ok(head: bytes) -> bool:
    """filetype takes any "BM…" for a bitmap; require a real DIB header size as well."""
    return len(head) >= 18 and struct.unpack_from("<I", head, 14)[0] in {12, 40, 52, 56, 64, 108, 124}


# --- OLE2 compound files ([MS-CFB]) -----------------------------------------------------------

_MAX_REGULAR_SECTOR = 0xFFFFFFFA
_END_OF_CHAIN = 0xFFFFFFFE
_OLE_MAIN_STREAMS = {
    "worddocument": FileKind.DOC,
    "workbook": FileKind.XLS,
    "book": FileKind.XLS,  # Excel 5/95 workbooks
    "powerpoint document": FileKind.PPT,
}
_OLE_VBA_NAMES = {"macros", "_vba_project_cur", "_vba_project", "vba"}


class _BadOle(Exception):
    pass


class _Ole:
    """Just enough of a compound-file reader to list the directory, bounded by the file size."""

    def __init__(self, file: IO[bytes], size: int) -> None:
        file.seek(0)
        self.header = file.read(512)
        if len(self.header) < 512:
            raise _BadOle
        major, byte_order, shift = struct.unpack_from("<HHH", self.header, 0x1A)
        if byte_order != 0xFFFE or (major, shift) not in {(3, 9), (4, 12)}:
            raise _BadOle
        self.file = file
        self.sector_size = 1 << shift
        self.sectors = max(0, -(-(size - self.sector_size) // self.sector_size))

    def u32(self, offset: int) -> int:
        return int(struct.unpack_from("<I", self.header, offset)[0])

    def sector(self, index: int) -> bytes:
        if index >= self.sectors:
            raise _BadOle
        self.file.seek((index + 1) * self.sector_size)
        return self.file.read(self.sector_size).ljust(self.sector_size, b"\0")

    def fat(self) -> list[int]:
        fat_count, first_difat, difat_count = self.u32(0x2C), self.u32(0x44), self.u32(0x48)
        if fat_count > self.sectors or difat_count > self.sectors:
            raise _BadOle
        fat_sectors = list(struct.unpack_from("<109I", self.header, 0x4C))
        per_difat = self.sector_size // 4 - 1
        current, seen = first_difat, set[int]()
        while current < _MAX_REGULAR_SECTOR and len(seen) < difat_count:
            if current in seen:
                raise _BadOle
            seen.add(current)
            values = struct.unpack(f"<{per_difat + 1}I", self.sector(current))
            fat_sectors += values[:per_difat]
            current = values[per_difat]
        entries: list[int] = []
        for index in [s for s in fat_sectors if s < _MAX_REGULAR_SECTOR][:fat_count]:
            entries += struct.unpack(f"<{self.sector_size // 4}I", self.sector(index))
        return entries

    def names(self) -> dict[str, int]:
        """Directory entry name (lower case) -> object type (1 storage, 2 stream, 5 root)."""
        fat = self.fat()
        found: dict[str, int] = {}
        current, seen = self.u32(0x30), set[int]()
        while current != _END_OF_CHAIN:
            if current >= _MAX_REGULAR_SECTOR or current in seen or current >= len(fat):
                raise _BadOle
            seen.add(current)
            data = self.sector(current)
            for offset in range(0, self.sector_size, 128):
                length, kind = struct.unpack_from("<HB", data, offset + 0x40)
                if kind in (1, 2, 5) and 2 <= length <= 64 and length % 2 == 0:
                    found[data[offset : offset + length - 2].decode("utf-16-le", "replace").lower()] = kind
            current = fat[current]
        return found


def _ole_kind(file: IO[bytes], *, size: int) -> FileKind:
    try:
        names = _Ole(file, size).names()
    except (_BadOle, struct.error) as exc:
        raise Rejected(Reason.NOT_OFFICE, detected="application/x-ole-storage") from exc
    finally:
        file.seek(0)
    if 5 not in names.values():
        raise Rejected(Reason.NOT_OFFICE, detected="application/x-ole-storage")
    if _OLE_VBA_NAMES & names.keys():
        raise Rejected(Reason.MACROS, detected="application/x-ole-storage")
    kinds = {kind for stream, kind in _OLE_MAIN_STREAMS.items() if names.get(stream) == 2}
    if len(kinds) != 1:
        raise Rejected(Reason.NOT_OFFICE, detected="application/x-ole-storage")
    return kinds.pop()


# --- OOXML packages (ECMA-376 part 2, OPC) ----------------------------------------------------

_OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": FileKind.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": FileKind.XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": FileKind.PPTX,
}
_OFFICE_DOCUMENT_REL = "/officedocument"  # .../relationships/officeDocument (transitional and strict)
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAX_MEMBERS = 10_000
_MAX_PART_BYTES = 1 << 20  # [Content_Types].xml and _rels/.rels are a few kilobytes
_MAX_UNCOMPRESSED_PER_BYTE = 100


def _ooxml_kind(file: IO[bytes], *, size: int) -> FileKind:
    try:
        with zipfile.ZipFile(file) as archive:
            members = {m.filename.lower(): m for m in archive.infolist()}
            _check_zip_directory(list(members.values()), size=size)
            if any(name.endswith("vbaproject.bin") for name in members):
                raise Rejected(Reason.MACROS, detected="application/zip")
            content_types = _read_xml(archive, members.get("[content_types].xml"))
            relationships = _read_xml(archive, members.get("_rels/.rels"))
    except (zipfile.BadZipFile, DefusedXmlException, ElementTree.ParseError, KeyError, ValueError) as exc:
        raise Rejected(Reason.NOT_OFFICE, detected="application/zip") from exc
    finally:
        file.seek(0)
    types = [el.get("ContentType", "").lower() for el in content_types.iter() if el.get("ContentType")]
    if any("macroenabled" in t or "vbaproject" in t for t in types):
        raise Rejected(Reason.MACROS, detected="application/zip")
    targets = [
        el.get("Target", "")
        for el in relationships.iter(f"{_REL_NS}Relationship")
        if el.get("Type", "").lower().endswith(_OFFICE_DOCUMENT_REL) and el.get("TargetMode") != "External"
    ]
    if len(targets) != 1:
        raise Rejected(Reason.NOT_OFFICE, detected="application/zip")
    part = "/" + targets[0].lstrip("/")
    if part.lower().lstrip("/") not in members:
        raise Rejected(Reason.NOT_OFFICE, detected="application/zip")
    kind = _OOXML_MAIN_TYPES.get(_part_type(content_types, part))
    if kind is None:
        raise Rejected(Reason.NOT_OFFICE, detected="application/zip")
    return kind


def _check_zip_directory(members: list[zipfile.ZipInfo], *, size: int) -> None:
    """Bounded before anything is decompressed: member count, per-member ratio, total size."""
    if len(members) > _MAX_MEMBERS:
        raise Rejected(Reason.ZIP_BOMB, detected="application/zip")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise Rejected(Reason.ZIP_BOMB, detected="application/zip")
    if total > max(size, RATIO_FLOOR_BYTES) * _MAX_UNCOMPRESSED_PER_BYTE:
        raise Rejected(Reason.ZIP_BOMB, detected="application/zip")


def _read_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo | None) -> Element:
    if member is None or member.file_size > _MAX_PART_BYTES:
        raise ValueError("missing or oversized package part")
    root: Element = ElementTree.fromstring(archive.read(member), forbid_dtd=True)
    return root


def _part_type(content_types: Element, part: str) -> str:
    """The content type of `part`: its Override, else the Default for its extension (OPC §10.1.2)."""
    for el in content_types.iter(f"{_CT_NS}Override"):
        if el.get("PartName", "").lower() == part.lower():
            return el.get("ContentType", "").lower()
    extension = part.rpartition(".")[2].lower()
    for el in content_types.iter(f"{_CT_NS}Default"):
        if el.get("Extension", "").lower() == extension:
            return el.get("ContentType", "").lower()
    return ""
