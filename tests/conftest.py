"""Fixtures: one migrated schema per test session, one rolled-back transaction per test.

With DATABASE_URL set to a PostgreSQL URL the suite creates its own throw-away database on that
server (never touching the named one); otherwise it uses a temporary SQLite file.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
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


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
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
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint"}
        )
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


@pytest.fixture
def client(app: Flask, db_session) -> FlaskClient:
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
