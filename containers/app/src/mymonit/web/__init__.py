"""The web page: a single-page app served at `/`, its hashed assets, and `/config.json`.

The page is built from `containers/web` (npm, esbuild) into `static/dist/`, which is git-ignored;
`scripts/lib/web.sh` (`web_build`) builds it.
"""

from mymonit.web.browser_config import BrowserConfig, browser_config, content_security_policy
from mymonit.web.page import web_blueprint
from mymonit.web.settings import WebSettings

__all__ = ["BrowserConfig", "WebSettings", "browser_config", "content_security_policy", "web_blueprint"]
