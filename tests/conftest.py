"""Fixtures: one migrated schema per test session, one rolled-back transaction per test.

With DATABASE_URL set to a PostgreSQL URL the suite creates its own throw-away database on that
server (never touching the named one); otherwise it uses a temporary SQLite file.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date

import flask_babel
import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.engine import make_url

from app import create_app
from app.config import REPO_ROOT
from app.extensions import SESSION_OPTIONS, db
from tests.demo.volume_world import volume  # noqa: F401 — the toy practice, for any test
from tests.factories import Factory

FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def _postgres_test_database(url: str) -> Iterator[str]:
    base = make_url(url)
    name = f"wellthread_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        yield from _postgres_test_database(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _compile_catalogues() -> None:
    """Tests read the current .po files, compiled, whatever state the working tree's .mo files are in."""
    for po in (REPO_ROOT / "translations").glob("*/LC_MESSAGES/*.po"):
        with open(po, "rb") as source:
            catalog = read_po(source)
        with open(po.with_suffix(".mo"), "wb") as target:
            write_mo(target, catalog)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    _compile_catalogues()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "WELLTHREAD_ARGON2": FAST_ARGON2,
        }
    )
    with app.app_context():
        upgrade()  # the schema comes from the migrations, which tests them too
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[sa.orm.scoped_session]:
    """A session whose every commit (in tests and in requests) is rolled back after the test."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        # A plain Session: Flask-SQLAlchemy's own would pick the engine and escape the transaction.
        # One session per app context, as in the app, each inside its own savepoint.
        factory = sa.orm.sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", **SESSION_OPTIONS
        )
        db.session = sa.orm.scoped_session(factory, scopefunc=_app_ctx_id)
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def make(db_session) -> Factory:
    return Factory(today=date.today())


class _Client(FlaskClient):
    """Make each request behave as in production although it shares the test's app context.

    The test's set-up is committed first (to its savepoint), so a request that rolls back
    cannot take it along; `g` and the cached locale start empty, as in a fresh app context;
    whatever the request left uncommitted is rolled back, as the app's teardown would.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        g.__dict__.clear()
        flask_babel.refresh()
        try:
            return super().open(*args, **kwargs)
        finally:
            db.session.rollback()
            g.__dict__.clear()
            flask_babel.refresh()


@pytest.fixture
def clinic(make):
    """A clinic of its own for the test, with the 14 practices seeded."""
    return make.clinic()


@pytest.fixture
def client(app: Flask, db_session) -> FlaskClient:
    app.test_client_class = _Client
    return app.test_client()


@pytest.fixture
def login(client: FlaskClient):
    """Sign `client` in as the user of a membership (or a user), through the real sign-in form."""

    def sign_in(user_or_membership, password: str = Factory.password) -> FlaskClient:
        user = getattr(user_or_membership, "user", user_or_membership)
        response = client.post("/sign-in", data={"email": user.email, "password": password})
        assert response.status_code == 302, "sign-in failed in a fixture"
        return client

    return sign_in


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args) -> None:
        self.count += 1


@pytest.fixture
def count_queries(db_session):
    """`with count_queries() as counted: ...` then `counted.count` is the number of SQL statements."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def outbox(app: Flask):
    """Text messages and e-mails the app sent (after commit), kept in memory instead of delivered."""
    app.config.update(WELLTHREAD_SMS_BACKEND="memory", WELLTHREAD_EMAIL_BACKEND="memory")
    app.extensions["wellthread_outbox"] = []
    yield app.extensions["wellthread_outbox"]
    app.config.update(WELLTHREAD_SMS_BACKEND="console", WELLTHREAD_EMAIL_BACKEND="console")
