"""Periodic jobs: committed when they succeed, rolled back when they fail, never stopping the runner."""

from __future__ import annotations

import click
import pytest
import sqlalchemy as sa
from flask import Flask

from app import config
from app.core import jobs
from app.core.audit import AuditEvent
from app.extensions import db


def _leave_trace(name: str) -> None:
    db.session.add(AuditEvent(action="job-test", object_type=name))
    db.session.flush()


def _failing() -> None:
    _leave_trace("failing")
    raise RuntimeError("the job broke")


def _working() -> None:
    _leave_trace("working")


def traces(db_session) -> list[str]:
    return list(
        db_session.scalars(
            sa.select(AuditEvent.object_type)
            .where(AuditEvent.action == "job-test")
            .order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def registered(app, monkeypatch) -> dict:
    """The app's jobs, replaced by the test's own for the duration of the test."""
    own: dict = {}
    monkeypatch.setitem(app.extensions, "wellthread_jobs", own)
    return own


def test_a_job_is_committed_and_a_failing_one_rolled_back_without_stopping_the_others(
    app, db_session, registered, caplog
):
    jobs.register(app, "failing", _failing)
    jobs.register(app, "working", _working)

    assert jobs.run_registered(app) == {"failing": False, "working": True}

    # Work left uncommitted would be gone with the job's own session.
    assert traces(db_session) == ["working"]
    assert "job failing failed" in caplog.text


def test_the_runner_carries_on_after_a_failing_job_and_a_failing_round(
    app, db_session, registered, monkeypatch
):
    runner = jobs.Runner(app, interval=0)
    rounds = []
    jobs.register(app, "failing", _failing)

    def count_and_stop() -> None:
        rounds.append(len(rounds) + 1)
        if len(rounds) == 2:
            runner.stop()

    jobs.register(app, "counting", count_and_stop)
    run_registered = jobs.run_registered
    calls = []

    def first_round_cannot_even_start(app):
        calls.append(app)
        if len(calls) == 1:
            raise sa.exc.OperationalError("SELECT 1", {}, Exception("database unreachable"))
        return run_registered(app)

    monkeypatch.setattr(jobs, "run_registered", first_round_cannot_even_start)

    runner.loop()  # returns only once the counting job has stopped it, in its second run

    assert len(calls) == 3
    assert rounds == [1, 2]


def _bare_app(**settings) -> Flask:
    app = Flask("jobs-test")
    app.config.update(
        {"WELLTHREAD_INPROCESS_JOBS": True, "WELLTHREAD_JOBS_INTERVAL_SECONDS": 3600, **settings}
    )
    return app


def _started(app: Flask) -> bool:
    runner = jobs.start_in_background(app)
    if runner is None:
        return False
    runner.stop()
    runner.thread.join(timeout=5)
    assert not runner.thread.is_alive()
    return True


def test_the_runner_starts_in_a_serving_process_only_when_configured():
    assert _started(_bare_app())
    assert not _started(_bare_app(WELLTHREAD_INPROCESS_JOBS=False))


def test_the_runner_never_starts_under_tests(app, monkeypatch):
    monkeypatch.setitem(app.config, "WELLTHREAD_INPROCESS_JOBS", True)
    assert not _started(app)


@pytest.mark.parametrize(
    ("command", "params", "starts"),
    [
        ("run", {"reload": False}, True),
        ("upgrade", {}, False),
        ("seed-demo", {}, False),
        ("run-once", {}, False),
        ("run", {"reload": True}, False),  # the reloader's watcher; the process it starts serves
    ],
)
def test_the_runner_starts_under_flask_run_but_no_other_command(
    monkeypatch, command, params, starts
):
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    with click.Context(click.Command(command)) as ctx:
        ctx.params.update(params)
        assert _started(_bare_app()) is starts


def test_the_reloaders_serving_process_runs_the_jobs(monkeypatch):
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    with click.Context(click.Command("run")) as ctx:
        ctx.params["reload"] = True
        assert _started(_bare_app())


def test_in_process_jobs_are_off_unless_the_environment_turns_them_on(monkeypatch, tmp_path):
    monkeypatch.delenv("WELLTHREAD_INPROCESS_JOBS", raising=False)
    monkeypatch.delenv("WELLTHREAD_JOBS_INTERVAL_SECONDS", raising=False)
    settings = {**config.defaults(str(tmp_path)), **config.from_environment()}
    assert settings["WELLTHREAD_INPROCESS_JOBS"] is False
    assert settings["WELLTHREAD_JOBS_INTERVAL_SECONDS"] == 60

    monkeypatch.setenv("WELLTHREAD_INPROCESS_JOBS", "1")
    monkeypatch.setenv("WELLTHREAD_JOBS_INTERVAL_SECONDS", "15")
    monkeypatch.setenv("WELLTHREAD_BASE_URL", "https://care.example.org")
    settings = {**config.defaults(str(tmp_path)), **config.from_environment()}
    assert settings["WELLTHREAD_INPROCESS_JOBS"] is True
    assert settings["WELLTHREAD_JOBS_INTERVAL_SECONDS"] == 15
    assert settings["WELLTHREAD_BASE_URL"] == "https://care.example.org"


def test_flask_jobs_run_once_reports_each_job_and_fails_when_one_did(app, db_session, registered):
    jobs.register(app, "working", _working)
    jobs.register(app, "failing", _failing)

    result = app.test_cli_runner().invoke(args=["jobs", "run-once"])

    assert result.exit_code == 1
    assert "working: done" in result.output
    assert "failing: failed (see the log)" in result.output
    assert traces(db_session) == ["working"]


def test_the_escalation_of_waiting_critical_answers_is_a_registered_job(app):
    assert "escalate-critical-flags" in jobs.registered(app)
