"""Tiny real samples of every allowed kind (and of the look-alikes we refuse), built in memory.

Other apps' tests may use them too: `from qifu.files.tests.samples import pdf_bytes, upload`.
"""

import io
import struct
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

# Split so that this source file is not itself flagged by a real scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """What Django hands a view for one multipart file (the browser's content type is ignored)."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_bytes(body: bytes = b"") -> bytes:
    """A minimal one-page PDF; `body` is appended as a comment (e.g. to carry EICAR)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, obj))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n" % (len(objects) + 1, xref))
    if body:
        out.write(b"%" + body + b"\n")
    out.write(b"%%EOF\n")
    return out.getvalue()


def png_bytes() -> bytes:
    """A valid 1x1 PNG (signature, IHDR, IDAT, IEND with real CRCs)."""
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def gif_bytes() -> bytes:
    header = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
    image = b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00"
    return header + image + b";"


def webp_bytes() -> bytes:
    payload = b"WEBPVP8L" + struct.pack("<I", 10) + b"\x2f\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def bmp_bytes() -> bytes:
    pixels = b"\x00\x00\xff\x00"  # one pixel, row padded to 4 bytes
    dib = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    size = 14 + len(dib) + len(pixels)
    return b"BM" + struct.pack("<IHHI", size, 0, 0, 14 + len(dib)) + dib + pixels


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not an office document")
    return out.getvalue()


_OOXML = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
}


def ooxml_bytes(kind: str, *, vba: bool = False) -> bytes:
    """A minimal OPC package whose officeDocument relationship points at the main part of `kind`."""
    part, content_type = _OOXML[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{content_type}"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'officeDocument" Target="{part}"/>'
            "</Relationships>",
        )
        archive.writestr(part, "<document/>")
        if vba:
            archive.writestr(part.split("/")[0] + "/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    return out.getvalue()


def docx_bytes() -> bytes:
    return ooxml_bytes("docx")


def pptx_bytes() -> bytes:
    return ooxml_bytes("pptx")


def xlsx_bytes() -> bytes:
    """A real workbook written by openpyxl."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["企业", "金额"])
    workbook.active.append(["昆山甲电子", 100])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsm_bytes() -> bytes:
    """An openpyxl workbook saved as macro-enabled (the workbook's content type says so)."""
    data = xlsx_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            archive.writestr(info, body)
    return out.getvalue()


# --- OLE2 compound files ---------------------------------------------------------------------

_FREE = 0xFFFFFFFF
_END = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD


def _dir_entry(name: str, kind: int, child: int = _FREE, right: int = _FREE) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    entry = encoded.ljust(64, b"\0")
    entry += struct.pack("<HBB", len(encoded), kind, 1)
    entry += struct.pack("<III", _FREE, right, child)  # left, right, child
    entry += b"\0" * 16 + b"\0" * 4 + b"\0" * 16  # clsid, state bits, times
    entry += struct.pack("<IQ", _END if kind == 5 else 0, 0)  # start sector, size
    return entry


def ole_bytes(*streams: str, storages: tuple[str, ...] = ()) -> bytes:
    """A valid (v3, 512-byte sectors) compound file: sector 0 = FAT, sector 1 = directory."""
    header = bytearray(512)
    header[0:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x2C, 1, 1, 0, 4096, _END, 0, _END, 0, 0)
    struct.pack_into("<108I", header, 0x50, *([_FREE] * 108))
    fat = struct.pack("<128I", _FATSECT, _END, *([_FREE] * 126))
    names = [(name, 2) for name in streams] + [(name, 1) for name in storages]
    assert len(names) <= 3, "one directory sector holds the root and three entries"
    entries = _dir_entry("Root Entry", 5, child=1 if names else _FREE)
    for index, (name, kind) in enumerate(names, start=1):
        entries += _dir_entry(name, kind, right=index + 1 if index < len(names) else _FREE)
    directory = entries.ljust(512, b"\0")
    return bytes(header) + fat + directory
