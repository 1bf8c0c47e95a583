"""Filename sanitising for attachments (IP-6 c): what we store and send back is never a path,
never carries control or bidi characters, and keeps its (Chinese) words and its extension.
"""

import re
import unicodedata

# Cc controls (CR, LF, NUL, ESC…), Cf format characters (the bidi overrides U+202A–U+202E and
# isolates U+2066–U+2069 that make "exe.pdf" read as "pdf.exe", zero-width characters, BOM),
# surrogates, private use, unassigned code points, and the line/paragraph separators.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Reserved on Windows (where most users save attachments); path separators are handled apart.
_RESERVED = re.compile(r'[<>:"|?*]')
_SEPARATORS = re.compile(r"[/\\]")
_SPACES = re.compile(r"\s+")
# 240 UTF-8 bytes fit every common file system (ext4, NTFS, APFS: 255) when the user saves the
# file; that is about 80 Chinese characters.
MAX_NAME_BYTES = 240
MAX_EXTENSION_CHARS = 16
FALLBACK_STEM = "附件"


def split_extension(name: str) -> tuple[str, str]:
    """("报告.final", "pdf") for "报告.final.pdf"; ("README", "") without a dot."""
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot else (name, "")


def sanitize_filename(raw: str) -> str:
    """The last path component of `raw`, cleaned: no controls/bidi, no reserved characters, no
    leading or trailing dots and spaces, at most MAX_NAME_BYTES of UTF-8, extension kept."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    text = _SEPARATORS.split(text)[-1]
    text = _RESERVED.sub("_", text)
    text = _SPACES.sub(" ", text).strip(" .")
    stem, ext = split_extension(text)
    stem = stem.strip(" .")
    ext = ext.strip(" ")[:MAX_EXTENSION_CHARS]
    suffix = f".{ext}" if ext else ""
    budget = MAX_NAME_BYTES - len(suffix.encode())
    stem = stem[:budget]  # a character is at least one byte: cut long input before the byte loop
    while len(stem.encode()) > budget:
        stem = stem[:-1]
    stem = stem.rstrip(" .") or FALLBACK_STEM
    return stem + suffix
