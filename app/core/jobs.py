"""Periodic jobs: registered by features, run in-process (one machine) or by `flask jobs run-once`.

A job is a callable taking no argument that changes rows through operations (flush, never commit).
Each run gets its own app context, hence its own session: committed when the job returns, rolled
back and logged when it raises. Several processes may run the same job at once (gunicorn workers,
cron on two hosts): jobs claim their rows so that this is harmless.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask.helpers import get_debug_flag

from app.extensions import db

log = logging.getLogger("wellthread.jobs")

Job = Callable[[], Any]
_EXTENSION = "wellthread_jobs"


def register(app: Flask, name: str, job: Job) -> None:
    """Add `job` to those run every interval (and by `flask jobs run-once`)."""
    app.extensions.setdefault(_EXTENSION, {})[name] = job


def registered(app: Flask) -> dict[str, Job]:
    return dict(app.extensions.get(_EXTENSION, {}))


def run_job(app: Flask, name: str, job: Job) -> bool:
    """Run one job in a fresh app context and session; True when its work was committed."""
    with app.app_context():
        try:
            job()
            db.session.commit()
        except Exception:
            log.exception("job %s failed; its changes are rolled back", name)
            db.session.rollback()
            return False
    return True


def run_registered(app: Flask) -> dict[str, bool]:
    """Run every registered job once, each on its own: one failing does not stop the others."""
    return {name: run_job(app, name, job) for name, job in registered(app).items()}


class Runner:
    """The background thread of one process; `stop()` ends it after the current round."""

    def __init__(self, app: Flask, interval: float) -> None:
        self.app, self.interval = app, interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.loop, name="wellthread-jobs", daemon=True)

    def loop(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                run_registered(self.app)
            except (
                Exception
            ):  # e.g. the database is unreachable even for a rollback: try again later
                log.exception("periodic jobs could not run")

    def stop(self) -> None:
        self.stopped.set()


def _serves_requests() -> bool:
    """Whether this process serves pages: a WSGI server or `flask run`, not another CLI command."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:  # gunicorn, `python wsgi.py`: no click command is running
        return True
    if ctx.command.name != "run":
        return False
    reloading = ctx.params.get("reload")
    if reloading is None:
        reloading = get_debug_flag()
    # With the reloader, the first process only watches files; the one it starts serves.
    return not reloading or os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def start_in_background(app: Flask) -> Runner | None:
    """Start the runner when WELLTHREAD_INPROCESS_JOBS is on, never under tests or other commands."""
    if not app.config["WELLTHREAD_INPROCESS_JOBS"] or app.testing or not _serves_requests():
        return None
    runner = Runner(app, app.config["WELLTHREAD_JOBS_INTERVAL_SECONDS"])
    runner.thread.start()
    log.info("periodic jobs run every %s seconds in this process", runner.interval)
    return runner


cli = AppGroup("jobs", help="Periodic jobs (escalation of waiting critical answers, …).")


@cli.command("run-once")
def run_once() -> None:
    """Run every registered job once, committing each: for cron in production deployments."""
    results = run_registered(current_app._get_current_object())  # type: ignore[attr-defined]
    for name, succeeded in results.items():
        click.echo(f"{name}: {'done' if succeeded else 'failed (see the log)'}")
    if not all(results.values()):
        raise click.exceptions.Exit(1)
