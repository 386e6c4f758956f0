"""The PDF renderer loads the app's own static files and nothing else."""

from __future__ import annotations

import pytest

from app.core.pdf import ForbiddenPdfResourceError, render_pdf
from tests.pdfs import pdf_text


def test_a_document_renders_with_the_apps_own_stylesheet(app):
    with app.app_context():
        pdf = render_pdf('<link rel="stylesheet" href="pdf/documents.css"><h1>Visit summary</h1>')

    # The page number in the footer comes from the stylesheet's @page rule: it was loaded.
    assert pdf_text(pdf).strip() == "Visit summary 1 / 1"


@pytest.mark.parametrize(
    "html",
    [
        '<img src="https://tracker.example.org/pixel.png">',
        '<img src="http://127.0.0.1:9/internal">',
        '<link rel="stylesheet" href="//cdn.example.org/style.css">',
        '<style>@import url("https://fonts.example.org/font.css");</style>',
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="../app/config.py">',
        '<link rel="stylesheet" href="/etc/hostname">',
        '<p style="background: url(ftp://files.example.org/a.png)">x</p>',
    ],
)
def test_an_outside_url_or_file_stops_the_rendering(app, html):
    with app.app_context(), pytest.raises(ForbiddenPdfResourceError):
        render_pdf(f"<p>Summary</p>{html}")


def test_inline_data_urls_are_allowed(app):
    pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACw=AAAAAAEAAQAAAgA7"
    with app.app_context():
        assert render_pdf(f'<p>Logo</p><img src="{pixel}" alt="">').startswith(b"%PDF")
