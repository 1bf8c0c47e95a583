"""Values the bench scenarios cycle through, read from the bench database.

`qifu bench_sample` runs this in a subprocess pointed at the bench database (the bench process
itself keeps the operator's settings) and prints `{key: [value, ...]}`. A later scenario that
needs other values (case ids, policy codes) adds a sampler here with `@sampler("key")`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from typing import Any

SAMPLE_SIZE = 200
CST = dt_timezone(timedelta(hours=8))  # Asia/Shanghai: the ledger filters by local filing days
SAMPLERS: dict[str, Callable[[int], list[str]]] = {}

# Legal-form suffixes and leading place names carry no information for a name search.
_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "公司", "厂")
_PLACES = re.compile(r"^(中国|江苏省?|苏州市?|昆山市?|上海市?|[\u4e00-\u9fff]{2}(省|市|区|县))")


def sampler(key: str) -> Callable[[Callable[[int], list[str]]], Callable[[int], list[str]]]:
    def wrap(fn: Callable[[int], list[str]]) -> Callable[[int], list[str]]:
        SAMPLERS[key] = fn
        return fn

    return wrap


def spread(values: Sequence[Any], n: int) -> list[Any]:
    """At most n values evenly spread over the sequence (deterministic, first value included)."""
    if len(values) <= n:
        return list(values)
    step = len(values) / n
    return [values[int(i * step)] for i in range(n)]


def name_fragment(name: str, length: int = 4) -> str:
    """The distinctive part of an enterprise name, as a person would type it in a search box."""
    core = name.strip()
    for suffix in _SUFFIXES:
        if core.endswith(suffix):
            if len(core) - len(suffix) >= 2:
                core = core[: -len(suffix)]
            break
    stripped = _PLACES.sub("", core)
    core = stripped or core
    return core[:length]


@sampler("parks")
def sample_parks(n: int) -> list[str]:
    from qifu.enterprises.models import Enterprise

    # The bench reads raw rows on purpose: it needs values to query, not a visibility decision.
    parks = Enterprise.objects.exclude(park="").values_list("park", flat=True).distinct().order_by("park")
    return spread(list(parks), n)


@sampler("usccs")
def sample_usccs(n: int) -> list[str]:
    from qifu.enterprises.models import Enterprise

    return spread(list(Enterprise.objects.order_by("id").values_list("uscc", flat=True)), n)


@sampler("names")
def sample_names(n: int) -> list[str]:
    from qifu.enterprises.models import Enterprise

    names = spread(list(Enterprise.objects.order_by("id").values_list("name", flat=True)), n)
    return [fragment for fragment in (name_fragment(name) for name in names) if fragment]


@sampler("case_ids")
def sample_case_ids(n: int) -> list[str]:
    from qifu.cases.models import Case

    top = Case.objects.order_by("-id").values_list("id", flat=True).first()
    if top is None:
        return []
    # Evenly spaced ids over the whole ledger (ids are dense: the seed writes them in filing order).
    step = max(1, top // n)
    return [str(pk) for pk in Case.objects.filter(id__in=range(1, top + 1, step)).values_list("id", flat=True)[:n]]


@sampler("search_queries")
def sample_search_queries(n: int) -> list[str]:
    """Two-word Chinese queries (issue 7): the first two content words of case titles spread over
    the ledger — words the cases really use, so each query matches many of them."""
    from qifu.cases.models import Case
    from qifu.search.text import content_terms

    top = Case.objects.order_by("-id").values_list("id", flat=True).first()
    if top is None:
        return []
    step = max(1, top // 200)
    titles = Case.objects.filter(id__in=range(1, top + 1, step)).values_list("title", flat=True)[:200]
    queries: dict[str, None] = {}
    for title in titles:
        words = [w for w in content_terms(title) if len(w) >= 2 and not w.isascii()]
        if len(words) >= 2:
            queries.setdefault(f"{words[0]} {words[1]}", None)
    return list(queries)[: min(n, 20)]


@sampler("months")
def sample_months(n: int) -> list[str]:
    """The last three months with cases, YYYY-MM (the assessment's period)."""
    from django.utils import timezone

    from qifu.cases.models import Case

    last = Case.objects.order_by("-id").values_list("submitted_at", flat=True).first()
    if last is None:
        return []
    day = timezone.localdate(last)
    months = []
    for back in range(3):
        year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
        months.append(f"{year:04d}-{month + 1:02d}")
    return months[:n]


EXPORT_ROWS = 10_000


@sampler("export_10k")
def sample_export_10k(n: int) -> list[str]:
    """The ledger export path whose filing-date range selects about 10,000 cases (all of them when
    there are fewer). Ids follow the filing order, so the range runs from the oldest case's day to
    the 10,000th oldest case's day: the cases the bench itself files (today, the newest) stay out."""
    from django.utils import timezone

    from qifu.cases.models import Case

    oldest = Case.objects.order_by("id").values_list("submitted_at", flat=True)
    first = oldest.first()
    if first is None:
        return []
    tenth = oldest[EXPORT_ROWS - 1 : EXPORT_ROWS].first() or Case.objects.order_by("-id")[0].submitted_at
    since = timezone.localdate(first)
    # Whole days: up to the 10,000th oldest case's day, or the day before, whichever is nearer 10,000.
    day = timezone.localdate(tenth)

    def upto(end: date) -> int:
        return Case.objects.filter(
            submitted_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=CST)
        ).count()

    counts = {end: upto(end) for end in (day - timedelta(days=1), day)}
    until = min(counts, key=lambda end: abs(counts[end] - EXPORT_ROWS))
    return [f"/cases/export.xlsx?since={since.isoformat()}&until={until.isoformat()}"]


def collect(n: int = SAMPLE_SIZE) -> dict[str, list[str]]:
    return {key: fn(n) for key, fn in SAMPLERS.items()}
