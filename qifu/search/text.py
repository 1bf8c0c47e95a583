"""Chinese text for search, triage and similarity: one jieba tokenizer with the zone's own words.

`index_terms` (jieba's search mode: whole words and their parts) fills the full-text index;
`query_terms` (precise mode) reads what a person typed; `content_terms` drops the function words
and boilerplate that every request shares, for the classifiers and the similarity measures.

The dictionary loads once per process (about a second; `warm()` does it at worker start) from
jieba's cache in the temp directory, then the zone's terms in `data/zone_dict.txt` and any that
`add_terms` adds (park names, product words from the database).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jieba

ZONE_DICT = Path(__file__).resolve().parent / "data" / "zone_dict.txt"

# A term is a run of CJK characters, or of ASCII letters and digits (ERP, 5G, ISO9001).
_WORD = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+(?:[.\-][a-z0-9]+)*")

# Words every request uses and that say nothing about what it is about.
STOPWORDS = frozenset(
    word
    for line in (Path(__file__).resolve().parent / "data" / "stopwords.txt").read_text("utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    """The process's tokenizer, with the zone dictionary loaded (thread-safe, loaded once)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(60)  # jieba logs its cache loading at INFO to stderr
                tk = jieba.Tokenizer()
                tk.initialize()
                tk.load_userdict(str(ZONE_DICT))
                _tokenizer = tk
    return _tokenizer


def warm() -> None:
    tokenizer()


def add_terms(terms: Iterable[str]) -> None:
    """Teach the tokenizer the zone's own words (park names, product words) so they stay whole."""
    tk = tokenizer()
    for term in terms:
        term = normalize(term).strip()
        if len(term) >= 2:
            tk.add_word(term, freq=None)


def normalize(text: str) -> str:
    """Full-width to half-width, lower case (NFKC): ＡＢＣ１２３ and abc123 are one term."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _words(tokens: Iterable[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        out.extend(_WORD.findall(token))
    return out


def index_terms(text: str) -> list[str]:
    """Terms to index: each word of the precise cut, then every dictionary word inside it.

    jieba's own search mode only looks for parts of two and three characters, so 专精特新 inside
    专精特新小巨人 would be missed; this looks at every length.
    """
    tk = tokenizer()
    freq = tk.FREQ
    out: list[str] = []
    for word in _words(tk.cut(normalize(text), HMM=True)):
        out.append(word)
        n = len(word)
        if n > 2 and not word.isascii():
            for size in range(n - 1, 1, -1):
                for start in range(n - size + 1):
                    part = word[start : start + size]
                    if freq.get(part):
                        out.append(part)
    return out


def query_terms(text: str) -> list[str]:
    """The words a person typed (precise mode), punctuation dropped, order and repeats kept."""
    return _words(tokenizer().cut(normalize(text), HMM=True))


def content_terms(text: str) -> list[str]:
    """Words that say what a text is about: precise mode without stopwords or lone digits."""
    return [t for t in query_terms(text) if t not in STOPWORDS and not t.isdigit()]
