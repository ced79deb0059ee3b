"""Migration 0017: the OpenID provider's subject of an account (single sign-on)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import exc, inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app


def _columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("users")}


def test_upgrade_keeps_the_accounts_the_subject_is_unique_and_downgrade_removes_it(
    tmp_path: Path,
) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0016.db")
    with app.app_context():
        upgrade(revision="0016")
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1)  # rows that refer to the user: the downgrade must keep them

        upgrade(revision="0017")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT id, oidc_subject FROM users")).all() == [(1, None)]
            conn.execute(text("UPDATE users SET oidc_subject = 's1' WHERE id = 1"))
        with pytest.raises(exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (email, name, role, password_hash, active, session_token,"
                    " oidc_subject) VALUES ('b@example.gov.uk', 'B', '', 'x', 1, 't2', 's1')"
                )
            )

        downgrade(revision="0016")
        assert "oidc_subject" not in _columns()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
            assert conn.execute(text("SELECT reviewer_id FROM reviews")).scalar() == 1
        upgrade()
        assert "oidc_subject" in _columns()
        db.engine.dispose()
