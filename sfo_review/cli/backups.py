"""`flask backup PATH` and `flask restore PATH`: SQLite's online backup API, both ways.

The backup API copies every page in one step, inside one read transaction: the live
database is in WAL mode, so the service's readers and writers carry on meanwhile and the
copy is the database as it was when the step began — always consistent, unlike a file copy
of a live WAL database. (A copy made in several steps is restarted whenever another
connection writes between two steps: under steady writes it never finished.) Each file is
written under a temporary name and renamed when complete, so PATH is never half-written.
PostgreSQL is backed up with its own tools (pg_dump / pg_restore, see the README).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from sfo_review.extensions import db
from sfo_review.services.figures import cache as figures_cache

PG_HELP = (
    "This service uses PostgreSQL: back it up with pg_dump, for example\n"
    '  pg_dump --format=custom --file={path} "$DATABASE_URL"\n'
    "and restore with pg_restore (see README: Backups)."
)


def _sqlite_path() -> Path | None:
    url = make_url(str(db.engine.url))
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise click.ClickException("The database is in memory: there is nothing to back up.")
    return Path(url.database)


def _online_copy(source: str, target: Path, check: bool) -> int:
    """SQLite's online backup from `source` (a file URI) into `target`; returns its pages.
    In one step (pages=-1), which no writer can restart; WAL writers are not held up."""
    src = sqlite3.connect(source, uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=-1)
        if check:
            problem = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if problem != "ok":
                raise click.ClickException(f"The copy failed its integrity check: {problem}")
        return int(dst.execute("PRAGMA page_count").fetchone()[0])
    finally:
        dst.close()
        src.close()


def _copy(source: Path, target: Path) -> int:
    """Online backup of `source` into `target` (replaced atomically); returns its pages."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    pages = _online_copy(f"file:{source}", partial, check=True)
    os.replace(partial, target)
    return pages


def _check_is_ours(path: Path) -> str:
    """The backup's schema revision, or a clear refusal if it is not an SFO Review database."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise click.ClickException(f"{path} is damaged (integrity check failed).")
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{path} is not an SFO Review database ({exc}).") from exc
    if row is None:
        raise click.ClickException(f"{path} is not an SFO Review database (no schema version).")
    return str(row[0])


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup(path: Path, force: bool) -> None:
    """Copy the (SQLite) database to PATH while the service runs."""
    source = _sqlite_path()
    if source is None:
        raise click.ClickException(PG_HELP.format(path=path))
    if path.resolve() == source.resolve():
        raise click.ClickException("PATH is the live database itself: choose another file.")
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists: choose another name or add --force.")
    if not path.parent.is_dir():
        raise click.ClickException(f"The folder {path.parent} does not exist.")
    db.session.remove()
    pages = _copy(source, path)
    click.echo(f"Backed up {source} to {path} ({pages:,} pages, integrity checked).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the live database is to be replaced.")
@with_appcontext
def restore(path: Path, yes: bool) -> None:
    """Replace the (SQLite) database with the backup at PATH."""
    target = _sqlite_path()
    if target is None:
        raise click.ClickException(PG_HELP.format(path=path))
    revision = _check_is_ours(path)
    if not yes:
        raise click.ClickException(
            f"This replaces everything in {target} with {path}: run again with --yes to do it."
        )
    live_version = _figures_version()
    db.session.remove()
    db.engine.dispose()
    target.parent.mkdir(parents=True, exist_ok=True)
    # The online API again, into the live file: running workers see the restored data.
    _online_copy(f"file:{path}?mode=ro", target, check=False)
    _move_figures_version_past(target, live_version)
    click.echo(
        f"Restored {target} from {path} (schema {revision}). "
        "Run `flask --app sfo_review db upgrade` if the backup is older than this version."
    )


def _figures_version() -> int:
    try:
        return figures_cache.version() or 0
    except SQLAlchemyError:  # a database from before the figures' data version
        db.session.rollback()
        return 0


def _move_figures_version_past(target: Path, live_version: int) -> None:
    """The restored data is not the data cached figures were computed from: move the data
    version past both the live one and the backup's, so no cached entry is served again."""
    with closing(sqlite3.connect(target)) as conn, conn:
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'data_versions'"
        ).fetchone()
        if exists:
            conn.execute(
                "UPDATE data_versions SET version = max(version, ?) + 1 WHERE name = ?",
                (live_version, figures_cache.NAME),
            )
            # Each section's version too (never above the overall one: they move together),
            # written even where the backup has none, so no section entry is served again.
            for section in figures_cache.SECTIONS:
                name = figures_cache.section_name(section)
                conn.execute(
                    "UPDATE data_versions SET version = max(version, ?) + 1 WHERE name = ?",
                    (live_version, name),
                )
                conn.execute(
                    "INSERT INTO data_versions (name, version) SELECT ?, ? WHERE NOT EXISTS "
                    "(SELECT 1 FROM data_versions WHERE name = ?)",
                    (name, live_version + 1, name),
                )
