"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files.

User text is escaped by the templates, and even markup that reaches the renderer can make it read
only files under our static directories (fonts, the print stylesheet): `file://`, `http(s)://`
to any other host, `data:` and CSS `url()` pointing elsewhere are refused.
"""

import io
import logging
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# A host that cannot exist (RFC 6761): relative URLs in templates resolve against it, and only
# its /static/ paths are served, from disk.
BASE_URL = "https://kiemdiem.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
MIME_TYPES = {".ttf": "font/ttf", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


class RefusedFetch(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves /static/… from the staticfiles finders; refuses every other URL."""

    def __init__(self):
        super().__init__(allowed_protocols={"https"}, allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_PREFIX):
            self.refused.append(url)
            raise RefusedFetch(f"refused: {url[:200]}")
        relative = url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0]
        path = finders.find(relative) if ".." not in relative else None
        if not path:
            self.refused.append(url)
            raise RefusedFetch(f"not a static file: {relative[:200]}")
        data = Path(path).read_bytes()
        return URLFetcherResponse(
            url, data, {"Content-Type": MIME_TYPES.get(Path(path).suffix, "application/octet-stream")}, 200
        )


def html_to_pdf(html: str, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    fetcher = fetcher or StaticOnlyFetcher()
    fonts = FontConfiguration()
    buffer = io.BytesIO()
    HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(buffer, font_config=fonts)
    if fetcher.refused:
        logger.warning("PDF render refused %d URL(s): %s", len(fetcher.refused), fetcher.refused[:3])
    return buffer.getvalue()


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context))
