"""The house in order: what the docs say of the app, the lock file, and nothing done at
import time."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from flask import Flask

from sfo_review.cli.routes_page import routes_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_the_routes_page_is_the_url_map(app: Flask) -> None:
    """docs/routes.md is written from the URL map (`make routes-doc`): a new, renamed or
    removed route, or a changed permission, fails here until the page is written again."""
    assert (ROOT / "docs" / "routes.md").read_text() == routes_markdown(app), (
        "docs/routes.md is out of date: run `make routes-doc`"
    )


def test_the_routes_page_names_every_route_and_its_permissions(app: Flask) -> None:
    page = routes_markdown(app)
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            assert f"| `{rule.rule}` | `{rule.endpoint}` |" in page
    assert "| GET, POST | `/admin/users/new` | `admin.new_user` | `can_manage_users` |" in page


def _name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert found, requirement
    return re.sub(r"[-_.]+", "-", found.group(0)).lower()


def _pinned(lock: str) -> set[str]:
    """The names of the packages requirements.lock pins."""
    return {_name(line) for line in lock.splitlines() if re.match(r"^[A-Za-z0-9]", line)}


def test_every_dependency_is_pinned_in_the_lock_file() -> None:
    """make install installs requirements.lock: a dependency added to pyproject.toml without
    `make lock` would be missing from a fresh install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    lock = (ROOT / "requirements.lock").read_text()
    pinned = _pinned(lock)
    missing = sorted({_name(r) for r in wanted} - pinned)
    assert missing == [], f"not in requirements.lock (run `make lock`): {missing}"
    assert all("==" in line for line in lock.splitlines() if re.match(r"^[A-Za-z0-9]", line))
    assert "--hash=sha256:" in lock


OLDEST_PYTHON = "3.11.2"  # Debian 12's python3.11: a server's `make install` may use it


def test_the_lock_installs_on_the_oldest_python_we_run_on() -> None:
    """Every locked package admits Python 3.11.2, and what a locked package needs only on
    such a Python (redis: async-timeout before 3.11.3) is locked too. pip-compile keeps only
    the requirements of the Python it runs on, so `make lock` on a newer 3.11 would drop
    them: uv would then refuse to install the lock on Debian 12 (no trusted hash)."""
    from importlib.metadata import distribution

    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    pinned = _pinned((ROOT / "requirements.lock").read_text())
    oldest = {**default_environment(), "python_full_version": OLDEST_PYTHON}
    oldest["python_version"] = ".".join(OLDEST_PYTHON.split(".")[:2])
    refused, needed = [], []
    for name in sorted(pinned):
        try:
            metadata = distribution(name).metadata
        except ModuleNotFoundError:  # locked for another platform only
            continue
        admits = metadata.get("Requires-Python")
        if admits and not SpecifierSet(admits).contains(OLDEST_PYTHON):
            refused.append(f"{name} (Python {admits})")
        for line in metadata.get_all("Requires-Dist") or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or "extra" in str(marker) or not marker.evaluate(oldest):
                continue
            if _name(requirement.name) not in pinned:
                needed.append(f"{requirement.name} (for {name})")
    assert refused == [], f"locked versions that refuse Python {OLDEST_PYTHON}: {refused}"
    assert needed == [], f"needed on Python {OLDEST_PYTHON} but not locked: {needed}"


def test_importing_the_app_registers_nothing_create_app_does(tmp_path: Path) -> None:
    """SQLAlchemy's event listeners (SQLite's pragmas, PostgreSQL's deadlines, the figures'
    data version) are registered by create_app, once however many apps, never by an import."""
    code = """
import sys
from sqlalchemy import event
import sfo_review
from sfo_review import database, db_deadlines
from sfo_review.services.figures import cache, contributions
listeners = database.LISTENERS + db_deadlines.LISTENERS + cache.LISTENERS
listeners += contributions.LISTENERS
registered = lambda: [event.contains(t, n, f) for t, n, f in listeners]
assert not any(registered()), "registered at import"
sfo_review.create_app()
sfo_review.create_app()
assert all(registered()), "not registered by create_app"
print(len(listeners))
"""
    env = {
        "PATH": "/usr/bin:/bin",
        "SFO_ENV": "development",
        "SECRET_KEY": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "HUEY_SQLITE_PATH": str(tmp_path / "huey.db"),
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == 14
