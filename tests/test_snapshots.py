"""tests/snapshots.py reuses a build only on an otherwise empty database: the rows the
migrations seed must all be in its BASELINE or REFERENCE, or no build is ever reused (as
happened, silently, when migration 0016 seeded the regions and PDUs)."""

from __future__ import annotations

from typing import Any

from tests import snapshots


def test_every_table_the_migrations_fill_is_known_to_the_snapshots(db: Any) -> None:
    filled = {t.name for t in snapshots._filled(db.session.connection())}
    assert filled <= snapshots.BASELINE | snapshots.REFERENCE, (
        "tables the migrations fill that tests/snapshots.py does not know: "
        f"{sorted(filled - snapshots.BASELINE - snapshots.REFERENCE)}"
    )
    assert snapshots.REFERENCE <= filled  # the regions and PDUs are seeded


def test_a_build_on_a_database_holding_only_the_seeded_rows_is_kept(full_review: Any) -> None:
    """A pure test's first build is kept, so the next test of the function gets it copied in."""
    data = full_review()
    assert data["review"].id is not None
    kept = [
        found
        for key, found in snapshots._KEPT.items()
        if key[2] == "test_a_build_on_a_database_holding_only_the_seeded_rows_is_kept"
    ]
    assert len(kept) == 1 and kept[0] is not None
