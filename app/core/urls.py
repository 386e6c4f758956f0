"""Absolute links for messages sent outside a request (jobs, e-mails): built from WELLTHREAD_BASE_URL."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    """The full address of `endpoint`, the same inside a request or in a background job."""
    base = urlsplit(current_app.config["WELLTHREAD_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: no scheme, no host, no backslash, and no
    whitespace or control characters (a browser drops them, turning "/\t/x" into "//x")."""
    if not target or re.search(r"[\x00-\x20\x7f\\]", target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
