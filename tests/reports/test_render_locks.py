"""A PDF being laid out blocks nobody: no render runs inside a write transaction.

On SQLite a write transaction holds the database's one write lock; a render inside one
made every other request — reads, /healthz — wait 5 s and fail with "database is locked".
Each render path is held inside the layout (an Event, never a sleep) while the main thread
reads and writes; both must succeed at once. The same holds on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import ReportSnapshot, Review, User
from sfo_review.services import evidence
from sfo_review.services import users as user_service
from sfo_review.services.reports import cache as report_cache
from sfo_review.services.reports import snapshots as report_snapshots
from sfo_review.services.reports import work as report_work
from tests import helpers_rules

# About the layout itself: every PDF here is laid out for real (tests/conftest.py).
pytestmark = pytest.mark.layout

Builder = Callable[..., dict[str, Any]]
WAIT = 60  # seconds: a bound on waiting for the other thread, never a measured time


class HeldRender:
    """write_pdfs that signals when a layout starts and waits to be let go."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.rendering = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.rendering.set()
        assert self.release.wait(WAIT), "the test never let the render go"
        return self.real(*args, **kwargs)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldRender]:
    gate = HeldRender(report_work.write_pdfs)
    for module in (report_snapshots, report_work):  # an approval's PDFs, and a draft's
        monkeypatch.setattr(module, "write_pdfs", gate)
    yield gate
    gate.release.set()


def _api(app: Flask, path: str, token: str, method: str = "GET", **kwargs: Any) -> int:
    with app.app_context():
        try:
            client = app.test_client()
            headers = {"Authorization": f"Bearer {token}"}
            return client.open(path, method=method, headers=headers, **kwargs).status_code
        finally:
            db.session.remove()


def _job(app: Flask, review_id: int) -> int:
    with app.app_context():
        try:
            # asked for, as a long report's download asks: a job renders only what is pending
            review = db.session.get(Review, review_id)
            assert review is not None
            report_cache.ask_job(review, "full", "")
            report_work.render_in_background(review_id, "full")
            return 200
        finally:
            db.session.remove()


PATHS: dict[str, Callable[[Flask, dict[str, Any]], int]] = {
    "API download": lambda app, d: _api(
        app, f"/api/v1/reviews/{d['id']}/report.pdf?variant=full", d["reviewer_token"]
    ),
    "background job": lambda app, d: _job(app, d["id"]),
    "API approval": lambda app, d: _api(
        app,
        f"/api/v1/reviews/{d['id']}/transitions",
        d["qa_token"],
        "POST",
        json=approval(),
    ),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_a_render_in_progress_blocks_neither_a_read_nor_a_write(
    path: str,
    app: Flask,
    committed_db: Any,
    client: FlaskClient,
    rich_review: Builder,
    full_review: Callable[..., dict[str, Any]],
    held: HeldRender,
) -> None:
    built = rich_review("quality_assurance" if path == "API approval" else "factual_accuracy")
    helpers_rules.address_factors(built["review"])  # api-v1.1 B: the action balance rule
    other = full_review()
    data = {
        "id": built["review"].id,
        "reviewer_token": user_service.issue_token(built["reviewer"]),
        "qa_token": user_service.issue_token(built["qa"]),
    }
    writer: User = other["reviewer"]
    db.session.commit()
    outcome: dict[str, Any] = {}

    def render() -> None:
        try:
            outcome["status"] = PATHS[path](app, data)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            outcome["error"] = exc

    thread = threading.Thread(target=render)
    thread.start()
    try:
        assert held.rendering.wait(WAIT), outcome.get("error") or "the render never started"

        health = client.get("/healthz")
        entry = evidence.add_chronology_entry(
            writer,
            other["review"],
            {"occurred_on": "2023-05-09", "source": "Police", "summary": "Written mid-render"},
        )

        assert health.status_code == 200
        assert entry.id is not None
    finally:
        held.release.set()
        thread.join(WAIT)
    assert not thread.is_alive()
    assert outcome.get("status") == 200, outcome
    if path == "API approval":
        db.session.rollback()
        stored = db.session.query(ReportSnapshot).filter_by(review_id=data["id"]).count()
        assert stored == 4  # both variants, both formats: stored after the approval committed
