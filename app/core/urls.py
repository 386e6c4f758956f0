"""Absolute links for messages sent outside a request (jobs, e-mails): built from WELLTHREAD_BASE_URL."""

from __future__ import annotations

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
