"""`flask directory import FILE --clinic SLUG`: load a clinic's resource directory from an HSDS file."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from app.clinics.models import Clinic
from app.directory.operations import import_directory
from app.extensions import db

directory = AppGroup("directory", help="The clinic's resource directory (Open Referral HSDS).")

OUTCOME_WORDS = {
    "created": "added",
    "updated": "updated",
    "unchanged": "no change",
    "error": "NOT IMPORTED",
}


@directory.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--clinic", "clinic_slug", required=True, help="Short name of the clinic.")
def import_file(path: Path, clinic_slug: str) -> None:
    """Add or update services from an HSDS JSON document or a directory CSV FILE.

    Re-importing a file updates its services in place. Exits with status 1 when a record was
    refused (the others are kept), and with status 1 and no change when the file is unreadable.
    """
    clinic = db.session.scalar(sa.select(Clinic).where(Clinic.slug == clinic_slug))
    if clinic is None:
        raise click.ClickException(f"no clinic has the short name {clinic_slug}")
    limit = current_app.config["WELLTHREAD_CSV_MAX_BYTES"]
    with path.open("rb") as source:
        report = import_directory(clinic.id, source.read(limit + 1), max_bytes=limit)
    if report.file_error:
        db.session.rollback()
        raise click.ClickException(f"{path.name}: {report.file_error} Nothing was imported.")
    db.session.commit()
    for row in report.rows:
        click.echo(f"line {row.line:>5}  {OUTCOME_WORDS[row.outcome]:<12}  {row.message}")
    click.echo(
        f"\n{clinic.name}: {report.count('created')} added, {report.count('updated')} updated, "
        f"{report.count('unchanged')} unchanged, {report.count('error')} not imported."
    )
    if report.count("error"):
        raise click.exceptions.Exit(1)


def register(app: Flask) -> None:
    app.cli.add_command(directory)
