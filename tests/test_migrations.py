"""The migrations build exactly the schema the models describe, with named constraints."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_migrated_schema_matches_the_models(db_session):
    context = MigrationContext.configure(db_session.connection(), opts={"compare_type": True})
    assert compare_metadata(context, db.metadata) == []


def test_every_constraint_and_index_has_a_name(db_session):
    inspector = sa.inspect(db_session.connection())
    unnamed = []
    for table in inspector.get_table_names():
        for kind in (
            "get_foreign_keys",
            "get_unique_constraints",
            "get_indexes",
            "get_check_constraints",
        ):
            unnamed += [
                (table, kind) for item in getattr(inspector, kind)(table) if not item.get("name")
            ]
    assert unnamed == []
