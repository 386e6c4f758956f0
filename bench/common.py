"""What the benches share: an app on a freshly built database, a query counter, a median timer."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from werkzeug.test import TestResponse

from app import create_app
from app.extensions import db


def bench_app(url: str | None = None, *, keep_data: bool = False) -> Flask:
    """The app on `url` or DATABASE_URL (emptied and migrated again, or with `keep_data` only
    migrated forward) or on a new SQLite file."""
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,
        "WELLTHREAD_ARGON2": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    })  # fmt: skip
    with app.app_context():
        if url.startswith("postgresql") and not keep_data:
            downgrade(revision="base")
        upgrade()
    return app


def get_counting_queries(
    app: Flask, client: FlaskClient, path: str
) -> tuple[TestResponse, list[str]]:
    """GET `path` with `client`; the response and the SQL statements the request sent."""
    counted: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        counted.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get(path)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
    return response, counted


def median_ms(call: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
