"""`flask instruments list|check|load-text`: the instrument library and clinics' licensed texts."""

from __future__ import annotations

import json
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from app.clinics.models import Clinic
from app.core.errors import DomainError
from app.extensions import db
from app.screening import operations, queries
from app.screening.definitions import InstrumentFileError, load_library, shipped_library

instruments = AppGroup(
    "instruments", help="The screening instruments and licensed instrument texts."
)


@instruments.command("list")
def list_instruments() -> None:
    """Show every shipped instrument with its version, licence and languages."""
    for key, inst in sorted(shipped_library().items()):
        languages = ", ".join(sorted(inst.languages)) or "none shipped: licensed text required"
        click.echo(f"{key:16} v{inst.version:3} {inst.licence_status:24} {languages}")


@instruments.command()
def check() -> None:
    """Validate every instrument file; exit 1 naming the file and the problem if one is malformed."""
    try:
        library = load_library()
    except InstrumentFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{len(library)} instruments are valid.")


@instruments.command("load-text")
@click.argument("key")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--clinic",
    "clinic_slug",
    required=True,
    help="Short name of the clinic holding the permission.",
)
@click.option("--language", help="Language of the text (default: the file's 'language').")
@click.option(
    "--source",
    help="Where the wording comes from and the permission held (default: the file's 'source').",
)
def load_text(
    key: str, path: Path, clinic_slug: str, language: str | None, source: str | None
) -> None:
    """Load a licensed instrument's wording for one clinic from a JSON FILE.

    The file holds {"language", "source", "title", "stem", "items": {item id: {"text", "options": {code: text}}}}.
    """
    clinic = db.session.scalar(sa.select(Clinic).where(Clinic.slug == clinic_slug))
    if clinic is None:
        raise click.ClickException(f"no clinic has the short name {clinic_slug}")
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{path.name}: not readable JSON ({error})") from None
    language = language or content.get("language") or ""
    source = source or content.get("source") or ""
    if not language:
        raise click.ClickException(
            "say which language the text is in (--language or 'language' in the file)"
        )
    try:
        operations.load_instrument_text(
            clinic.id, key, language=language, source=source, content=content
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    offered = sorted(queries.offered_languages(clinic.id).get(key, set()))
    click.echo(
        f"Loaded the {language} text of {key} for {clinic.name}; offered in: {', '.join(offered)}."
    )


def register(app: Flask) -> None:
    app.cli.add_command(instruments)
