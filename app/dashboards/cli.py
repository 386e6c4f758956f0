"""`flask metrics refresh`: bring the stored units of the dashboards up to date."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

from app.clinics.commands import clinics_for_command
from app.dashboards import store
from app.extensions import db

metrics = AppGroup("metrics", help="The practice-manager metrics.")


@metrics.command()
@click.option("--clinic", "clinic_slug", help="Short name of one clinic (default: every clinic).")
@click.option("--rebuild", is_flag=True, help="Build every stored metric again from scratch.")
@click.option(
    "--compact",
    is_flag=True,
    help="Then rewrite the stored units in the order pages read them (nightly, from cron).",
)
def refresh(clinic_slug: str | None, rebuild: bool, compact: bool) -> None:
    """Work out again the units of every household changed since the last refresh (and every
    metric whose rules changed). Pages do this too; run it after a bulk load or an upgrade so
    that the first page read does not wait for it. After a rebuild, or with --compact, the
    stored units are then rewritten in the order pages read them (PostgreSQL: it locks them for
    some seconds)."""
    rebuilt = False
    for clinic in clinics_for_command(clinic_slug):
        started = time.perf_counter()
        if rebuild:
            store.forget_builds(clinic.id)
        done = store.refresh(clinic.id)
        db.session.commit()
        rebuilt = rebuilt or bool(done.rebuilt)
        click.echo(
            f"{clinic.name}: {len(done.rebuilt)} metrics built, {done.households} households "
            f"worked out again in {time.perf_counter() - started:.1f} s."
        )
    if rebuilt or compact:
        started = time.perf_counter()
        done = store.compact()
        db.session.commit()
        if done:
            took = time.perf_counter() - started
            click.echo(f"Stored units put in reading order in {took:.1f} s.")
        else:
            click.echo("Stored units in use: not put in reading order this time; try again later.")


def register(app: Flask) -> None:
    app.cli.add_command(metrics)
