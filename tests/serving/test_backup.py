"""`flask backup PATH` and `flask restore PATH`: a round trip on a SQLite database."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from config import TestConfig
from sfo_review import create_app
from sfo_review.cli import backups as backup_module
from sfo_review.extensions import db
from sfo_review.models import Review, SystemicFactor
from sfo_review.services import evidence, reviews, users
from tests.conftest import PASSWORD, REVIEW_DATA
from tests.migrations.test_migrations import migration_scripts


@pytest.fixture
def site(tmp_path):
    class OnFile(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'live.db'}"

    app = create_app(OnFile)
    with app.app_context():
        upgrade()
        reviewer = users.create_user(
            None,
            {"email": "r@example.gov.uk", "name": "R", "role": "reviewer", "password": PASSWORD},
        )
        review = reviews.create_review(reviewer, REVIEW_DATA)
        evidence.add_systemic_factor(
            reviewer, review, {"category": "other", "level": "team", "description": "Kept"}
        )
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def counts(app) -> tuple[int, int]:
    with app.app_context():
        result = (
            db.session.scalar(select(func.count(Review.id))),
            db.session.scalar(select(func.count(SystemicFactor.id))),
        )
        db.session.remove()
        return result


def test_backup_then_restore_brings_back_what_was_lost(site, tmp_path):
    target = tmp_path / "backup.db"
    result = run(site, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert "integrity checked" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM systemic_factors").fetchone() == (1,)
    with site.app_context():
        db.session.delete(db.session.scalars(select(Review)).one())
        db.session.commit()
        db.session.remove()
    assert counts(site) == (0, 0)
    refused = run(site, "restore", str(target))
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert counts(site) == (0, 0)  # nothing replaced without the confirmation
    result = run(site, "restore", str(target), "--yes")
    assert result.exit_code == 0, result.output
    assert f"schema {migration_scripts().get_current_head()}" in result.output
    assert counts(site) == (1, 1)
    with site.app_context():
        assert db.session.scalars(select(SystemicFactor)).one().description == "Kept"
        db.session.remove()


def test_backup_never_overwrites_without_force(site, tmp_path):
    target = tmp_path / "there.db"
    target.write_text("precious")
    result = run(site, "backup", str(target))
    assert result.exit_code != 0 and "already exists" in result.output
    assert target.read_text() == "precious"
    assert run(site, "backup", str(target), "--force").exit_code == 0
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing-folder/backup.db", "does not exist"),
        ("live.db", "the live database itself"),
    ],
)
def test_backup_refuses_bad_paths(site, tmp_path, name, message):
    result = run(site, "backup", str(tmp_path / name))
    assert result.exit_code != 0 and message in result.output


def test_restore_refuses_a_file_that_is_not_one_of_ours(site, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = run(site, "restore", str(junk), "--yes")
    assert result.exit_code != 0 and "is not an SFO Review database" in result.output
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    result = run(site, "restore", str(other), "--yes")
    assert result.exit_code != 0 and "not an SFO Review database" in result.output
    assert counts(site) == (1, 1)


def test_postgresql_is_pointed_at_pg_dump(site, tmp_path, monkeypatch):
    monkeypatch.setattr(backup_module, "_sqlite_path", lambda: None)
    result = run(site, "backup", str(tmp_path / "x.dump"))
    assert result.exit_code != 0 and "pg_dump --format=custom" in result.output
    assert run(site, "restore", str(tmp_path / "x.dump")).exit_code != 0


def test_a_restore_moves_the_figures_past_every_version_cached_before(site, tmp_path):
    """Cached dashboard figures are keyed by the data version: after a restore the version
    is past both the live one and the backup's, so nothing cached is served again."""
    from sfo_review.services.figures import cache

    target = tmp_path / "backup.db"
    assert run(site, "backup", str(target)).exit_code == 0
    with site.app_context():
        backed_up = cache.version()
        db.session.delete(db.session.scalars(select(Review)).one())
        db.session.commit()
        live = cache.version()
        db.session.remove()
    assert live == backed_up + 1
    assert run(site, "restore", str(target), "--yes").exit_code == 0
    with site.app_context():
        assert cache.version() == live + 1
        db.session.remove()


def test_a_restore_moves_every_section_of_the_figures_too(site, tmp_path):
    """Each section of the figures is cached under its own version: after a restore every
    one is past all the versions it had live, even those the backup had no row for."""
    from sfo_review.services.figures import cache

    target = tmp_path / "backup.db"
    with site.app_context():
        db.session.execute(
            text("DELETE FROM data_versions WHERE name LIKE :sections"), {"sections": "figures:%"}
        )
        db.session.commit()
    assert run(site, "backup", str(target)).exit_code == 0  # a backup with no section rows
    with site.app_context():
        db.session.delete(db.session.scalars(select(Review)).one())
        db.session.commit()
        live = cache.section_versions()
        assert all(live[s] >= 1 for s in cache.SECTIONS)
        db.session.remove()
    assert run(site, "restore", str(target), "--yes").exit_code == 0
    with site.app_context():
        restored = cache.section_versions()
        assert all(restored[s] > live[s] for s in cache.SECTIONS), (live, restored)
        db.session.remove()


class _Writers:
    """Another connection writing to the live database: continuously from a thread, and also
    between every step of a stepped copy (which restarts a stepped copy each time)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.stop = threading.Event()
        self.writes = 0
        self.lock = threading.Lock()

    def write_one(self, conn: sqlite3.Connection) -> None:
        with self.lock, conn:
            conn.execute("INSERT INTO filler (data) VALUES (?)", (b"w" * 512,))
            self.writes += 1

    def continuously(self) -> None:
        with closing(sqlite3.connect(self.source, timeout=30)) as conn:
            while not self.stop.is_set():
                self.write_one(conn)

    def connection_class(self) -> type[sqlite3.Connection]:
        writers = self

        class WritesBetweenSteps(sqlite3.Connection):
            def backup(self, target, *, pages=-1, progress=None, name="main", sleep=0.25):
                def write_then_report(status: int, remaining: int, total: int) -> None:
                    if remaining and not writers.stop.is_set():
                        with closing(sqlite3.connect(writers.source, timeout=30)) as other:
                            writers.write_one(other)
                    if progress is not None:
                        progress(status, remaining, total)

                return super().backup(
                    target, pages=pages, progress=write_then_report, name=name, sleep=sleep
                )

        return WritesBetweenSteps


def test_a_backup_finishes_while_another_connection_writes_all_the_time(
    site, tmp_path, monkeypatch
):
    """A copy in steps restarts whenever another connection writes between two steps: under
    steady writes it never finished. The copy now cannot be restarted, and is consistent."""
    source = site.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with closing(sqlite3.connect(source)) as conn, conn:  # ~16 MB: several steps' worth
        conn.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)")
        conn.executemany("INSERT INTO filler (data) VALUES (?)", [(b"x" * 65536,)] * 250)
    writers = _Writers(source)
    connect = sqlite3.connect
    monkeypatch.setattr(
        backup_module.sqlite3,
        "connect",
        lambda *a, **kw: connect(*a, **{"factory": writers.connection_class(), **kw}),
    )
    target = tmp_path / "under-writes.db"
    outcome: dict[str, object] = {}
    writer = threading.Thread(target=writers.continuously, daemon=True)
    backup = threading.Thread(
        target=lambda: outcome.update(result=run(site, "backup", str(target))), daemon=True
    )
    writer.start()
    try:
        while writers.writes < 20:  # the writer is going before the backup starts
            writers.stop.wait(0.01)
        backup.start()
        backup.join(timeout=60)  # generous: a bound on a hang, not a speed target
        finished = not backup.is_alive()
        written_during = writers.writes
    finally:
        writers.stop.set()
        writer.join(timeout=30)
        backup.join(timeout=120)
    assert finished, "the backup did not finish while another connection kept writing"
    result = outcome["result"]
    assert result.exit_code == 0, result.output
    assert written_during > 20  # the writers were never held off
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM reviews").fetchone() == (1,)
        assert copy.execute("SELECT count(*) FROM filler").fetchone()[0] >= 250
