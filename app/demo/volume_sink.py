"""Bulk writing for the volume seed: COPY on PostgreSQL, executemany on SQLite, ids handed out ahead.

Rows are plain tuples in the order of the columns named, holding what the ORM would store: enum
values as strings, aware UTC datetimes, JSON as Python objects.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from app.db import Base

#: Ids fetched from a PostgreSQL sequence per round trip: doubling from the first to the largest,
#: so a small run does not burn (and wait for) thousands of sequence values per table.
FIRST_ID_BLOCK, LARGEST_ID_BLOCK = 256, 32_768


class BulkSink:
    """Writes rows of mapped tables inside the session's transaction and counts what it wrote."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.is_postgres = connection.dialect.name == "postgresql"
        self.counts: Counter[str] = Counter()
        self._free_ids: dict[str, deque[int]] = {}
        self._block: Counter[str] = Counter()
        self._next_sqlite_id: dict[str, int] = {}

    def next_id(self, model: type[Base]) -> int:
        """A fresh primary key for `model`'s table, reserved from its sequence (or past its max)."""
        table = model.__tablename__
        return self._postgres_id(table) if self.is_postgres else self._sqlite_id(table)

    def _postgres_id(self, table: str) -> int:
        free = self._free_ids.setdefault(table, deque())
        if not free:
            self._block[table] = min(2 * self._block[table] or FIRST_ID_BLOCK, LARGEST_ID_BLOCK)
            free.extend(
                self.connection.scalars(
                    sa.text(
                        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                        "FROM generate_series(1, :n)"
                    ),
                    {"table": table, "n": self._block[table]},
                )
            )
        return free.popleft()

    def _sqlite_id(self, table: str) -> int:
        if table not in self._next_sqlite_id:
            # The seed holds SQLite's write lock from its first statement: nobody else inserts.
            top = self.connection.scalar(sa.text(f"SELECT COALESCE(MAX(id), 0) FROM {table}"))  # noqa: S608 — table name from our own models
            self._next_sqlite_id[table] = top + 1
        self._next_sqlite_id[table] += 1
        return self._next_sqlite_id[table] - 1

    def defer_foreign_key_checks(self) -> bool:
        """Skip PostgreSQL's row-by-row foreign-key triggers for this transaction, where the role
        may (a superuser): they cost five times the COPY itself. `check_foreign_keys` then checks
        the same references set-wise, once. False where the checks stay on."""
        if not self.is_postgres:
            return False
        try:
            with self.connection.begin_nested():
                self.connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        except sa.exc.DBAPIError:
            return False
        return True

    def restore_foreign_key_checks(self) -> None:
        self.connection.exec_driver_sql("SET LOCAL session_replication_role = origin")

    def check_foreign_keys(self, models: Iterable[type[Base]], clinic_id: int) -> None:
        """Raise when a row written for the clinic refers to a row that does not exist."""
        for model in models:
            table = model.__table__
            for constraint in table.foreign_key_constraints:
                orphans = self.connection.scalar(_orphans(table, constraint, clinic_id))
                if orphans:
                    column = constraint.column_keys[0]
                    raise RuntimeError(f"{orphans} rows of {table.name}.{column} point nowhere")

    def write(self, model: type[Base], columns: Sequence[str], rows: Iterable[tuple]) -> None:
        """Insert `rows` (tuples in the order of `columns`) into `model`'s table."""
        rows = list(rows)
        if not rows:
            return
        table = model.__table__
        if self.is_postgres:
            self._copy(table, columns, rows)
        else:
            self.connection.execute(
                table.insert(), [dict(zip(columns, row, strict=True)) for row in rows]
            )
        self.counts[table.name] += len(rows)

    def _copy(self, table: sa.Table, columns: Sequence[str], rows: list[tuple]) -> None:
        json_at = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, sa.JSON)]
        if json_at:
            rows = [_with_json(row, json_at) for row in rows]
        raw = self.connection.connection.driver_connection
        names = ", ".join(columns)
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _with_json(row: tuple, positions: list[int]) -> tuple:
    values = list(row)
    for i in positions:
        if values[i] is not None:
            values[i] = json.dumps(values[i], ensure_ascii=False)
    return tuple(values)


def _orphans(table: sa.Table, constraint: sa.ForeignKeyConstraint, clinic_id: int) -> sa.Select:
    """Count the rows whose (single-column) foreign key matches no row of the referred table."""
    element = constraint.elements[0]
    column, parent = element.parent, element.column.table.alias("parent")
    referred = parent.c[element.column.name]
    query = (
        sa.select(sa.func.count())
        .select_from(table.outerjoin(parent, column == referred))
        .where(column.is_not(None), referred.is_(None))
    )
    return query.where(table.c.clinic_id == clinic_id) if "clinic_id" in table.c else query
