"""`flask guidance check|install`: the shipped guidance library and clinics' copies of it."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.clinics.commands import clinics_for_command
from app.extensions import db
from app.guidance.library import LibraryFileError, load_library
from app.guidance.operations import install_missing_prompts

guidance = AppGroup("guidance", help="The guidance prompts library.")


@guidance.command()
def check() -> None:
    """Validate the shipped library; exit 1 naming the prompt and the problem if it is malformed."""
    try:
        prompts = load_library()
    except LibraryFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{len(prompts)} guidance prompts are valid.")


@guidance.command()
@click.option("--clinic", "clinic_slug", help="Short name of one clinic (default: every clinic).")
def install(clinic_slug: str | None) -> None:
    """Add the shipped prompts each clinic lacks; prompts a clinic has edited stay as they are."""
    clinics = clinics_for_command(clinic_slug)
    for clinic in clinics:
        added = install_missing_prompts(clinic.id)
        click.echo(f"{clinic.name}: {added} new prompts installed.")
    db.session.commit()


def register(app: Flask) -> None:
    app.cli.add_command(guidance)
