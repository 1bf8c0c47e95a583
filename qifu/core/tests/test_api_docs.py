"""/api/v1/docs and /api/v1/openapi.json: local assets, CSP-clean, behind authentication (IP-5)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from qifu.accounts.models import User
from qifu.accounts.roles import Role

DOCS = "/api/v1/docs"
SCHEMA = "/api/v1/openapi.json"


@pytest.fixture
def session_client(db) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create(username="docs_reader", role=Role.CADRE))
    return client


def test_anonymous_docs_redirect_to_sign_in(db, client):
    response = client.get(DOCS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=/api/v1/docs" in response["Location"]


def test_anonymous_schema_is_401(db, client):
    response = client.get(SCHEMA)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_bad_token_is_not_enough(db, client):
    response = client.get(SCHEMA, headers={"Authorization": "Bearer qf_nope"})
    assert response.status_code == 401


def test_schema_with_a_token(cast, api_as):
    response = api_as(cast.ent_a).get(SCHEMA)
    assert response.status_code == 200
    assert "/api/v1/enterprises/{uscc}" in response.json()["paths"]


def test_password_expired_session_cannot_read_the_docs(db):
    client = Client()
    client.force_login(User.objects.create(username="stale", role=Role.CADRE, must_change_password=True))
    assert client.get(SCHEMA).status_code == 401


def test_docs_page_is_served_locally_under_our_csp(session_client):
    # when a signed-in user opens the docs
    response = session_client.get(DOCS)
    html = response.content.decode()
    # then every script is a local static file (no inline code, which script-src 'self' would block) ...
    assert response.status_code == 200
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    executable = [(attrs, body) for attrs, body in scripts if 'type="application/json"' not in attrs]
    assert executable, "the docs page should load Swagger UI"
    for attrs, body in executable:
        src = re.search(r'src="([^"]+)"', attrs)
        assert src is not None and body.strip() == "", f"inline script would be blocked by CSP: {attrs}"
        assert src.group(1).startswith("/static/ninja/")
        assert finders.find(src.group(1).removeprefix("/static/")) is not None
    # ... the settings travel as inert JSON, and the page carries the site CSP unchanged
    assert '<script type="application/json" id="swagger-settings">' in html
    assert '"url": "/api/v1/openapi.json"' in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_static_assets_are_served(session_client):
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        response = session_client.get(f"/static/{asset}")
        assert response.status_code == 200, asset


def test_schema_with_a_session(session_client):
    schema = session_client.get(SCHEMA).json()
    assert schema["info"]["title"] == "Qifu API"
    ops = [(m, p, op) for p, item in schema["paths"].items() for m, op in item.items()]
    assert len(ops) >= 16
    for method, path, op in ops:
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        assert op.get("tags"), where
        assert {"401", "403", "422"} <= set(op["responses"]), where
        error = op["responses"]["401"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorOut"}, where
    assert set(schema["components"]["schemas"]["ErrorOut"]["required"]) == {"code", "detail"}


def test_money_is_never_a_float_in_the_schema(session_client):
    schemas = session_client.get(SCHEMA).json()["components"]["schemas"]
    for name in ("EnterpriseOut", "ProjectOut", "ProjectListOut"):
        for field, spec in schemas[name]["properties"].items():
            if "investment" in field or field.endswith("_last_year") or field == "registered_capital":
                types = {s.get("type") for s in spec.get("anyOf", [spec])}
                assert "number" not in types, f"{name}.{field} is a float: {spec}"
