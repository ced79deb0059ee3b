"""Use cases keep working inside a test's outer transaction (the SAVEPOINT pattern, issue 14).

The session is joined to a connection whose transaction the test began and rolls back at
the end (`join_transaction_mode="create_savepoint"`): a use case's commit releases a
savepoint, and database.begin_write()/end_read() leave the outer transaction alone — no
BEGIN IMMEDIATE, no rollback of the test's data.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session, sessionmaker

from sfo_review.database import joins_outer_transaction
from sfo_review.models import Review
from sfo_review.services.reports import exports as report_exports


def test_use_cases_and_a_render_inside_an_outer_transaction(
    app: Flask, db: Any, full_review: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = db.engine.connect()
    outer = connection.begin()
    joined = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    monkeypatch.setattr(db, "session", joined)
    try:
        assert joins_outer_transaction(db.session)
        data = full_review()  # a dozen use cases, each one savepoint
        export = report_exports.export_report(data["reviewer"], data["review"], "full")
        assert export.pdf is not None and export.pdf.startswith(b"%PDF-")
        joined.expire_all()
        assert joined.get(Review, data["review"].id) is not None
        assert connection.in_transaction() and outer.is_active
    finally:
        joined.remove()
        outer.rollback()
        connection.close()
        monkeypatch.undo()
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0
