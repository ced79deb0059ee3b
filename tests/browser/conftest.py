"""A live server on a fresh database with the demo data, and headless Chromium to drive it.

Chromium comes from Debian, installed by .ci/system-packages; Playwright never downloads a
browser of its own here. The tests drive Debian's chromium-headless-shell: the same Chromium
build, headless only (no browser UI layer), which is what Playwright itself runs for headless
tests. It spends about a quarter less CPU than the full browser's headless mode on the same
walk (the accessibility module: 178 → 132 CPU s).
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from config import TestConfig
from sfo_review.extensions import db

CHROMIUM = shutil.which("chromium-headless-shell") or "/usr/bin/chromium-headless-shell"
DEMO_PASSWORD = "demo-password-2026"


@pytest.fixture(scope="session")
def live_server(live_app: tuple[str, Any]) -> str:
    return live_app[0]


# The demo database, migrated and seeded once per worker process and day (a template),
# then copied for each live server: a copy takes milliseconds, migrating and seeding about
# six seconds of CPU, which every browser test module used to spend.
_TEMPLATES: dict[date, Path] = {}


def _demo_template() -> Path:
    from flask_migrate import upgrade

    from sfo_review import create_app
    from sfo_review.cli.seed import seed

    today = date.today()  # the demo data's dates count from today
    if today not in _TEMPLATES:
        folder = tempfile.mkdtemp(prefix="sfo-demo-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = Path(folder) / "demo.db"

        class TemplateConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

        app = create_app(TemplateConfig)
        with app.app_context():
            upgrade()
            seed()
            db.session.remove()
            db.engine.dispose()
        _TEMPLATES[today] = path
    return _TEMPLATES[today]


def demo_database(path: Path) -> str:
    """The SQLite address of a new file at `path` holding the migrated demo data, as
    `flask db upgrade` and `flask seed-demo` leave it (a copy of the template)."""
    source, copy = sqlite3.connect(_demo_template()), sqlite3.connect(path)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return f"sqlite:///{path}"


@contextmanager
def demo_server(folder: Path) -> Iterator[tuple[str, Any]]:
    """(address, app) of a live server on a new SQLite file in `folder`, migrated and seeded
    with the demo data, for as long as the block runs."""
    from sfo_review import create_app

    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = demo_database(folder / "live.db")
        TESTING = False  # behave like the real server: error pages, not tracebacks
        WTF_CSRF_ENABLED = True

    app = create_app(LiveConfig)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """(address, app) of the live server: tests may change the app's config for a while."""
    with demo_server(tmp_path_factory.mktemp("live")) as found:
        yield found


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Chromium's headless shell is not installed: apt-get install chromium-headless-shell"
            " (or run make test)"
        )
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, live_server: str) -> Iterator[Any]:
    contexts = []

    def open_page(email: str | None = None) -> Any:
        context = browser.new_context(base_url=live_server)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if email:
            page.goto("/sign-in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
        return page

    yield open_page
    for context in contexts:
        context.close()
