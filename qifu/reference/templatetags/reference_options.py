"""`<option>` lists of the departments and of their categories, built once per department list.

The ledger's filter form lists every active department and, grouped under them, every active
category: a hundred-odd options with an `{% if … %}selected{% endif %}` each cost the template
engine more than the page's twenty case rows. The markup only changes when the reference data
does, and `reference.selectors.department_list` hands out a new list object whenever it reloads
(a save clears its cache), so the markup is kept beside the list it was built from and rebuilt
when the list is another one. Names are escaped here; the language is part of the key because a
category or department name is shown as stored, but the markup is kept per language all the same
so that nothing translated can ever leak across languages.
"""

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_built: dict[tuple[str, str], tuple[Sequence[Any], str]] = {}


def _markup(kind: str, departments: Sequence[Any]) -> str:
    key = (kind, get_language() or "")
    cached = _built.get(key)
    if cached is not None and cached[0] is departments:
        return cached[1]
    if kind == "department":
        html = format_html_join("", '<option value="{}">{}</option>', ((d.code, d.name) for d in departments))
    else:
        html = mark_safe(  # noqa: S308 - every part is escaped by format_html / format_html_join
            "".join(
                format_html(
                    '<optgroup label="{}">{}</optgroup>',
                    d.name,
                    format_html_join("", '<option value="{}">{}</option>', ((c.code, c.name) for c in cats)),
                )
                for d in departments
                if (cats := getattr(d, "active_categories", None))
            )
        )
    _built[key] = (departments, str(html))
    return str(html)


def _select(html: str, selected: object) -> SafeString:
    if selected:
        marker = str(format_html('<option value="{}">', selected))
        html = html.replace(marker, marker[:-1] + " selected>", 1)
    return mark_safe(html)  # noqa: S308 - built from escaped parts; the marker is escaped too


@register.simple_tag
def department_options(departments: Sequence[Any], selected: object = "") -> SafeString:
    """`{% department_options departments filters.department %}`: one option per department (by code)."""
    return _select(_markup("department", departments), selected)


@register.simple_tag
def category_options(departments: Sequence[Any], selected: object = "") -> SafeString:
    """`{% category_options departments filters.category %}`: the active categories, grouped by department."""
    return _select(_markup("category", departments), selected)
