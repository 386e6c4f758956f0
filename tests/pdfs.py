"""Reading PDFs as a person would: the text of every page, extracted by pypdf."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    """All pages' text with runs of whitespace made single spaces."""
    return re.sub(r"\s+", " ", " ".join(pdf_pages(data)))
