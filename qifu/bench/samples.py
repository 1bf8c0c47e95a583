"""Values the bench scenarios cycle through, read from the bench database.

`qifu bench_sample` runs this in a subprocess pointed at the bench database (the bench process
itself keeps the operator's settings) and prints `{key: [value, ...]}`. A later scenario that
needs other values (case ids, policy codes) adds a sampler here with `@sampler("key")`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

SAMPLE_SIZE = 200
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


def collect(n: int = SAMPLE_SIZE) -> dict[str, list[str]]:
    return {key: fn(n) for key, fn in SAMPLERS.items()}
