"""`flask db upgrade` from empty gives exactly the models' schema, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.search.index import is_index_table
from tests.conftest import app_context_on


def schema_drift(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": False,
                # The full-text index's tables (SQLite FTS5) are not models.
                "include_name": lambda name, type_, _: (
                    not (type_ == "table" and is_index_table(name))
                ),
            },
        )
        return compare_metadata(context, db.metadata)


def test_migrations_build_exactly_the_models_schema(database_url):
    with app_context_on(database_url) as app:
        upgrade()
        drift = schema_drift(app)
        assert drift == [], f"models and migrations differ; run `flask db migrate`: {drift}"
        tables = set(sa.inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables


def test_migrations_downgrade_to_empty_and_back(database_url):
    with app_context_on(database_url) as app:
        upgrade()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert schema_drift(app) == []


def test_drift_is_detected(database_url):
    """The check above has teeth: a model column with no migration shows up as drift."""
    with app_context_on(database_url) as app:
        upgrade()
        extra = sa.Column("nickname", sa.String(40))
        db.metadata.tables["users"].append_column(extra)
        try:
            drift = schema_drift(app)
        finally:
            db.metadata.tables["users"]._columns.remove(extra)
        assert any(change[0] == "add_column" and change[3].name == "nickname" for change in drift)
