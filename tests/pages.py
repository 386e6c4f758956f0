"""Reading pages as a person would: visible text, without markup or entities."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


class _TextCollector(HTMLParser):
    """Visible text; with `only_lang`, text inside elements marked as another language is left out."""

    SKIP = {"script", "style", "title"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def __init__(self, only_lang: str | None = None) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skipping = 0
        self._only_lang = only_lang
        self._open: list[bool] = []  # per open element: does it start a skipped region?

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        skips = tag in self.SKIP or bool(
            self._only_lang and lang and tag != "html" and lang != self._only_lang
        )
        self._open.append(skips)
        self._skipping += skips

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._open:
            self._skipping -= self._open.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.chunks.append(" ".join(data.split()))


def text_chunks(response, only_lang: str | None = None) -> list[str]:
    """Each visible run of text on the page (only in `only_lang` parts, when given)."""
    collector = _TextCollector(only_lang)
    collector.feed(response.get_data(as_text=True))
    return collector.chunks


def text_of(response) -> str:
    """The page's visible text as one string with single spaces."""
    return re.sub(r"\s+", " ", unescape(" ".join(text_chunks(response))))
