"""Number formats of the 考核 page: rates in %, composite as a score out of 100, "—" for no data."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from qifu.assessment.selectors import Report

register = template.Library()
DASH = "—"
ONE_PLACE = Decimal("0.1")


def _hundred(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * 100).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@register.filter
def pct(value: Decimal | None) -> str:
    """0.875 → "87.5%"; None → "—" (nothing to divide by: never shown as 0 or 100%)."""
    hundred = _hundred(value)
    return DASH if hundred is None else f"{hundred}%"


@register.filter
def score(value: Decimal | None) -> str:
    """The composite 0-1 as points out of 100: 0.8615 → "86.2"."""
    hundred = _hundred(value)
    return DASH if hundred is None else str(hundred)


@register.filter
def width(value: Decimal | None) -> str:
    """A bar's CSS width in % (0 for no data), with a dot decimal whatever the language."""
    hundred = _hundred(value)
    return "0" if hundred is None else str(hundred)


@register.filter
def days(value: Decimal | None) -> str:
    return DASH if value is None else str(value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP))


@register.filter
def share(value: Decimal) -> str:
    """A weight as a whole percentage where it is one: 0.1 → "10", 0.25 → "25", 0.125 → "12.5"."""
    return f"{(value * 100).normalize():f}"


@register.filter
def standing(report: Report, key: str) -> str:
    """ "red", "black" or "unranked" for a department on the 红黑榜, else ""."""
    board = report.board
    for name, placings in (("red", board.red), ("black", board.black), ("unranked", board.unranked)):
        if any(p.key == key for p in placings):
            return name
    return ""
