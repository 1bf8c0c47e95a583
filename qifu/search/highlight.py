"""Snippets around the matched terms, made in Python from the original text and HTML-escaped:
only the `<mark>` tags this module writes are markup."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WINDOW = 48  # characters of context before the first match
LENGTH = 140  # characters a snippet shows at most


def pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive alternation of the terms, longest first (ERP系统 before ERP)."""
    unique = sorted({t for t in terms if t}, key=len, reverse=True)[:32]
    if not unique:
        return None
    return re.compile("|".join(re.escape(t) for t in unique), re.IGNORECASE)


def mark(text: str, rx: re.Pattern[str] | None) -> SafeString:
    """TEXT escaped, each match of RX in <mark>."""
    if rx is None:
        return escape(text)
    out: list[str] = []
    at = 0
    for m in rx.finditer(text):
        out.append(escape(text[at : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        at = m.end()
    out.append(escape(text[at:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece above is escaped


def _squash(text: str) -> str:
    return " ".join(text.split())


def snippet(texts: Iterable[str], rx: re.Pattern[str] | None) -> SafeString:
    """A window of the first of TEXTS that matches, around its first match (else the first text's
    start), escaped and marked."""
    first = ""
    for raw in texts:
        text = _squash(raw or "")
        if not text:
            continue
        first = first or text
        m = rx.search(text) if rx is not None else None
        if m is None:
            continue
        start = max(0, m.start() - WINDOW)
        piece = text[start : start + LENGTH]
        return mark_safe(  # noqa: S308 — mark() escapes
            ("…" if start > 0 else "") + mark(piece, rx) + ("…" if start + LENGTH < len(text) else "")
        )
    piece = first[:LENGTH]
    return mark_safe(escape(piece) + ("…" if len(first) > LENGTH else ""))  # noqa: S308
