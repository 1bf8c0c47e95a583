"""Guard tests (STYLE.md 6.3): they fail when the code drifts from the project's own rules.

- every QIFU_* setting in the registry is documented in README.md's configuration table;
- no template references an outside host, and the base page and the API docs load no asset
  from outside (zones run on intranets);
- no `Model.objects` (nor an unscoped `get_object_or_404`) in views or API modules;
- every API operation has a tag and a response schema.
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

import qifu
from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.conf.registry import SETTINGS

PACKAGE = Path(qifu.__file__).resolve().parent
ROOT = PACKAGE.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "xlink:href"}

# An attribute value (or CSS url()/@import) that names a host: http://, https:// or //host.
_EXTERNAL_ATTR = re.compile(
    r"(?<![\w-])(?:src|href|srcset|action|formaction|poster|data|xlink:href)\s*=\s*[\"']?\s*(?:https?:)?//([^/\"'\s>:]+)",
    re.IGNORECASE,
)
_EXTERNAL_CSS = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])\s*(?:https?:)?//([^/\"'\s)>:]+)", re.IGNORECASE)


def _templates() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.html") if "templates" in p.parts)


def _external_hosts(text: str) -> list[str]:
    hosts = [m.group(1) for m in _EXTERNAL_ATTR.finditer(text)] + [m.group(1) for m in _EXTERNAL_CSS.finditer(text)]
    return [h for h in hosts if h.lower() not in LOOPBACK]


# --- (a) settings are documented --------------------------------------------------------------


def _readme_table_rows() -> list[str]:
    readme = ROOT / "README.md"
    assert readme.is_file(), "README.md is missing at the repository root"
    return [line for line in readme.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("|")]


def test_every_registry_setting_is_in_the_readme_configuration_table() -> None:
    # given
    rows = _readme_table_rows()
    # when
    missing = [s.name for s in SETTINGS if not any(f"`{s.name}`" in row for row in rows)]
    # then
    assert SETTINGS, "qifu.conf.registry.SETTINGS is empty"
    assert missing == [], f"add these settings to README.md's Configuration table: {missing}"


def test_the_readme_documents_no_setting_the_registry_lacks() -> None:
    known = {s.name for s in SETTINGS}
    documented = {name for row in _readme_table_rows() for name in re.findall(r"`(QIFU_[A-Z0-9_]+)`", row)}
    assert documented - known == set(), "README.md documents settings that qifu/conf/registry.py does not have"


# --- (b) templates reference no outside host --------------------------------------------------


def test_no_template_references_an_outside_host() -> None:
    # given
    templates = _templates()
    # when
    offenders = [
        f"{path.relative_to(ROOT)}: {host}"
        for path in templates
        for host in _external_hosts(path.read_text(encoding="utf-8"))
    ]
    # then
    assert templates, "no templates found under qifu/"
    assert offenders == [], f"templates must load and link only local resources: {offenders}"


def test_no_project_stylesheet_imports_from_an_outside_host() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {host}"
        for path in sorted(PACKAGE.rglob("*.css"))
        if "static" in path.parts
        for host in _external_hosts(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []


def test_the_guard_itself_catches_outside_hosts_case() -> None:
    samples = [
        '<script src="https://cdn.example.com/x.js"></script>',
        "<link rel=stylesheet href=//fonts.example.com/css>",
        "<style>@import 'https://fonts.example.com/a.css';</style>",
        '<div style="background:url(http://img.example.com/a.png)"></div>',
    ]
    allowed = ['<a href="http://127.0.0.1:8000/">', '<img src="/static/qifu/x.png">', '<a href="{% url "x" %}">']
    assert all(_external_hosts(s) for s in samples)
    assert not any(_external_hosts(s) for s in allowed)


# --- (c) no Model.objects in views or API modules ---------------------------------------------

_UNSCOPED_ATTRIBUTES = {"objects", "_default_manager", "_base_manager"}
_UNSCOPED_CALLS = {"get_object_or_404", "get_list_or_404"}


def _edge_modules() -> list[Path]:
    """views.py / api.py anywhere in qifu, and the modules of views/ or api/ packages."""
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "tests" not in p.parts
        and "migrations" not in p.parts
        and (p.name in {"views.py", "api.py"} or p.parent.name in {"views", "api"})
    )


def _unscoped_uses(source: str, label: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in _UNSCOPED_ATTRIBUTES:
            found.append(f"{label}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in _UNSCOPED_CALLS:
                found.append(f"{label}:{node.lineno} {name}()")
    return found


def test_views_and_api_modules_do_not_touch_model_managers() -> None:
    # given
    modules = _edge_modules()
    # when
    offenders = [
        use for path in modules for use in _unscoped_uses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    # then
    assert any(p.name == "api.py" for p in modules), "qifu/api.py was not found: the guard looks in the wrong place"
    assert offenders == [], f"views and API operations call selectors/services, never the ORM directly: {offenders}"


def test_the_manager_guard_sees_every_form_case() -> None:
    # given
    source = (
        "def v(request, pk):\n"
        "    a = Case.objects.get(pk=pk)\n"
        "    b = models.Case.objects.filter(x=1)\n"
        "    c = Case._default_manager.all()\n"
        "    d = shortcuts.get_object_or_404(Case, pk=pk)\n"
        "    e = case_get(actor=actor, case_id=pk)\n"
    )
    # when
    uses = _unscoped_uses(source, "views.py")
    # then
    assert sorted(int(u.split(":")[1].split()[0]) for u in uses) == [2, 3, 4, 5]


# --- (d) every API operation has a tag and a response schema ----------------------------------

_METHODS = {"get", "post", "put", "patch", "delete"}


def test_every_api_operation_has_a_tag_and_a_response_schema() -> None:
    # given
    from qifu.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    problems: list[str] = []
    # when
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            if method not in _METHODS:
                continue
            where = f"{method.upper()} {path}"
            if not op.get("tags"):
                problems.append(f"{where}: no tag (Router(tags=[...]))")
            responses = op.get("responses", {})
            ok = {code: r for code, r in responses.items() if str(code).startswith("2")}
            if not ok:
                problems.append(f"{where}: no 2xx response declared")
            for code, response in ok.items():
                if str(code) == "204":
                    continue
                # JSON, or a declared binary body (attachment downloads)
                content: dict[str, Any] = next(iter(response.get("content", {}).values()), {})
                if not content.get("schema"):
                    problems.append(f"{where}: response {code} has no schema (response=...)")
    # then
    assert "paths" in schema
    assert problems == [], "\n".join(problems)


# --- (e) the base page and the API docs load no asset from outside ----------------------------


class _Assets(HTMLParser):
    """Every URL-valued attribute and every CSS url()/@import in a rendered page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                if name == "srcset":
                    self.urls += [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
                else:
                    self.urls.append(value.strip())
            elif name == "style":
                self.css.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css.append(data)


def _outside(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "mailto", "tel", "javascript"} or url.startswith("#"):
        return False
    return bool(parts.netloc) and (parts.hostname or "") not in LOOPBACK


def _check_page(html: str) -> list[str]:
    page = _Assets()
    page.feed(html)
    problems = [f"outside URL: {url}" for url in page.urls if _outside(url)]
    problems += [f"outside CSS import: {host}" for css in page.css for host in _external_hosts(css)]
    for url in page.urls:
        path = urlsplit(url).path
        if path.startswith("/static/") and finders.find(path.removeprefix("/static/")) is None:
            problems.append(f"missing static file: {path}")
    return problems


def _base_templates() -> list[str]:
    names = []
    for path in _templates():
        if path.name.startswith("base") and path.suffix == ".html":
            parts = path.parts
            names.append("/".join(parts[len(parts) - parts[::-1].index("templates") :]))
    return sorted(set(names))


def test_base_templates_load_assets_only_through_static_or_local_paths() -> None:
    # given
    bases = _base_templates()
    offenders: list[str] = []
    # when
    for name in bases:
        source = next(p for p in _templates() if p.as_posix().endswith("templates/" + name)).read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*>", source, re.I):
            for value in re.findall(r"(?:src|href|data)\s*=\s*[\"']([^\"']*)[\"']", tag, re.I):
                if not (value.startswith(("{% static", "{{", "/", "#", "data:")) or "{% url" in value):
                    offenders.append(f"{name}: {tag}")
    # then
    assert "base.html" in bases
    assert offenders == [], offenders


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, *Role.values], ids=lambda r: f"{r or 'anonymous'}_case")
def test_the_rendered_base_page_loads_nothing_from_outside(role: str | None) -> None:
    # given
    request = RequestFactory().get("/")
    request.user = AnonymousUser() if role is None else User(username=f"guard_{role}", display_name="守卫", role=role)
    # when
    html = render_to_string("base.html", request=request)
    # then
    assert _check_page(html) == []


@pytest.mark.django_db
def test_the_api_docs_page_loads_nothing_from_outside(client: Client) -> None:
    # given a signed-in user (IP-5: the OpenAPI UI requires authentication)
    client.force_login(User.objects.create(username="guard_docs", role=Role.CADRE))
    # when
    response = client.get("/api/v1/docs")
    # then
    assert response.status_code == 200
    assert _check_page(response.content.decode()) == []
