"""Metrics dashboard at practice scale: queries, server time and size of its pages and reports.

    .venv/bin/python bench/dashboard.py
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/wellthread_bench_metrics \
        .venv/bin/python bench/dashboard.py

Runs on PostgreSQL: DATABASE_URL, or the database wellthread_bench_metrics on the local server
(created when missing). The first run seeds the volume clinic (`flask seed-volume`: 20 sites over
5 years, about half a million appointments) and prints how long that took; later runs reuse it and
only migrate forward. It prints how long building the stored units from scratch took when an
upgrade changed their rules (`flask metrics refresh --rebuild` builds them again on purpose), and
how long a page waits for them when 100 or 1,000 households changed since the last read, and how
long rewriting them in reading order takes (`flask metrics refresh --compact`, nightly). Then,
signed in as the clinic's practice manager, it prints for each page its status, query count,
median server time over 5 requests and size: the dashboard over the last 12 full months for one
site and for all sites (by site, the default breakdown, then by language and by race and
ethnicity), and the monthly PDF report of the last full month in English and Spanish.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from app.clinics.models import Clinic, Site
from app.dashboards import store
from app.dashboards.models import StaleHousehold
from app.dashboards.periods import add_months
from app.demo.volume import local_today
from app.demo.volume_cli import DEFAULT_PASSWORD, seed_volume_command
from app.demo.volume_staff import MANAGER_EMAIL, VOLUME_SLUG, volume_clinic_exists
from app.extensions import db
from app.families.models import Household
from bench.common import bench_app, get_counting_queries, median_ms

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/wellthread_bench_metrics"
RUNS = 5


def _ensure_database(url: str) -> None:
    """Create the bench database on its server when it is not there yet."""
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        found = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not found:
            connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()


def _seed_once(app: Flask, password: str) -> None:
    """Seed the volume clinic unless it is already there; print its rows and the time it took."""
    with app.app_context():
        if volume_clinic_exists():
            print("seed: the volume clinic is already here; reusing it")
            return
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(seed_volume_command, ["--password", password])
    print(result.output, end="")
    if result.exit_code != 0:
        raise SystemExit(f"seeding failed: {result.exception!r}")
    print(f"seed: {time.perf_counter() - started:.1f} s in all, committing and ANALYZE included")


def _paths(app: Flask) -> list[tuple[str, str]]:
    """The pages to time: the last 12 full months, for one site and for all; last month's report."""
    today = local_today()
    last = add_months(today.replace(day=1), -1)
    months = f"from={add_months(last, -11):%Y-%m}&to={last:%Y-%m}"
    with app.app_context():
        clinic_id = db.session.scalar(sa.select(Clinic.id).where(Clinic.slug == VOLUME_SLUG))
        site_id = db.session.scalar(
            sa.select(Site.id).where(Site.clinic_id == clinic_id).order_by(Site.id).limit(1)
        )
    return [
        ("dashboard, a year, one site", f"/metrics/?{months}&site={site_id}"),
        ("dashboard, a year, all sites", f"/metrics/?{months}"),
        ("dashboard, a year, all sites by language", f"/metrics/?{months}&by=language"),
        ("dashboard, a year, all sites by race", f"/metrics/?{months}&by=race_ethnicity"),
        ("report PDF, last month, English", f"/metrics/report.pdf?month={last:%Y-%m}&lang=en"),
        ("report PDF, last month, Spanish", f"/metrics/report.pdf?month={last:%Y-%m}&lang=es"),
    ]


def _refresh_after_changes(app: Flask) -> None:
    """How long a page waits for the stored units when `n` households changed since the last
    read (a day at 20 sites is about 400 visits): the households are marked as a change would."""
    with app.app_context():
        clinic_id = db.session.scalar(sa.select(Clinic.id).where(Clinic.slug == VOLUME_SLUG))
        started = time.perf_counter()
        done = store.refresh(clinic_id)
        db.session.commit()
        if done.rebuilt:
            print(f"stored units: {len(done.rebuilt)} metrics built from scratch (their rules "
                  f"changed) in {time.perf_counter() - started:.1f} s")  # fmt: skip
        for count in (100, 1000):
            households = db.session.scalars(
                sa.select(Household.id)
                .where(Household.clinic_id == clinic_id)
                .order_by(sa.func.random())
                .limit(count)
            ).all()
            db.session.execute(
                sa.insert(StaleHousehold),
                [{"clinic_id": clinic_id, "household_id": h} for h in households],
            )
            db.session.commit()
            started = time.perf_counter()
            done = store.refresh(clinic_id)
            db.session.commit()
            print(f"stored units: {done.households} changed households worked out again in "
                  f"{(time.perf_counter() - started) * 1000:.0f} ms")  # fmt: skip


def _compact(app: Flask) -> None:
    """What the nightly `flask metrics refresh --compact` does, timed."""
    with app.app_context():
        started = time.perf_counter()
        done = store.compact()
        db.session.commit()
        print(f"stored units put in reading order (CLUSTER): {done}, "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip


def _first_request(app: Flask, client: FlaskClient, path: str) -> tuple[int, int, int]:
    """(status, queries, bytes) of one request."""
    response, statements = get_counting_queries(app, client, path)
    if os.environ.get("BENCH_SHOW_SQL"):
        print(f"-- {path}", *(" ".join(q.split())[:200] for q in statements), sep="\n")
    return response.status_code, len(statements), len(response.get_data())


def main() -> None:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgresql"):
        raise SystemExit("bench/dashboard.py runs on PostgreSQL: set DATABASE_URL to one.")
    _ensure_database(url)
    app = bench_app(url, keep_data=True)
    password = os.environ.get("BENCH_PASSWORD", DEFAULT_PASSWORD)
    _seed_once(app, password)
    client = app.test_client()
    signed_in = client.post("/sign-in", data={"email": MANAGER_EMAIL, "password": password})
    if signed_in.status_code != 302:
        raise SystemExit(f"{MANAGER_EMAIL} could not sign in (set BENCH_PASSWORD?)")
    print(f"engine: postgresql; the clinic's today: {local_today()}")
    _refresh_after_changes(app)
    paths = _paths(app)
    # The refreshes just made leave the changed households' units wherever there was room, as a
    # day of visits does: the all-sites page then, and after the nightly rewrite.
    _time_page(app, client, f"{paths[1][0]}, before compacting", paths[1][1])
    _compact(app)
    for label, path in paths:
        _time_page(app, client, label, path)


def _time_page(app: Flask, client: FlaskClient, label: str, path: str) -> None:
    status, queries, size = _first_request(app, client, path)
    ms = median_ms(lambda: client.get(path), RUNS)
    print(f"{label}: HTTP {status}, {queries} queries, median {ms:.0f} ms over {RUNS}, "
          f"{size:,} bytes  ({path})")  # fmt: skip


if __name__ == "__main__":
    main()
