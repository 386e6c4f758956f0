"""`flask seed-volume`: the practice-scale clinic the metrics dashboard is measured on."""

from __future__ import annotations

import time
from datetime import datetime

import click
from flask.cli import with_appcontext

from app.accounts.passwords import MIN_PASSWORD_LENGTH
from app.dashboards import store
from app.demo.volume import VolumeOptions, VolumeSummary, analyze, local_today, seed_volume
from app.demo.volume_staff import (
    EMAIL_DOMAIN,
    FAMILY_SCREENS,
    MANAGER_EMAIL,
    VOLUME_NAME,
    volume_clinic_exists,
)
from app.extensions import db

DEFAULT_PASSWORD = "wellthread-demo"  # noqa: S105 — the documented password, as for seed-demo

REFUSAL = (
    "The volume clinic (or an account @{domain}) already exists, and Wellthread never deletes "
    "records. To seed it again, drop and re-create the database ({database}), run "
    "`flask db upgrade`, then `flask seed-volume`."
)


@click.command("seed-volume")
@click.option("--sites", type=click.IntRange(1, 200), default=20, show_default=True)
@click.option("--years", type=click.IntRange(1, 20), default=5, show_default=True)
@click.option("--births-per-site-year", type=click.IntRange(1, 5000), default=420,
              show_default=True)  # fmt: skip
@click.option("--end", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day of the window (default: today in the clinic's zone).")  # fmt: skip
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True,
              help="Password of every account (at least 12 characters).")  # fmt: skip
@click.option("--family-screens", type=click.Choice(FAMILY_SCREENS), default=FAMILY_SCREENS[0],
              show_default=True,
              help="Ask the family check-in and Hunger Vital Sign at every well-child visit, or "
                   "yearly (the app's default rule).")  # fmt: skip
@with_appcontext
def seed_volume_command(sites: int, years: int, births_per_site_year: int, end: datetime | None,
                        seed: int, password: str, family_screens: str) -> None:  # fmt: skip
    """Create Northside Pediatric Network: years of visits, screens and referrals at many sites."""
    today = local_today()
    last = end.date() if end else today
    if last > today:
        raise click.ClickException("--end cannot be in the future.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if volume_clinic_exists():
        database = db.engine.url.render_as_string(hide_password=True)
        raise click.ClickException(REFUSAL.format(domain=EMAIL_DOMAIN, database=database))
    options = VolumeOptions(end=last, password=password, sites=sites, years=years,
                            births_per_site_year=births_per_site_year, seed=seed,
                            family_screens=family_screens)  # fmt: skip
    summary = seed_volume(options)
    db.session.commit()
    analyze()
    db.session.commit()
    _report(summary, password)
    started = time.perf_counter()
    store.refresh(summary.clinic_id)
    db.session.commit()
    store.compact()
    db.session.commit()
    click.echo(f"Metrics: stored units built in {time.perf_counter() - started:.1f} s")


def _report(summary: VolumeSummary, password: str) -> None:
    click.echo(f"Created {VOLUME_NAME}: {summary.start} to {summary.end}.")
    width = max(len(name) for name in summary.counts)
    for name, count in summary.counts.items():
        click.echo(f"  {name.ljust(width)}  {count:>10,}")
    click.echo(f"Sign in as {MANAGER_EMAIL} with the password {password}.")
    click.echo(f"Elapsed: {summary.seconds:.1f} s")
