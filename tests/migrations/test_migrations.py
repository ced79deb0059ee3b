"""Migrations: one head, sequential names, and an upgrade from empty that matches the models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from sfo_review.extensions import db, include_in_autogenerate

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def migration_scripts() -> ScriptDirectory:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_there_is_exactly_one_head():
    assert len(migration_scripts().get_heads()) == 1


def test_migration_files_are_numbered_in_sequence():
    names = sorted(p.name for p in (MIGRATIONS / "versions").glob("*.py"))
    numbers = [int(re.match(r"(\d{4})_", n).group(1)) for n in names]
    assert numbers == list(range(1, len(names) + 1)), names
    for script in migration_scripts().walk_revisions():
        assert re.fullmatch(r"\d{4}", script.revision)


# SQLite cannot reflect the expression index (see extensions.EXPRESSION_INDEXES): it is
# checked by tests/reviews/test_list_indexes.py instead.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_the_migrated_schema_matches_the_models(app, db, committed_db):
    """The test database was built by running the migrations: nothing may be missing."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": False, "include_object": include_in_autogenerate}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_upgrade_runs_on_an_empty_database(tmp_path):
    from flask_migrate import downgrade, upgrade

    from tests.migrations.rows import sqlite_app

    fresh = sqlite_app(tmp_path / "fresh.db")
    with fresh.app_context():
        upgrade()
        tables = set(db.inspect(db.engine).get_table_names())
        assert {"reviews", "findings", "audit_events", "report_snapshots"} <= tables
        downgrade(revision="base")
        assert set(db.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()
