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
#: The parent screener's strings form their own domain, kept complete in more languages (DESIGN §5).
SCREENER_POT = REPO_ROOT / "translations" / "screener.pot"


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    subprocess.run(command, check=True, cwd=REPO_ROOT)  # noqa: S603 — fixed argv from this module, no shell


SCREENER_LOCALES = ("en", "es", "ar")
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


def extract_screener_catalogue(output: Path = SCREENER_POT) -> None:
    """Collect the parent screener's strings (marked `_s`) into `output`."""
    _pybabel(
        "extract",
        "-F",
        "babel-screener.cfg",
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
    """Extract, then merge new strings into every locale's catalogue."""
    extract_catalogue()
    _pybabel(
        "update", "-i", str(POT), "-d", "translations", "--no-fuzzy-matching", "--ignore-obsolete"
    )


@translate.command(name="compile")
def compile_() -> None:
    """Build the .mo files the app reads (they are not committed)."""
    _pybabel("compile", "-d", "translations", "--statistics")
    _pybabel("compile", "-D", "screener", "-d", "translations", "--statistics")


@translate.command()
@click.argument("locale")
@click.option("--screener", is_flag=True, help="Start the parent screener's catalogue instead.")
def init(locale: str, screener: bool) -> None:
    """Start a catalogue for a new LOCALE."""
    if screener:
        _pybabel(
            "init", "-D", "screener", "-i", str(SCREENER_POT), "-d", "translations", "-l", locale
        )
    else:
        _pybabel("init", "-i", str(POT), "-d", "translations", "-l", locale)


def register_cli(app: Flask) -> None:
    app.cli.add_command(translate)
