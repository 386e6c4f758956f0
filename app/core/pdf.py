"""PDF documents with WeasyPrint. The renderer reads nothing but the app's own static files.

A document is HTML rendered from a template. Every resource it names (stylesheet, image, font) goes
through `StaticOnlyFetcher`: `data:` URLs and files under `static/` load; any other URL — http(s),
a `file:` path outside `static/`, another scheme — stops the rendering with `ForbiddenPdfResourceError`,
so a template (or a value pasted into one) can never make the server fetch or disclose anything.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from flask import current_app
from weasyprint.urls import FatalURLFetchingError, URLFetcher

PDF_MIMETYPE = "application/pdf"

# Font subsetting logs every table it reads at DEBUG; a document is not worth a hundred log lines.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class ForbiddenPdfResourceError(RuntimeError):
    """A document asked for a resource outside the app's static files."""


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint fetcher limited to `data:` URLs and files inside one folder."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url: str, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file" and not self._inside_root(url):
            raise ValueError(f"outside the static folder: {url}")
        return super().fetch(url, headers)

    def _inside_root(self, url: str) -> bool:
        path = Path(unquote(urlsplit(url).path)).resolve()
        return path.is_file() and path.is_relative_to(self.root)


def static_root() -> Path:
    return Path(current_app.static_folder or "static")


def render_pdf(html: str) -> bytes:
    """Render `html` to PDF bytes; relative URLs resolve inside the app's static folder."""
    root = static_root().resolve()
    document = weasyprint.HTML(
        string=html, base_url=root.as_uri() + "/", url_fetcher=StaticOnlyFetcher(root)
    )
    try:
        return document.write_pdf()
    except FatalURLFetchingError as error:
        # WeasyPrint's fatal error is a BaseException; callers get an ordinary one naming the cause.
        raise ForbiddenPdfResourceError(str(error.__cause__ or error)) from None
