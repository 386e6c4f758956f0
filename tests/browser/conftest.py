"""Browser tests: the real screener in headless Chromium (Playwright, the system `chromium`).

The page runs against a live server in a thread, so its data must be committed: it gets its own
SQLite file, migrated once, separate from the rolled-back per-test database of the other tests.
Without Chromium the tests are skipped on a developer machine and fail in CI (.ci/run installs it).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db, limiter
from tests.conftest import FAST_ARGON2
from tests.factories import Factory

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing: .ci/run installs the Debian package 'chromium'")
    pytest.skip(
        "Chromium is not installed here; `apt-get install chromium` to run the browser tests"
    )


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    database = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "WELLTHREAD_ARGON2": FAST_ARGON2,
            "WELLTHREAD_KIOSK_DONE_SECONDS": 1,
        }
    )
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session")
def live_url(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, live_url):
    """A fresh 360×740 phone that may talk only to the app's own origin."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="es-MX", service_workers="allow"
    )
    outside = []
    context.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(live_url) else None
        ),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert outside == [], f"requests left the app's origin: {outside}"


@pytest.fixture
def live(live_app: Flask):
    """Build data in the live server's database (committed, so the browser sees it)."""
    with live_app.app_context():
        limiter.reset()
        yield Factory(today=date.today())
        db.session.commit()
        db.session.remove()
