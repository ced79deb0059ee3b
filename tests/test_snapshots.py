"""tests/snapshots.py reuses a build only on an otherwise empty database: the rows the
migrations seed must all be in its BASELINE or REFERENCE, or no build is ever reused (as
happened, silently, when migration 0016 seeded the regions and PDUs)."""

from __future__ import annotations

from typing import Any

from sfo_review.extensions import db as _db
from tests import snapshots


def db_session_connection() -> Any:
    return _db.session.connection()


def test_every_table_the_migrations_fill_is_known_to_the_snapshots(db: Any) -> None:
    filled = {t.name for t in snapshots._filled(db.session.connection())}
    assert filled <= snapshots.BASELINE | snapshots.REFERENCE, (
        "tables the migrations fill that tests/snapshots.py does not know: "
        f"{sorted(filled - snapshots.BASELINE - snapshots.REFERENCE)}"
    )
    assert snapshots.REFERENCE <= filled  # the regions and PDUs are seeded


def test_a_build_on_a_database_holding_only_the_seeded_rows_is_kept(full_review: Any) -> None:
    """A pure test's first build is kept, so the next test of the module gets it copied in."""
    filled = {t.name for t in snapshots._filled(db_session_connection())}
    left = filled - snapshots.BASELINE - snapshots.REFERENCE
    assert not left, f"an earlier test left rows behind in {sorted(left)}"
    data = full_review()
    assert data["review"].id is not None
    kept = [found for key, found in snapshots._KEPT.items() if key[1] == __name__]
    assert len(kept) == 1 and kept[0] is not None


def test_every_autouse_fixture_is_pure(request: Any) -> None:
    """A new autouse fixture that is not in PURE silently turns reuse off for every test (as
    happened when the figures cache's was added): this test asks for none, so every fixture
    it has is an autouse one."""
    autouse = set(request.node.fixturenames) - {"request"}
    assert "_jobs_run_at_once" in autouse, "the check itself is broken"
    assert autouse <= snapshots.PURE, (
        f"autouse fixtures not in PURE: {sorted(autouse - snapshots.PURE)}"
    )
