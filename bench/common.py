"""What the benches share: an app on a freshly built database, and a median timer."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable

from flask import Flask
from flask_migrate import downgrade, upgrade

from app import create_app


def bench_app() -> Flask:
    """The app on DATABASE_URL (emptied and migrated again) or on a new SQLite file."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,
        "WELLTHREAD_ARGON2": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    })  # fmt: skip
    with app.app_context():
        if url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
    return app


def median_ms(call: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
