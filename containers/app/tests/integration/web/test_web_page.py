"""The `web` blueprint inside the real app: the page, its assets, /config.json and the CSP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient

from mymonit.api.app import create_app
from mymonit.bootstrap import api_parts
from mymonit.config import Settings
from mymonit.container import Container
from mymonit.web import WebSettings, browser_config, web_blueprint

PAGE = (b'<!DOCTYPE html><html><head><link rel="stylesheet" href="/assets/app-TEST.css">'
        b'<script type="module" src="/assets/app-TEST.js"></script></head><body></body></html>')


def a_build(root: Path) -> Path:
    """A dist directory shaped like the esbuild output of containers/web."""
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_bytes(PAGE)
    (root / "assets" / "app-TEST.js").write_text("export {};\n", encoding="utf-8")
    (root / "assets" / "app-TEST.css").write_text("body { margin: 0; }\n", encoding="utf-8")
    return root


def client_serving(container: Container, dist: Path) -> Iterator[FlaskClient]:
    config = browser_config(container.settings(), WebSettings())
    with container.web_page.override(providers.Factory(web_blueprint, config, dist=dist)):
        app = create_app(api_parts(container))
    yield app.test_client()


@pytest.fixture
def web(container: Container, tmp_path: Path) -> Iterator[FlaskClient]:
    yield from client_serving(container, a_build(tmp_path / "dist"))


@pytest.fixture
def unbuilt(container: Container, tmp_path: Path) -> Iterator[FlaskClient]:
    yield from client_serving(container, tmp_path / "missing")


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_serves_the_page_at_the_root_without_a_token(web: FlaskClient) -> None:
    response = web.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.data == PAGE
    assert response.headers["Cache-Control"] == "no-cache"


def test_the_page_carries_a_strict_content_security_policy(web: FlaskClient, settings: Settings) -> None:
    policy = directives(web.get("/").headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["require-trusted-types-for"] == ["'script'"]
    assert policy["connect-src"] == ["'self'", f"http://{settings.FIREBASE_AUTH_EMULATOR_HOST}"]
    everything = " ".join(" ".join(values) for values in policy.values())
    assert "unsafe" not in everything
    assert "*" not in everything


def test_serves_hashed_assets_cached_for_a_year(web: FlaskClient) -> None:
    with web.get("/assets/app-TEST.js") as script, web.get("/assets/app-TEST.css") as style:
        assert script.data == b"export {};\n"
    assert (script.status_code, style.status_code) == (200, 200)
    assert script.mimetype == "text/javascript"
    assert style.mimetype == "text/css"
    assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Content-Security-Policy" in script.headers


def test_an_unknown_asset_is_a_404_problem(web: FlaskClient) -> None:
    response = web.get("/assets/app-GONE.js")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("path", ["/assets/../index.html", "/assets/%2e%2e/index.html", "/assets/..%5Cindex.html"])
def test_assets_never_leave_their_directory(web: FlaskClient, path: str) -> None:
    with web.get(path) as response:
        assert response.status_code == 404
        assert b"<!DOCTYPE html>" not in response.data


def test_config_json_names_the_auth_emulator_in_development(web: FlaskClient, settings: Settings) -> None:
    response = web.get("/config.json")
    assert response.status_code == 200
    assert response.json == {
        "apiKey": "fake-api-key",
        "authDomain": f"{settings.FIREBASE_PROJECT_ID}.firebaseapp.com",
        "projectId": settings.FIREBASE_PROJECT_ID,
        "authEmulatorUrl": f"http://{settings.FIREBASE_AUTH_EMULATOR_HOST}",
    }


def test_an_unbuilt_page_answers_503_saying_how_to_build_it(unbuilt: FlaskClient) -> None:
    response = unbuilt.get("/")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json is not None
    assert "web_build" in response.json["detail"]


def test_the_api_behind_the_page_still_wants_a_token(web: FlaskClient) -> None:
    response = web.get("/experiments/")
    assert response.status_code == 401
    assert "Content-Security-Policy" not in response.headers


def test_the_real_app_registers_the_page(client: FlaskClient) -> None:
    """The app every other test uses (and `mymonit serve` serves) has the blueprint, built or not."""
    assert client.get("/config.json").status_code == 200
    assert client.get("/").status_code in {200, 503}
