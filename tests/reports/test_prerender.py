"""Draft PDFs rendered again in the background after a change, debounced (issue 21).

Tests run Huey in immediate mode: a job with no delay runs at once, one scheduled for later
waits in the in-memory schedule until the test runs it (`run_scheduled`), and the module's
clock (`prerender.now`) is the test's, so a quiet period passes without waiting for it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sfo_review import jobs
from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import RenderedReport, ReportSnapshot, Review
from sfo_review.pdf import render
from sfo_review.services import evidence, transitions
from sfo_review.services import users as user_service
from sfo_review.services.reports import cache as report_cache
from sfo_review.services.reports import exports as report_exports
from sfo_review.services.reports import prerender
from sfo_review.services.reports import work as report_work
from tests import helpers_rules

Builder = Callable[..., dict[str, Any]]
QUIET = 5.0


class Clock:
    def __init__(self) -> None:
        self.at = 1_000_000.0

    def __call__(self) -> float:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(prerender, "now", clock)
    return clock


@pytest.fixture
def prerendering(app: Flask, monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Iterator[None]:
    """Pre-rendering on, with a quiet period; the in-memory queue empty before and after."""
    monkeypatch.setitem(app.config, "PDF_PRERENDER", True)
    monkeypatch.setitem(app.config, "PDF_PRERENDER_QUIET_SECONDS", QUIET)
    jobs.huey.storage.flush_all()
    yield
    jobs.huey.storage.flush_all()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every real render of a draft by the job, counted (the renders still happen)."""
    seen: list[str] = []
    real = render.write_pdfs

    def counting(html: str, formats: tuple[str, ...] = ("standard",)) -> Any:
        seen.append(html)
        return real(html, formats)

    monkeypatch.setattr(report_work, "write_pdfs", counting)
    return seen


def run_scheduled() -> int:
    """Run every job in the schedule as if its time had come; how many ran."""
    later = dt.datetime.now() + dt.timedelta(days=1)  # noqa: DTZ005 - Huey's own local clock
    tasks = jobs.huey.read_schedule(later)
    for task in tasks:
        jobs.huey.execute(task, later)
    return len(tasks)


def add_entry(client: FlaskClient, review: Review, token: str, summary: str) -> None:
    """A change through the API, as a person would make it."""
    response = client.post(
        f"/api/v1/reviews/{review.id}/chronology",
        json={"occurred_on": "2023-06-01", "source": "Police", "summary": summary},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()


def download(client: FlaskClient, review: Review, token: str, variant: str = "full") -> bytes:
    response = client.get(
        f"/api/v1/reviews/{review.id}/report.pdf?variant={variant}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_json()
    return response.data


def text_of(pdf: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def rows(review: Review) -> dict[str, RenderedReport]:
    db.session.expire_all()
    found = db.session.query(RenderedReport).filter_by(review_id=review.id)
    return {row.variant: row for row in found}


@pytest.fixture
def drafted(rich_review: Builder) -> tuple[dict[str, Any], str]:
    built = rich_review("factual_accuracy")
    return built, user_service.issue_token(built["reviewer"])


def test_a_change_renders_the_draft_pdfs_once_the_review_is_quiet(
    client: FlaskClient,
    drafted: tuple[dict[str, Any], str],
    prerendering: None,
    clock: Clock,
    renders: list[str],
) -> None:
    built, token = drafted
    review = built["review"]

    add_entry(client, review, token, "Marker one: the first change.")

    assert jobs.huey.scheduled_count() == 1  # the job waits for the quiet period
    assert renders == []
    clock.advance(QUIET)
    assert run_scheduled() == 1

    made = rows(review)
    assert set(made) == set(prerender.DRAFT_VARIANTS) == {"full", "family_summary"}
    assert all(row.state == "ready" and row.pdf for row in made.values())
    assert len(renders) == 2
    assert jobs.huey.scheduled_count() == 0
    # the download answers from the stored bytes: nothing more is rendered
    pdf = download(client, review, token)
    assert pdf == made["full"].pdf
    assert "Marker one" in text_of(pdf)
    assert len(renders) == 2


def test_a_burst_of_changes_makes_one_render_after_the_last_is_quiet(
    client: FlaskClient,
    drafted: tuple[dict[str, Any], str],
    prerendering: None,
    clock: Clock,
    renders: list[str],
) -> None:
    built, token = drafted
    review = built["review"]

    for n in range(4):
        add_entry(client, review, token, f"Burst change {n}.")
        clock.advance(2)
    assert jobs.huey.scheduled_count() == 1  # one job for the review, never a pile

    # the job's time comes 5 s after the first change: the last was 2 s ago, so it waits
    assert run_scheduled() == 1
    assert renders == []
    assert jobs.huey.scheduled_count() == 1
    clock.advance(QUIET)
    assert run_scheduled() == 1
    assert len(renders) == 2  # the full report and the family summary, once each
    assert "Burst change 3." in text_of(rows(review)["full"].pdf or b"")
    assert jobs.huey.scheduled_count() == 0

    # the next change after that schedules its own job
    add_entry(client, review, token, "After the burst.")
    assert jobs.huey.scheduled_count() == 1


def test_a_download_right_after_a_change_never_gets_the_old_pdf(
    client: FlaskClient,
    drafted: tuple[dict[str, Any], str],
    prerendering: None,
    clock: Clock,
    renders: list[str],
) -> None:
    built, token = drafted
    review = built["review"]
    add_entry(client, review, token, "Before the change.")
    clock.advance(QUIET)
    run_scheduled()
    before = download(client, review, token)

    add_entry(client, review, token, "Zanzibar marker after the change.")
    now = download(client, review, token)  # the job has not run yet (still quiet)

    assert now != before
    assert "Zanzibar marker" in text_of(now)
    assert "Zanzibar marker" not in text_of(before)
    rendered = len(renders)
    # the pre-render then finds what it would make in the cache: the full report the
    # download made, the family summary unchanged (it shows significant entries only)
    clock.advance(QUIET)
    run_scheduled()
    assert rows(review)["full"].pdf == now
    assert len(renders) == rendered


def test_a_render_that_finishes_after_a_newer_change_does_not_overwrite_it(
    app: Flask,
    client: FlaskClient,
    drafted: tuple[dict[str, Any], str],
    prerendering: None,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pre-render of the first change is laying out its full report when a second change
    comes and is downloaded (rendered in the meantime): the first render, finishing last,
    leaves the newer PDF in place (`cache.still_ours`)."""
    built, token = drafted
    review = built["review"]
    real = render.write_pdfs
    newer: dict[str, bytes] = {}

    def slow(html: str, formats: tuple[str, ...] = ("standard",)) -> Any:
        if "First change." in html and "Second change." not in html and not newer:
            with app.test_request_context():
                evidence.add_chronology_entry(
                    built["reviewer"],
                    review,
                    {"occurred_on": "2023-06-02", "source": "Police", "summary": "Second change."},
                )
            newer["pdf"] = download(client, review, token)
        return real(html, formats)

    monkeypatch.setattr(report_work, "write_pdfs", slow)
    add_entry(client, review, token, "First change.")
    clock.advance(QUIET)
    run_scheduled()

    assert "Second change." in text_of(newer["pdf"])
    row = rows(review)["full"]
    assert row.pdf == newer["pdf"]
    assert row.stamp == report_cache.content_stamp(review, "full")
    assert download(client, review, token) == newer["pdf"]


def test_an_approved_review_keeps_its_frozen_pdfs(
    app: Flask, rich_review: Builder, prerendering: None, clock: Clock, renders: list[str]
) -> None:
    data = rich_review("quality_assurance")
    review = data["review"]
    helpers_rules.address_factors(review)
    with app.test_request_context():
        transitions.transition(data["qa"], review, approval())  # PDFs stored now
    stored = {(s.variant, s.format): s.pdf for s in db.session.query(ReportSnapshot)}
    cached_before = {r.variant: (r.state, r.content_key) for r in rows(review).values()}

    clock.advance(QUIET)
    run_scheduled()  # the approval's own change asked for a pre-render
    assert prerender.prepare(review.id) == []

    assert renders == []
    assert {(s.variant, s.format): s.pdf for s in db.session.query(ReportSnapshot)} == stored
    assert {r.variant: (r.state, r.content_key) for r in rows(review).values()} == cached_before
    exported = report_exports.export_report(data["qa"], review, "full")
    assert exported.pdf == stored[("full", "standard")]


def test_reads_and_downloads_schedule_nothing(
    client: FlaskClient, drafted: tuple[dict[str, Any], str], prerendering: None
) -> None:
    built, token = drafted
    review = built["review"]
    download(client, review, token)  # writes report.exported, a read
    client.get(f"/api/v1/reviews/{review.id}", headers={"Authorization": f"Bearer {token}"})
    assert jobs.huey.scheduled_count() == 0


def test_changes_outside_a_request_schedule_nothing(
    drafted: tuple[dict[str, Any], str], prerendering: None
) -> None:
    built, _token = drafted
    evidence.add_chronology_entry(
        built["reviewer"],
        built["review"],
        {"occurred_on": "2023-06-03", "source": "Police", "summary": "From a script."},
    )
    assert jobs.huey.scheduled_count() == 0


def test_switched_off_nothing_is_scheduled(
    app: Flask,
    client: FlaskClient,
    drafted: tuple[dict[str, Any], str],
    prerendering: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "PDF_PRERENDER", False)
    built, token = drafted
    add_entry(client, built["review"], token, "Not ahead.")
    assert jobs.huey.scheduled_count() == 0
    assert rows(built["review"]) == {}


def test_with_no_quiet_period_the_render_is_asked_for_at_once(
    app: Flask,
    client: FlaskClient,
    drafted: tuple[dict[str, Any], str],
    prerendering: None,
    monkeypatch: pytest.MonkeyPatch,
    renders: list[str],
) -> None:
    """No quiet period: the job is due at once (immediate mode keeps it in the schedule
    until the test runs it, so it does not run inside the commit), and the clock need not
    move."""
    monkeypatch.setitem(app.config, "PDF_PRERENDER_QUIET_SECONDS", 0)
    built, token = drafted
    add_entry(client, built["review"], token, "At once.")
    assert jobs.huey.scheduled_count() == 1
    assert run_scheduled() == 1
    assert len(renders) == 2
    assert {r.state for r in rows(built["review"]).values()} == {"ready"}


def test_a_queue_that_cannot_be_reached_leaves_the_change_made(
    client: FlaskClient,
    drafted: tuple[dict[str, Any], str],
    prerendering: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    built, token = drafted

    def down(key: str, value: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(jobs.huey, "put", down)
    add_entry(client, built["review"], token, "Made all the same.")
    assert "Could not schedule the draft PDFs" in caplog.text
    db.session.expire_all()
    assert any(e.summary == "Made all the same." for e in built["review"].chronology)


def test_a_flag_left_by_a_lost_job_is_taken_as_gone(
    app: Flask, drafted: tuple[dict[str, Any], str], prerendering: None, clock: Clock
) -> None:
    review = drafted[0]["review"]
    with app.app_context():
        assert prerender.request_render(review.id) is True
        jobs.huey.storage.flush_schedule()  # the job is lost; its flag stays
        assert prerender.request_render(review.id) is False
        clock.advance(prerender.LOST_FLAG_SECONDS)
        assert prerender.request_render(review.id) is True
    assert jobs.huey.scheduled_count() == 1


def test_a_change_while_the_job_clears_its_flag_is_waited_for(
    app: Flask,
    drafted: tuple[dict[str, Any], str],
    prerendering: None,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The job found the review quiet, and a change came before it cleared its flag: it
    waits for that change's quiet period instead of rendering now."""
    review = drafted[0]["review"]
    prerender.request_render(review.id)
    clock.advance(QUIET)
    real_get = jobs.huey.get

    def get_then_change(key: str, peek: bool = False) -> Any:
        value = real_get(key, peek)
        if key.startswith("prerender:scheduled:") and not peek:
            jobs.huey.put(prerender.DUE_KEY.format(review.id), clock() + QUIET)
        return value

    monkeypatch.setattr(jobs.huey, "get", get_then_change)
    assert prerender.when_quiet(review.id) is False
    monkeypatch.setattr(jobs.huey, "get", real_get)
    assert jobs.huey.get(prerender.SCHEDULED_KEY.format(review.id), peek=True) is not None
    clock.advance(QUIET)
    assert prerender.when_quiet(review.id) is True


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_the_debounce_works_on_the_real_queue_storages(
    kind: str,
    tmp_path: Any,
    drafted: tuple[dict[str, Any], str],
    prerendering: None,
    clock: Clock,
    renders: list[str],
) -> None:
    """Out of immediate mode, on Huey's SQLite file and on Redis (TEST_REDIS_URL, e.g.
    redis://127.0.0.1:6379/6: a database number of its own, flushed): the job goes through
    the queue as the consumer sees it, one per burst, and renders once."""
    from huey.storage import BaseStorage, MemoryStorage, RedisStorage, SqliteStorage

    storage: BaseStorage
    if kind == "sqlite":
        storage = SqliteStorage("sfo-review", filename=str(tmp_path / "huey.db"))
    else:
        url = os.environ.get("TEST_REDIS_URL")
        if not url:
            pytest.skip("TEST_REDIS_URL is not set")
        storage = RedisStorage("sfo-review", url=url)
    storage.flush_all()
    review = drafted[0]["review"]
    immediate, memory = jobs.huey.immediate, jobs.huey.storage
    made_by = jobs.huey.storage_class, jobs.huey.storage_kwargs
    jobs.huey.storage_class, jobs.huey.storage_kwargs = MemoryStorage, {}  # made, then replaced
    jobs.huey.immediate, jobs.huey.storage = False, storage
    try:

        def consume() -> None:
            """What the consumer does with the queue: run what is due, schedule the rest."""
            later = dt.datetime.now() + dt.timedelta(days=1)  # noqa: DTZ005 - Huey's clock
            while (task := jobs.huey.dequeue()) is not None:
                jobs.huey.execute(task)  # not due yet: into the schedule
            for task in jobs.huey.read_schedule(later):
                jobs.huey.execute(task, later)

        for _ in range(3):
            prerender.request_render(review.id)
            clock.advance(1)
        assert jobs.huey.pending_count() == 1  # one job, however many changes
        consume()  # 3 s after the first change: the last was 1 s ago, so it waits again
        assert renders == []
        assert jobs.huey.pending_count() == 1
        clock.advance(QUIET)
        consume()
        assert len(renders) == 2
        assert jobs.huey.get(prerender.SCHEDULED_KEY.format(review.id), peek=True) is None
        assert jobs.huey.get(prerender.DUE_KEY.format(review.id), peek=True) is None
        assert jobs.huey.pending_count() == jobs.huey.scheduled_count() == 0
    finally:
        storage.flush_all()
        jobs.huey.immediate, jobs.huey.storage = immediate, memory
        jobs.huey.storage_class, jobs.huey.storage_kwargs = made_by


def test_a_change_that_scheduled_its_own_job_meanwhile_is_not_scheduled_twice(
    drafted: tuple[dict[str, Any], str],
    prerendering: None,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The job cleared its flag, and a change then came in full (it found no flag and
    scheduled its own job) before the job looked at the due time again: one job waits."""
    review = drafted[0]["review"]
    prerender.request_render(review.id)
    run_scheduled_at = jobs.huey.scheduled_count()
    clock.advance(QUIET)
    real_get = jobs.huey.get

    def get_then_change(key: str, peek: bool = False) -> Any:
        value = real_get(key, peek)
        if key.startswith("prerender:scheduled:") and not peek:
            monkeypatch.setattr(jobs.huey, "get", real_get)
            assert prerender.request_render(review.id) is True  # the change's own job
        return value

    monkeypatch.setattr(jobs.huey, "get", get_then_change)
    assert prerender.when_quiet(review.id) is False
    assert jobs.huey.scheduled_count() == run_scheduled_at + 1  # the change's, not two more
