"""Date arithmetic that reads the same on SQLite and PostgreSQL (the engines spell it differently)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from app.extensions import db


class _Shift(FunctionElement[Any]):
    """`expr` moved by a whole number of `unit`s (a literal: each measure's windows are constants)."""

    inherit_cache = True
    # The amount is rendered into the SQL, so it must be part of the statement's cache key, or a
    # statement compiled for one clinic's minutes would be reused for another's.
    _traverse_internals = [
        *FunctionElement._traverse_internals,
        ("amount", InternalTraversal.dp_plain_obj),
        ("unit", InternalTraversal.dp_string),
    ]

    def __init__(self, expr: ColumnElement[Any], amount: int, unit: str, type_: Any) -> None:
        self.amount = int(amount)
        self.unit = unit
        self.type = type_
        super().__init__(expr)


class plus_minutes(_Shift):  # noqa: N801 — reads like the SQL function it stands for
    name = "plus_minutes"
    inherit_cache = True

    def __init__(self, expr: ColumnElement[Any], minutes: int) -> None:
        super().__init__(expr, minutes, "minutes", expr.type)


class plus_days(_Shift):  # noqa: N801
    name = "plus_days"
    inherit_cache = True

    def __init__(self, expr: ColumnElement[Any], days: int) -> None:
        super().__init__(expr, days, "days", expr.type)


class local_date(FunctionElement[Any]):  # noqa: N801
    """The calendar date of a UTC instant seen from a fixed offset (in minutes)."""

    name = "local_date"
    inherit_cache = True
    type = sa.Date()
    # Rendered into the SQL: part of the cache key, as for `_Shift`.
    _traverse_internals = [
        *FunctionElement._traverse_internals,
        ("offset_minutes", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, expr: ColumnElement[Any], offset_minutes: int) -> None:
        self.offset_minutes = int(offset_minutes)
        super().__init__(expr)


class month_number(FunctionElement[Any]):  # noqa: N801
    """Months since year 0 (year × 12 + month − 1) of a date, or of an instant in a time zone:
    `month_number(day)`, `month_number(at, "America/New_York")`."""

    name = "month_number"
    inherit_cache = True
    type = sa.Integer()

    def __init__(self, expr: ColumnElement[Any], zone: str | None = None) -> None:
        if zone is None:
            super().__init__(expr)
        else:
            super().__init__(expr, sa.literal(zone, sa.String))


class days_between(FunctionElement[Any]):  # noqa: N801
    """Fractional days from `start` to `end` (two instants)."""

    name = "days_between"
    inherit_cache = True
    type = sa.Float()


def _only_arg(element: FunctionElement[Any], compiler: Any, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(_Shift, "postgresql")
def _shift_pg(element: _Shift, compiler: Any, **kw: Any) -> str:
    shifted = f"({_only_arg(element, compiler, **kw)} + interval '{element.amount} {element.unit}')"
    # date + interval is a timestamp in PostgreSQL; a date moved by days stays a date.
    return f"CAST({shifted} AS DATE)" if isinstance(element.type, sa.Date) else shifted


@compiles(_Shift, "sqlite")
def _shift_sqlite(element: _Shift, compiler: Any, **kw: Any) -> str:
    moved = f"{_only_arg(element, compiler, **kw)}, '{element.amount:+d} {element.unit}'"
    if isinstance(element.type, sa.Date):
        return f"date({moved})"
    # Keep the fraction of a second (SQLite stores microseconds), so a time exactly at the limit
    # compares equal to it, as in PostgreSQL.
    return f"(strftime('%Y-%m-%d %H:%M:%f', {moved}) || '000')"


@compiles(local_date, "postgresql")
def _local_date_pg(element: local_date, compiler: Any, **kw: Any) -> str:
    expr = _only_arg(element, compiler, **kw)
    return (
        f"CAST(({expr} AT TIME ZONE 'UTC') + interval '{element.offset_minutes} minutes' AS DATE)"
    )


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: Any, **kw: Any) -> str:
    return f"date({_only_arg(element, compiler, **kw)}, '{element.offset_minutes:+d} minutes')"


@compiles(month_number, "postgresql")
def _month_number_pg(element: month_number, compiler: Any, **kw: Any) -> str:
    expr, *zone = (compiler.process(c, **kw) for c in element.clauses)
    local = f"({expr} AT TIME ZONE {zone[0]})" if zone else expr
    return f"CAST(EXTRACT(YEAR FROM {local}) * 12 + EXTRACT(MONTH FROM {local}) - 1 AS INTEGER)"


@compiles(month_number, "sqlite")
def _month_number_sqlite(element: month_number, compiler: Any, **kw: Any) -> str:
    expr, *zone = (compiler.process(c, **kw) for c in element.clauses)
    # at_time_zone is the Python function `app.db.configure_sqlite` gives every connection.
    local = f"at_time_zone({expr}, {zone[0]})" if zone else expr
    year, month = (f"CAST(strftime('{part}', {local}) AS INTEGER)" for part in ("%Y", "%m"))
    return f"({year} * 12 + {month} - 1)"


@compiles(days_between, "postgresql")
def _days_between_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


def without_jit() -> None:
    """PostgreSQL's JIT compiles the dashboards' few large statements for longer than they take
    to run (1.1 s of compiling for a 0.45 s query at 20 sites); this transaction goes without it."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))
