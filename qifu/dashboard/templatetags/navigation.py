"""The menus of every page, rendered once per (menu, role, page, language) and then reused.

A menu depends only on the user's role, the namespace and name of the current URL and the
language; rendering it from the template costs ~2 ms a time and base.html shows it three times
(the sidebar, the phone's bottom bar and its 更多 sheet), a fifth of a list page's work. The
cache is a plain dict in the process: its keys are bounded by roles × URL names × languages.
With DEBUG (templates reloaded on change) nothing is kept.
"""

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_rendered: dict[tuple[str, ...], SafeString] = {}


@register.simple_tag(takes_context=True)
def menu(context: template.Context, name: str) -> SafeString:
    """`{% menu "partials/_nav.html" %}`: the menu template NAME for the signed-in user on this page."""
    request = context.get("request")
    user = context.get("user")
    match = getattr(request, "resolver_match", None)
    role = str(getattr(user, "role", ""))
    key = (
        name,
        role,
        "admin" if getattr(user, "is_admin_role", False) else "",
        str(getattr(match, "namespace", "") or ""),
        str(getattr(match, "url_name", "") or ""),
        get_language() or "",
    )
    html = _rendered.get(key)
    if html is None:
        # Only what the key holds reaches the template, so a cached menu cannot carry anything else.
        page = {"namespace": key[3], "url_name": key[4]}
        html = mark_safe(get_template(name).render({"role": role, "is_admin": bool(key[2]), "page": page}))  # noqa: S308 - our template's output
        if not settings.DEBUG:
            _rendered[key] = html
    return html


def menu_cache_clear() -> None:
    _rendered.clear()
