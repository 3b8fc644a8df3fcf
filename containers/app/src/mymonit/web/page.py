"""The `web` blueprint: `/` (the page), `/assets/<name>` (hashed, cached for a year), `/config.json`."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

from mymonit.api.problems import problem
from mymonit.api.responses import json_response
from mymonit.web.browser_config import BrowserConfig, content_security_policy

DIST = Path(__file__).resolve().parent / "static" / "dist"
YEAR = 365 * 24 * 3600


def web_blueprint(config: BrowserConfig, dist: Path = DIST) -> Blueprint:
    """Serves the build in `dist`; answers 503 problems while the page is not built or not configured."""
    bp = Blueprint("web", __name__)
    policy = content_security_policy(config)

    @bp.get("/")
    def index() -> Response:
        page = dist / "index.html"
        if not page.is_file():
            return problem(503, "Web page not built",
                           "the page is built from containers/web by ./run.sh (scripts/lib/web.sh: web_build)")
        response = Response(page.read_bytes(), mimetype="text/html")
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.get("/assets/<path:name>")
    def asset(name: str) -> Response:
        response = send_from_directory(dist / "assets", name, max_age=YEAR)
        # Names carry a content hash: a new build has new names, so a cached copy is never stale.
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return response

    @bp.get("/config.json")
    def config_json() -> Response:
        if config.api_key is None:
            return problem(503, "Sign-in not configured",
                           "set FIREBASE_API_KEY (and FIREBASE_AUTH_DOMAIN) to the Firebase project's web app")
        return json_response(config.as_json())

    @bp.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return response

    return bp
