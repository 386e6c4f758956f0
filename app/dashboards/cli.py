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
def refresh(clinic_slug: str | None, rebuild: bool) -> None:
    """Work out again the units of every household changed since the last refresh (and every
    metric whose rules changed). Pages do this too; run it after a bulk load or an upgrade so
    that the first page read does not wait for it."""
    clinics = clinics_for_command(clinic_slug)
    for clinic in clinics:
        started = time.perf_counter()
        if rebuild:
            store.forget_builds(clinic.id)
        done = store.refresh(clinic.id)
        db.session.commit()
        click.echo(
            f"{clinic.name}: {len(done.rebuilt)} metrics built, {done.households} households "
            f"worked out again in {time.perf_counter() - started:.1f} s."
        )


def register(app: Flask) -> None:
    app.cli.add_command(metrics)
