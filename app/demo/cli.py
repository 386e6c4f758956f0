"""`flask seed-demo`: a synthetic clinic to explore Wellthread with, holding no real family."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click
from flask import Flask
from flask.cli import with_appcontext

from app.accounts.models import Membership
from app.accounts.passwords import verify_password
from app.accounts.queries import memberships_of_clinic
from app.clinics.models import Clinic
from app.core.errors import DomainError
from app.db import now_utc
from app.demo.seed import DEMO_TIMEZONE, DemoSummary, demo_clinic, seed_demo_clinic
from app.demo.volume_cli import seed_volume_command
from app.extensions import db

DEFAULT_PASSWORD = "wellthread-demo"  # noqa: S105 — the documented password of the demo accounts

RESET_REFUSAL = (
    "The demo clinic already exists, and Wellthread never deletes records: the audit log is "
    "append-only. To start over, delete the SQLite file or drop and re-create the database "
    "({database}), run `flask db upgrade`, then run `flask seed-demo` again."
)


@click.command("seed-demo")
@click.option(
    "--password",
    default=DEFAULT_PASSWORD,
    show_default=True,
    help="Password of every demo account (at least 12 characters).",
)
@click.option(
    "--reset/--no-reset",
    default=False,
    help="Start over when the demo clinic exists. Refused: delete the database instead.",
)
@with_appcontext
def seed_demo(password: str, reset: bool) -> None:
    """Create the Riverside Family Pediatrics demo: staff, families and this week's visits."""
    existing = demo_clinic()
    if existing is not None:
        _explain_existing(existing, password, reset=reset)
        return
    today = now_utc().astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
    try:
        summary = seed_demo_clinic(today, password=password)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Created the demo clinic {summary.clinic.name} for {today:%A %d %B %Y}.\n")
    _print_credentials(summary.accounts, password)
    _print_counts(summary)


def _explain_existing(clinic: Clinic, password: str, *, reset: bool) -> None:
    """Leave an existing demo untouched: refuse --reset, otherwise show how to sign in."""
    if reset:
        database = db.engine.url.render_as_string(hide_password=True)
        raise click.ClickException(RESET_REFUSAL.format(database=database))
    click.echo(f"The demo clinic {clinic.name} is already here; nothing was changed.\n")
    members = sorted(memberships_of_clinic(clinic.id), key=lambda m: m.id)
    accounts = [(m.role_label, m.user.email) for m in members]
    _print_credentials(accounts, password if _signs_in(members, password) else "(set at seeding)")


def _signs_in(members: list[Membership], password: str) -> bool:
    """Whether the first demo account still takes `password`, so the table shows the truth."""
    return bool(members) and verify_password(members[0].user.password_hash, password)


def _print_credentials(accounts: list[tuple[str, str]], password: str) -> None:
    rows = [
        ("Role", "E-mail", "Password"),
        *((label, email, password) for label, email in accounts),
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for number, row in enumerate(rows):
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
        if number == 0:
            click.echo("  ".join("-" * width for width in widths))


def _print_counts(summary: DemoSummary) -> None:
    click.echo(
        f"\n{summary.households} households, {summary.children} children; "
        f"{summary.appointments_today} appointments today, "
        f"{summary.appointments_week} this week (today ± 3 days)."
    )


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(seed_volume_command)
