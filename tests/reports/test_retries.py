"""Renders lost or failed are retried by themselves: Huey retries a failed render after a
delay, a render lost with its worker is asked for again (by the page the person watches
and by a sweep in the worker every minute), a bounded number of times; a retried job that
finds its PDF made, or another worker on it, does nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import RenderedReport, User
from sfo_review.models._base import utcnow
from sfo_review.pdf.render import ReportUnavailable
from sfo_review.services import transitions
from sfo_review.services.reports import cache as report_cache
from sfo_review.services.reports import work as report_work
from tests import helpers_rules
from tests.helpers_forms import page

Builder = Callable[..., dict[str, Any]]
PREPARING = "/reviews/{r}/reports/preparing?variant={v}"


def pending_row(review: Any, variant: str = "full") -> RenderedReport:
    row = report_cache._pending(review, variant, "k" * 64, None)
    db.session.commit()
    return row


def age(row: RenderedReport, started: bool, by: timedelta = timedelta(hours=1)) -> None:
    """As if the render was asked for (and started by a worker) `by` ago."""
    row.requested_at -= by
    row.started_at = row.requested_at if started else None
    db.session.commit()


def lost_limit(app: Flask) -> timedelta:
    return timedelta(
        seconds=app.config["PDF_RENDER_TIMEOUT_SECONDS"] + report_work.LOST_AFTER_SECONDS
    )


def test_huey_retries_a_failed_render_after_a_delay() -> None:
    task = report_work.render_report.task_class
    assert task.default_retries == report_work.MAX_ATTEMPTS - 1
    assert task.default_retry_delay >= 10


def test_a_failed_render_with_retries_left_waits_pending_for_its_retry(
    rich_review: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = rich_review("factual_accuracy")["review"]
    row = pending_row(review)

    def broken(html: str, formats: tuple[str, ...] = ("standard",)) -> Any:
        raise ReportUnavailable("out of memory")

    monkeypatch.setattr(report_work, "write_pdfs", broken)
    with pytest.raises(ReportUnavailable):  # Huey sees it fail, and retries after its delay
        report_work.render_in_background(review.id, "full", last_try=False)
    db.session.refresh(row)
    assert (row.state, row.started_at, row.error) == ("pending", None, "out of memory")
    assert report_work.still_running(row)  # the person is still shown "Preparing"

    report_work.render_in_background(review.id, "full", last_try=True)
    db.session.refresh(row)
    assert (row.state, row.error) == ("failed", "out of memory")


def test_a_lost_render_is_asked_for_again_a_bounded_number_of_times(
    app: Flask,
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    queued: list[tuple[int, str]],
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])
    row = pending_row(review)
    for attempt in range(2, report_work.MAX_ATTEMPTS + 1):
        age(row, started=True)
        assert (
            page(client.get(PREPARING.format(r=review.id, v="full")))
            .select_one("h1")
            .get_text(strip=True)
            == "Preparing your PDF"
        )
        db.session.refresh(row)
        assert row.attempts == attempt
    age(row, started=True)

    shown = page(client.get(PREPARING.format(r=review.id, v="full")))

    assert shown.select_one("h1").get_text(strip=True) == "Sorry, your PDF could not be produced"
    assert shown.select_one("a.govuk-button").get_text(strip=True) == "Try again"
    db.session.refresh(row)
    assert row.state == "failed"
    assert row.error == report_work.LOST_REASON.format(attempts=report_work.MAX_ATTEMPTS)
    assert len(queued) == report_work.MAX_ATTEMPTS - 1


def test_a_render_neither_lost_nor_finished_is_left_alone(
    app: Flask, rich_review: Builder, queued: list[tuple[int, str]]
) -> None:
    review = rich_review("factual_accuracy")["review"]
    queued_row = pending_row(review, "full")
    started_row = pending_row(review, "family_summary")
    # queued a little under the limit; started long ago but still within its hard limit
    age(queued_row, started=False, by=lost_limit(app) - timedelta(seconds=5))
    age(started_row, started=True, by=lost_limit(app) - timedelta(seconds=5))

    assert report_work.requeue_lost() == 0
    assert queued == []
    assert report_work.still_running(queued_row) and report_work.still_running(started_row)


def test_the_sweep_asks_again_for_renders_nobody_is_watching(
    app: Flask, rich_review: Builder, queued: list[tuple[int, str]]
) -> None:
    """An approval's stored PDFs are the record: the periodic sweep in the worker asks for
    them again even when nobody opens the page that would."""
    review = rich_review("factual_accuracy")["review"]
    lost = pending_row(review, "full")
    never_picked_up = pending_row(review, "family_summary")
    age(lost, started=True)
    age(never_picked_up, started=False)

    assert report_work.requeue_lost() == 2

    assert sorted(queued) == [(review.id, "family_summary"), (review.id, "full")]
    for row in (lost, never_picked_up):
        db.session.refresh(row)
        assert (row.state, row.attempts, row.started_at) == ("pending", 2, None)
        assert utcnow() - row.requested_at < timedelta(minutes=1)


def test_the_sweep_runs_in_the_worker_every_minute() -> None:
    sweep = report_work.requeue_lost_renders.task_class()
    assert all(sweep.validate_datetime(datetime(2026, 12, 3, 10, m)) for m in (0, 1, 17, 59))


def test_a_retried_job_that_finds_its_pdf_made_does_nothing(
    rich_review: Builder, layouts: list[str]
) -> None:
    review = rich_review("factual_accuracy")["review"]
    row = pending_row(review)

    report_work.render_in_background(review.id, "full")
    report_work.render_in_background(review.id, "full")  # the same job, retried or duplicated

    assert len(layouts) == 1
    db.session.refresh(row)
    assert row.state == "ready"


def test_a_retried_approval_job_that_finds_the_pdfs_stored_does_nothing(
    rich_review: Builder, layouts: list[str], queued: list[tuple[int, str]]
) -> None:
    data = rich_review("quality_assurance")
    review = data["review"]
    helpers_rules.address_factors(review)  # api-v1.1 B: the action balance rule
    transitions.transition(data["qa"], review, approval(), background=True)
    report_work.start_snapshot_jobs(review)  # as the Countersign page does
    assert sorted(queued) == [(review.id, "family_summary"), (review.id, "full")]

    report_work.render_in_background(review.id, "full")
    report_work.render_in_background(review.id, "full")

    assert len(layouts) == 1  # both formats from one layout, once


def test_two_workers_never_render_one_request_at_once(app: Flask, rich_review: Builder) -> None:
    review = rich_review("factual_accuracy")["review"]
    row = pending_row(review)

    # the worker's alarm first
    assert report_work.LOST_AFTER_SECONDS > report_work.HARD_LIMIT_GRACE_SECONDS
    assert report_work.claim(review, "full") is True
    assert report_work.claim(review, "full") is False  # another worker has it in hand
    db.session.refresh(row)
    age(row, started=True, by=lost_limit(app) + timedelta(seconds=1))
    assert report_work.claim(review, "full") is True  # that worker died: past its hard limit
    row.state = "failed"
    db.session.commit()
    assert report_work.claim(review, "full") is True  # a late job takes a failed render up again
    db.session.refresh(row)
    assert row.state == "pending"
    row.state = "ready"
    db.session.commit()
    assert report_work.claim(review, "full") is False  # nothing to do any more
