"""Cells safe to open in a spreadsheet."""

from __future__ import annotations


def safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas: names and notes are typed in by people, and a cell starting
    with = + - @ would run as a formula in Excel (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
