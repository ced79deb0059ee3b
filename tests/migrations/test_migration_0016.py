"""Migration 0016: the list of regions and PDUs, and the free text mapped onto it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy import Connection, inspect, text

from sfo_review import regions_data
from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

MIGRATION = Path(__file__).resolve().parents[2] / "migrations/versions/0016_regions_and_pdus.py"

# (region, PDU) as typed before the list, and what each must become.
MESSY = [
    ("North-West", "liverpool  north", ("North West", "Liverpool North")),
    ("  north west ", "Wirral.", ("North West", "Wirral")),
    ("LONDON", "Camden & Islington", ("London", "Camden and Islington")),
    ("Kent Surrey and Sussex", "Surrey", ("Kent, Surrey and Sussex", "Surrey")),
    ("Wales", "Cardiff and the Vale", ("Wales", "Cardiff and the Vale")),  # PDU kept
    ("Scotland", "Glasgow", ("Scotland", "Glasgow")),  # kept as it is
    ("Yorks", "Leeds", ("Yorks", "Leeds")),  # region kept, PDU kept
]


def _frozen() -> dict[str, tuple[str, ...]]:
    spec = importlib.util.spec_from_file_location("m0016", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.FROZEN_REGIONS)


def test_the_frozen_copy_is_the_data_module() -> None:
    """A change to sfo_review/regions_data.py needs a new migration (and this copy stays)."""
    assert _frozen() == regions_data.REGIONS
    assert len(regions_data.REGIONS) == 12
    for region, pdus in regions_data.REGIONS.items():
        assert len(set(pdus)) == len(pdus), region
        assert list(pdus) == sorted(pdus), region


def _add_leadership(conn: Connection, user_id: int, region: str | None) -> None:
    conn.execute(
        text(
            "INSERT INTO users (id, email, name, role, password_hash, active, session_token, "
            "version, created_at, updated_at, region) VALUES (:id, :email, 'L', 'leadership', "
            "'x', 1, :tok, 1, '2026-01-01', '2026-01-01', :region)"
        ),
        {"id": user_id, "email": f"l{user_id}@x.gov.uk", "tok": f"t{user_id}", "region": region},
    )


def _messy_at_0015(leaders: list[tuple[int, str | None]]) -> None:
    """Migrate to 0015 and write the messy reviews, and leadership accounts (id, region)."""
    from flask_migrate import upgrade

    upgrade(revision="0015")
    with db.engine.begin() as conn:
        add_user(conn)
        for number, (region, pdu, _) in enumerate(MESSY, start=1):
            add_review(conn, number, region=region, pdu=pdu)
        for user_id, region in leaders:
            _add_leadership(conn, user_id, region)


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_free_text_is_mapped_or_kept_up_and_down(tmp_path: Path) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0015.db")
    with app.app_context():
        _messy_at_0015([(2, "north-east"), (3, "The North"), (4, None)])

        upgrade(revision="0016")
        with db.engine.connect() as conn:
            got = conn.execute(text("SELECT region, pdu FROM reviews ORDER BY id")).all()
            assert [tuple(r) for r in got] == [want for _, _, want in MESSY]
            users = conn.execute(text("SELECT id, region FROM users ORDER BY id")).all()
            assert [tuple(u) for u in users] == [
                (1, None),
                (2, "North East"),
                (3, "The North"),
                (4, None),
            ]
            assert conn.execute(text("SELECT count(*) FROM regions")).scalar() == 12
            pdus = conn.execute(text("SELECT count(*) FROM pdus")).scalar()
            assert pdus == sum(len(p) for p in regions_data.REGIONS.values())

        downgrade(revision="0015")
        assert not {"regions", "pdus"} & _tables()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM reviews")).scalar() == len(MESSY)
            kept = conn.execute(text("SELECT region FROM reviews WHERE id = 6")).scalar()
            assert kept == "Scotland"
        upgrade()
        assert {"regions", "pdus"} <= _tables()
        db.engine.dispose()


def test_the_unmapped_values_are_listed_for_an_admin(tmp_path: Path) -> None:
    from flask_migrate import upgrade

    from sfo_review.services import regions

    app = sqlite_app(tmp_path / "listed.db")
    with app.app_context():
        _messy_at_0015([(3, "The North")])
        upgrade()
        found = [(u.kind, u.region, u.pdu, u.reviews, u.accounts) for u in regions.unresolved()]
        assert found == [
            ("region", "Scotland", "", 1, 0),
            ("region", "The North", "", 0, 1),
            ("region", "Yorks", "", 1, 0),
            ("pdu", "Wales", "Cardiff and the Vale", 1, 0),
        ]
        db.session.remove()
        db.engine.dispose()
