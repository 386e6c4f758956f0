"""Parent screener budgets: bytes of the first load, and time until usable on an emulated slow-3G phone.

    .venv/bin/python bench/screener_first_load.py            # SQLite in a temp folder
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/screener_first_load.py

Prints the bytes each request of the first load transferred (and their gzip size, as a compressing
proxy would serve them) and, over three runs with Chromium's "Slow 3G" profile (2 s latency,
50 KB/s each way), the time from navigation until the first screen's Start button can be tapped.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.appointments.models import VisitKind
from app.extensions import db
from app.invitations.models import Channel
from app.invitations.operations import create_invitation
from tests.factories import Factory

SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 50_000,
    "uploadThroughput": 50_000,
}
BUDGET_BYTES = 60 * 1024
BUDGET_SECONDS = 3.0


def _app():
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "SESSION_COOKIE_SECURE": False,
            "WELLTHREAD_ARGON2": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        }
    )
    with app.app_context():
        upgrade()
    return app


def _token(app) -> str:
    with app.app_context():
        make = Factory(today=date.today())
        household = make.household(make.clinic("Bench Pediatrics"))
        parent = make.caregiver(household, preferred_language="es")
        appointment = make.appointment(make.child(household), visit_kind=VisitKind.MONTH_2)
        _invitation, token = create_invitation(
            appointment, language="es", channel=Channel.QR, created_by_id=None, caregiver=parent
        )
        db.session.commit()
        return token


def _sizes(request) -> tuple[str, int, int]:
    body = request.response().body()
    return request.url, len(body), len(gzip.compress(body, 9))


def _load(browser, url: str, throttled: bool) -> tuple[float, list[tuple[str, int, int]]]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-MX")
    page = context.new_page()
    sizes: list[tuple[str, int, int]] = []
    page.on("requestfinished", lambda request: sizes.append(_sizes(request)))
    if throttled:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    started = time.perf_counter()
    page.goto(url)
    page.get_by_role("button", name="Comenzar").wait_for(timeout=60_000)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed, sizes


def main() -> None:
    app = _app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        _elapsed, sizes = _load(browser, f"{base}/s/{_token(app)}", throttled=False)
        times = [_load(browser, f"{base}/s/{_token(app)}", throttled=True)[0] for _ in range(3)]
        browser.close()
    server.shutdown()
    print("First load of the screener (every request; all same-origin):")
    for url, size, zipped in sizes:
        print(f"  {size:7,d} B ({zipped:6,d} B gzip)  {url.replace(base, '')}")
    raw, zipped = sum(s[1] for s in sizes), sum(s[2] for s in sizes)
    print(f"  total {raw:,d} B, {zipped:,d} B gzip (budget {BUDGET_BYTES:,d} B compressed)")
    print(
        f"Slow 3G, time until the Start button can be tapped: {', '.join(f'{t:.2f} s' for t in times)}"
        f" (median {statistics.median(times):.2f} s; budget {BUDGET_SECONDS:.0f} s)"
    )


if __name__ == "__main__":
    main()
