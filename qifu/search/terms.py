"""What goes into the index for each kind of object, as space-joined terms.

`index_terms` segments text with jieba; jieba cuts a text at every character outside its word
pattern anyway, so a text is split there first and each piece is segmented once per process
(`piece_terms`, memoised): seeded and real texts repeat the same phrases, and rebuilding a
million cases then costs a dictionary look-up for most sentences instead of a jieba run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from qifu.search.text import index_terms, normalize

# jieba's own block pattern (re_han_default): what it segments as one run.
_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
MAX_TEXT = 20_000  # characters of one field that are indexed (case texts are at most 10,000)


@lru_cache(maxsize=200_000)
def piece_terms(piece: str) -> tuple[str, ...]:
    return tuple(index_terms(piece))


def terms_of(*texts: str) -> list[str]:
    """The index terms of TEXTS, in order (repeats kept: they weigh in the ranking)."""
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        for piece in _BLOCK.findall(normalize(text[:MAX_TEXT])):
            out.extend(piece_terms(piece))
    return out


def joined(terms: Iterable[str]) -> str:
    return " ".join(terms)


def name_bigrams(name: str) -> list[str]:
    """Every pair of neighbouring characters of each CJK run of NAME, in order: 昆山甲电子 gives
    昆山 山甲 甲电 电子, so any two or more characters from the middle of a name match (as a phrase)."""
    out: list[str] = []
    for run in _CJK_RUN.findall(normalize(name)):
        if len(run) == 1:
            out.append(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def case_terms(*, title: str, text: str, answer: str, events: Iterable[tuple[bool, str]]) -> tuple[str, str]:
    """(public terms, internal terms) of a case: EVENTS are (public, text) of its timeline."""
    public = terms_of(title, text, answer)
    internal: list[str] = []
    for is_public, event_text in events:
        (public if is_public else internal).extend(terms_of(event_text))
    return joined(public), joined(internal)


def enterprise_terms(*, name: str, uscc: str, former_names: Iterable[str] = ()) -> str:
    """Words and character bigrams of the name and each former name, then the USCC. A break token
    between names keeps a bigram phrase from running from one name into the next."""
    parts: list[str] = []
    for n in (name, *former_names):
        parts.extend(terms_of(n))
        parts.append("\u3007")  # 〇: a CJK token no query produces as a bigram of a name
        parts.extend(name_bigrams(n))
        parts.append("\u3007")
    parts.append(normalize(uscc))
    return joined(parts)


def policy_terms(
    *, title: str, document_no: str, summary: str, benefit: str, full_text: str, interpretation: str
) -> str:
    return joined(terms_of(title, document_no, summary, benefit, interpretation, full_text))
