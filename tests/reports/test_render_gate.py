"""Web processes lay out no PDF for a download: the job worker (niced) renders every one, so
PDFs never take the CPU ordinary pages need. A short report is waited for a little
(PDF_WAIT_SECONDS) and answered as if made in the request; one not made in that time, or a
long one, shows "Preparing your PDF" in the browser and answers 503 with Retry-After in the
API. PDFs already made (the cache, the approved snapshots) never wait at all.

The waits run on a virtual clock (`clock`): no test here sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import RenderedReport, User
from sfo_review.services import users as user_service
from sfo_review.services.reports import exports as report_exports
from sfo_review.services.reports import snapshots as report_snapshots
from sfo_review.services.reports import work as report_work
from tests import helpers_rules
from tests.report_fixtures import WAIT_SECONDS, Clock

Builder = Callable[..., dict[str, Any]]
API_PDF = "/api/v1/reviews/{r}/report.pdf?variant={v}"
PDF = "/reviews/{r}/report.pdf?variant={v}"
PREPARING = "/reviews/{r}/reports/preparing?variant={v}"


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {user_service.issue_token(user)}"}


def the_worker(review_id: int, variant: str) -> Callable[[], None]:
    return lambda: report_work.render_in_background(review_id, variant)


def test_the_api_waits_for_the_worker_and_answers_the_pdf_it_made(
    client: FlaskClient,
    rich_review: Builder,
    queued: list[tuple[int, str]],
    layouts: list[str],
    clock: Clock,
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    clock.worker = the_worker(review.id, "full")

    response = client.get(API_PDF.format(r=review.id, v="full"), headers=bearer(data["reviewer"]))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == db.session.query(RenderedReport).one().pdf
    assert queued == [(review.id, "full")]  # asked of the worker, which made it
    assert len(layouts) == 1
    assert clock.sleeps == [report_exports.POLL_SECONDS]  # looked again once, then had it


def test_the_api_lays_out_nothing_and_answers_503_when_the_worker_is_not_done_in_time(
    client: FlaskClient,
    rich_review: Builder,
    queued: list[tuple[int, str]],
    layouts: list[str],
    clock: Clock,
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    headers = bearer(data["reviewer"])

    response = client.get(API_PDF.format(r=review.id, v="full"), headers=headers)

    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert "being prepared" in response.get_json()["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0
    assert layouts == []  # nothing laid out by the web process
    assert sum(clock.sleeps) == pytest.approx(WAIT_SECONDS)  # waited its time, no longer
    assert db.session.query(RenderedReport).one().state == "pending"

    again = client.get(API_PDF.format(r=review.id, v="full"), headers=headers)
    assert again.status_code == 503
    assert queued == [(review.id, "full")]  # asked for once: the worker has it in hand

    report_work.render_in_background(review.id, "full")  # the worker
    done = client.get(API_PDF.format(r=review.id, v="full"), headers=headers)
    assert done.status_code == 200
    assert done.data == db.session.query(RenderedReport).one().pdf


def test_the_browser_downloads_a_short_report_the_worker_made_while_it_waited(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    queued: list[tuple[int, str]],
    clock: Clock,
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])
    clock.worker = the_worker(review.id, "family_summary")

    response = client.get(PDF.format(r=review.id, v="family_summary"))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert queued == [(review.id, "family_summary")]


def test_the_browser_is_shown_preparing_when_the_worker_is_not_done_in_time(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    queued: list[tuple[int, str]],
    layouts: list[str],
    clock: Clock,
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])

    response = client.get(PDF.format(r=review.id, v="family_summary"))

    assert response.status_code == 303
    assert response.headers["Location"] == PREPARING.format(r=review.id, v="family_summary")
    assert queued == [(review.id, "family_summary")]
    assert layouts == []


def test_a_long_report_is_not_waited_for(
    app: Flask,
    client: FlaskClient,
    rich_review: Builder,
    queued: list[tuple[int, str]],
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "PDF_BACKGROUND_MIN_CHARS", 1)
    data = rich_review("factual_accuracy")
    review = data["review"]

    response = client.get(API_PDF.format(r=review.id, v="full"), headers=bearer(data["reviewer"]))

    assert response.status_code == 503
    assert clock.sleeps == []  # it would not be made in the time a request may wait
    assert queued == [(review.id, "full")]


def test_the_first_api_download_of_an_approved_review_waits_for_the_worker(
    client: FlaskClient,
    rich_review: Builder,
    queued: list[tuple[int, str]],
    layouts: list[str],
    clock: Clock,
) -> None:
    """Approved in the browser, PDFs not stored yet: the API asks no new render of its own
    (the approval's jobs are queued) and answers the stored bytes once the worker stores
    them."""
    from sfo_review.services import transitions

    data = rich_review("quality_assurance")
    review = data["review"]
    helpers_rules.address_factors(review)  # api-v1.1 B: the action balance rule
    transitions.transition(data["qa"], review, approval(), background=True)
    report_work.start_snapshot_jobs(review)  # as the Countersign page does
    headers = bearer(data["reviewer"])

    waiting = client.get(API_PDF.format(r=review.id, v="full"), headers=headers)
    assert waiting.status_code == 503
    assert layouts == []
    assert sorted(queued) == [(review.id, "family_summary"), (review.id, "full")]  # no more

    clock.worker = the_worker(review.id, "family_summary")
    stored = client.get(API_PDF.format(r=review.id, v="family_summary"), headers=headers)
    assert stored.status_code == 200
    # the stored bytes
    assert stored.data == report_snapshots.snapshot(review, "family_summary").pdf
    again = client.get(API_PDF.format(r=review.id, v="family_summary"), headers=headers)
    assert again.status_code == 200 and again.data == stored.data
    assert len(layouts) == 1  # the worker's: one layout for both formats


def test_a_failed_render_answers_report_unavailable_and_the_next_request_asks_again(
    client: FlaskClient,
    rich_review: Builder,
    queued: list[tuple[int, str]],
    clock: Clock,
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    headers = bearer(data["reviewer"])
    client.get(API_PDF.format(r=review.id, v="full"), headers=headers)
    row = db.session.query(RenderedReport).one()
    report_work._give_up(row.id, "WeasyPrint stopped")  # the worker's last try failed

    failed = client.get(API_PDF.format(r=review.id, v="full"), headers=headers)
    assert failed.status_code == 503
    assert failed.get_json()["error"]["code"] == "service_unavailable"  # asked again
    assert queued == [(review.id, "full"), (review.id, "full")]

    clock.worker = lambda: report_work._give_up(row.id, "WeasyPrint stopped again")
    gave_up = client.get(API_PDF.format(r=review.id, v="full"), headers=headers)
    assert gave_up.status_code == 503
    assert gave_up.get_json()["error"]["code"] == "report_unavailable"


def test_a_download_loads_no_layout_engine_in_the_web_process(
    client: FlaskClient,
    rich_review: Builder,
    queued: list[tuple[int, str]],
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keying the cache reads the files that shape a PDF, not WeasyPrint: a web process
    never pays the engine's start-up (about a second of CPU, and its memory)."""
    from sfo_review.pdf import render

    monkeypatch.setattr(render, "_ENGINES", {})
    data = rich_review("factual_accuracy")
    review = data["review"]

    response = client.get(API_PDF.format(r=review.id, v="full"), headers=bearer(data["reviewer"]))

    assert response.status_code == 503
    assert render._ENGINES == {}
    assert render.fingerprint() == render.engine().fingerprint  # one key for both
