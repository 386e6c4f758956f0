"""`flask translate extract|update|compile`: keep the Babel catalogues in step with the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.config import REPO_ROOT

translate = AppGroup("translate", help="Extract, update and compile the translation catalogues.")

POT = REPO_ROOT / "translations" / "messages.pot"
#: Words for families (the screener, the visit summary) form their own domain, kept complete in more
#: languages than staff pages (DESIGN §5).
FAMILY_POT = REPO_ROOT / "translations" / "family.pot"


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    subprocess.run(command, check=True, cwd=REPO_ROOT)  # noqa: S603 — fixed argv from this module, no shell


FAMILY_LOCALES = ("en", "es", "ar")
EXTRACT_OPTIONS = (
    "-F",
    "babel.cfg",
    "-k",
    "_l",
    "-k",
    "lazy_gettext",
    "--add-comments=i18n:",
    "--sort-by-file",
    "--add-location=file",
    "--project=Wellthread",
)


def extract_catalogue(output: Path = POT) -> None:
    """Collect every translatable string of the code and templates into `output`."""
    _pybabel("extract", *EXTRACT_OPTIONS, "-o", str(output), ".")


def extract_family_catalogue(output: Path = FAMILY_POT) -> None:
    """Collect the words shown to families (marked `_s`) into `output`."""
    _pybabel(
        "extract",
        "-F",
        "babel-family.cfg",
        "-k",
        "_s",
        "--no-default-keywords",
        "--sort-by-file",
        "--add-location=file",
        "--project=Wellthread",
        "-o",
        str(output),
        ".",
    )


@translate.command()
def extract() -> None:
    """Collect every translatable string into translations/messages.pot."""
    extract_catalogue()


@translate.command()
def update() -> None:
    """Extract, then merge new strings into every locale's catalogues (staff and family)."""
    extract_catalogue()
    extract_family_catalogue()
    for domain, pot in (("messages", POT), ("family", FAMILY_POT)):
        _pybabel(
            "update", "-D", domain, "-i", str(pot), "-d", "translations",
            "--no-fuzzy-matching", "--ignore-obsolete",
        )  # fmt: skip


@translate.command(name="compile")
def compile_() -> None:
    """Build the .mo files the app reads (they are not committed)."""
    _pybabel("compile", "-d", "translations", "--statistics")
    _pybabel("compile", "-D", "family", "-d", "translations", "--statistics")


@translate.command()
@click.argument("locale")
@click.option("--family", is_flag=True, help="Start the catalogue of words for families instead.")
def init(locale: str, family: bool) -> None:
    """Start a catalogue for a new LOCALE."""
    if family:
        _pybabel("init", "-D", "family", "-i", str(FAMILY_POT), "-d", "translations", "-l", locale)
    else:
        _pybabel("init", "-i", str(POT), "-d", "translations", "-l", locale)


def register_cli(app: Flask) -> None:
    app.cli.add_command(translate)
