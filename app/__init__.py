"""Wellthread: a well-child visit companion for pediatric primary-care teams (birth to 3 years)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

from app import config as settings
from app.core import (
    jobs,
    notifications,  # noqa: F401 — registers the send-after-commit hooks
    templating,
)
from app.core.cli import register_cli
from app.core.errors import register_error_handlers
from app.core.i18n import select_locale, select_timezone
from app.dashboards import staleness
from app.dashboards.cli import register as register_metrics_cli
from app.dashboards.store import refresh_job as metrics_refresh_job
from app.db import configure_sqlite, render_migration_item
from app.demo.cli import register as register_demo_cli
from app.directory.cli import register as register_directory_cli
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.guidance.cli import register as register_guidance_cli
from app.guidance.library import shipped_prompts
from app.referrals.handoffs import handoff_alert_job
from app.screening.cli import register as register_instrument_cli
from app.screening.definitions import shipped_library
from app.screening.escalation import escalation_job


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: defaults ← environment ← `config`."""
    app = Flask(
        __name__,
        template_folder=str(settings.REPO_ROOT / "templates"),
        static_folder=str(settings.REPO_ROOT / "static"),
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(settings.defaults(app.instance_path))
    app.config.update(settings.from_environment())
    app.config.update(config or {})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))

    register_extensions(app)
    register_blueprints(app)
    register_api(app)
    register_error_handlers(app)
    register_cli(app)
    register_demo_cli(app)
    register_directory_cli(app)
    register_instrument_cli(app)
    register_guidance_cli(app)
    register_metrics_cli(app)
    shipped_library()  # a malformed instrument file stops start-up with the file and the problem
    shipped_prompts()  # so does a malformed guidance library, naming the prompt and the problem
    templating.register(app)
    app.after_request(_security_headers)
    register_jobs(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    staleness.watch()
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(
        app,
        db,
        directory=str(settings.REPO_ROOT / "migrations"),
        render_as_batch=True,  # SQLite can only ALTER tables through Alembic's batch mode
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)


def register_jobs(app: Flask) -> None:
    """Periodic work: `flask jobs run-once` (cron), or a thread when WELLTHREAD_INPROCESS_JOBS is on."""
    jobs.register(app, "escalate-critical-flags", escalation_job)
    jobs.register(app, "alert-waiting-handoffs", handoff_alert_job)
    jobs.register(app, "refresh-metric-units", metrics_refresh_job)
    app.cli.add_command(jobs.cli)
    jobs.start_in_background(app)


def register_blueprints(app: Flask) -> None:
    from app.accounts.views import admin_bp as accounts_admin_bp
    from app.accounts.views import bp as accounts_bp
    from app.appointments.views import bp as appointments_bp
    from app.audit.views import bp as audit_bp
    from app.clinics.views import bp as clinics_bp
    from app.consents.views import bp as consents_bp
    from app.dashboards import report_views  # noqa: F401 — adds the report PDF to the blueprint
    from app.dashboards.views import bp as dashboards_bp
    from app.directory.views import bp as directory_bp
    from app.families.views import bp as families_bp
    from app.followups.views import bp as followups_bp
    from app.guidance.views import bp as guidance_bp
    from app.home.views import bp as home_bp
    from app.huddles.review_views import bp as huddle_review_bp
    from app.huddles.views import bp as huddles_bp
    from app.inbox.views import bp as inbox_bp
    from app.invitations.views import bp as invitations_bp
    from app.partners.views import bp as partners_bp
    from app.practices.views import bp as practices_bp
    from app.referrals.handoff_views import bp as handoffs_bp
    from app.referrals.views import bp as referrals_bp
    from app.screener.views import bp as screener_bp
    from app.screening.views import bp as screening_bp
    from app.visits.views import bp as visits_bp

    for blueprint in (
        accounts_bp,
        accounts_admin_bp,
        home_bp,
        families_bp,
        appointments_bp,
        practices_bp,
        guidance_bp,
        clinics_bp,
        audit_bp,
        screening_bp,
        visits_bp,
        invitations_bp,
        screener_bp,
        followups_bp,
        handoffs_bp,
        consents_bp,
        partners_bp,
        referrals_bp,
        inbox_bp,
        directory_bp,
        huddles_bp,
        huddle_review_bp,
        dashboards_bp,
    ):
        app.register_blueprint(blueprint)


def register_api(app: Flask) -> None:
    from app.api import screener

    screener.register(app)


def _instance_secret_key(instance: Path) -> str:
    """A per-installation key kept in the instance folder, so a plain `flask run` needs no setup."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _security_headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'; object-src 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint != "static":
        # Pages carry families' data: never keep them in a shared or browser cache.
        response.headers["Cache-Control"] = "no-store"
    return response
