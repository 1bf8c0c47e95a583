"""The bench's outputs: the JSON document, the summary table and the PASS/FAIL lines."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from qifu.bench.scenarios import BASELINE, CHECKS, BatchResult, Check, LoadResult, Results, TimedResult


def document(
    *, scale: str, results: Results, skipped: Mapping[str, str] | None = None, config: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """`{"scale", "scenarios": {name: {"rps", "p50_ms", "p95_ms", "errors"} | {"seconds"}}}`,
    plus `detail` (p99, server CPU per request, load generator CPU), the scenarios skipped (with
    the reason) and the run's configuration."""
    doc: dict[str, Any] = {"scale": scale, "scenarios": {name: r.as_json() for name, r in results.items()}}
    detail = {name: r.detail_json() for name, r in results.items() if isinstance(r, LoadResult)}
    if detail:
        doc["detail"] = detail
    if skipped:
        doc["skipped"] = dict(skipped)
    if config:
        doc["config"] = dict(config)
    return doc


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    out = [cells[0] + " " * (widths[0] - _width(cells[0]))]
    out += [" " * (w - _width(c)) + c for c, w in zip(cells[1:], widths[1:], strict=True)]
    return "  ".join(out).rstrip()


def table(results: Results, skipped: Mapping[str, str] | None = None) -> str:
    """scenario, rps, p50/p95/p99 ms, errors, % of baseline, server CPU ms per request, and the
    share of a core the load generator used (near 100% would mean wrk, not the server, limits)."""
    base = results.get(BASELINE)
    base_rps = base.rps if isinstance(base, LoadResult) else 0.0
    head = ["scenario", "rps", "p50 ms", "p95 ms", "p99 ms", "errors", "% of baseline", "cpu ms/req", "wrk cpu"]
    rows: list[list[str]] = []
    notes: list[tuple[str, str]] = []  # rows that are a name and a sentence
    for name, result in results.items():
        if isinstance(result, BatchResult):
            figures = "".join(f", {k} {v:,}" if isinstance(v, int) else f", {k} {v}" for k, v in result.detail.items())
            notes.append((name, f"{result.seconds:.1f} s (batch job{figures})"))
            continue
        if isinstance(result, TimedResult):
            counted = f", {result.rows:,} rows" if result.rows is not None else ""
            notes.append((name, f"{result.seconds:.2f} s (one request{counted}, {result.bytes / 1e6:.1f} MB)"))
            continue
        rows.append(
            [
                name,
                f"{result.rps:.0f}",
                f"{result.p50_ms:.1f}",
                f"{result.p95_ms:.1f}",
                f"{result.p99_ms:.1f}",
                str(result.errors),
                f"{result.rps / base_rps:.0%}" if base_rps else "-",
                f"{result.server_cpu_ms:.2f}" if result.server_cpu_ms is not None else "-",
                f"{result.loadgen_cpu:.0%}" if result.loadgen_cpu is not None else "-",
            ]
        )
    notes += [(name, f"skipped: {reason}") for name, reason in (skipped or {}).items()]
    widths = [max(_width(row[i]) for row in [head, *rows]) for i in range(len(head))]
    widths[0] = max([widths[0], *(_width(name) for name, _ in notes)])
    lines = [_row(head, widths), "  ".join("-" * w for w in widths)]
    lines += [_row(row, widths) for row in rows]
    lines += [name + " " * (widths[0] - _width(name)) + "  " + text for name, text in notes]
    return "\n".join(lines)


def evaluate(results: Results, checks: Sequence[Check] = CHECKS) -> list[tuple[str, bool | None, str]]:
    return [(item.label, *item.evaluate(results)) for item in checks]


def check_lines(outcomes: Sequence[tuple[str, bool | None, str]]) -> list[str]:
    word = {True: "PASS", False: "FAIL", None: "SKIP"}
    return [f"{word[passed]}  {label}  ({detail})" for label, passed, detail in outcomes]
