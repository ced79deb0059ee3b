"""At most one render at a time in a web process, and nobody waits for it: while this
process renders one PDF, another is left to the job worker — the browser is shown
"Preparing your PDF", the API answers 503 with Retry-After — and PDFs already made (the
cache, the approved snapshots) never wait at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sfo_review.extensions import db
from sfo_review.models import RenderedReport, User
from sfo_review.reports.render import engine
from sfo_review.services import reports
from sfo_review.services import users as user_service

Builder = Callable[..., dict[str, Any]]
API_PDF = "/api/v1/reviews/{r}/report.pdf?variant={v}"
PDF = "/reviews/{r}/report.pdf?variant={v}"
PREPARING = "/reviews/{r}/reports/preparing?variant={v}"


@pytest.fixture
def rendering(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process is in the middle of another render (it holds the engine). A short time
    limit: code that waited for its turn would give up after it, not hang the suite."""
    monkeypatch.setitem(app.config, "PDF_RENDER_TIMEOUT_SECONDS", 2)
    with app.app_context():
        lock = engine().lock
    with lock:
        yield


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {user_service.issue_token(user)}"}


def test_the_api_leaves_a_render_to_the_worker_while_this_process_renders_another(
    client: FlaskClient,
    rich_review: Builder,
    queued: list[tuple[int, str]],
    layouts: list[str],
    rendering: None,
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]

    response = client.get(API_PDF.format(r=review.id, v="full"), headers=bearer(data["reviewer"]))

    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert "being prepared" in response.get_json()["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0
    assert queued == [(review.id, "full")]
    assert layouts == []  # nothing rendered in the request
    row = db.session.query(RenderedReport).one()
    assert row.state == "pending"


def test_the_api_answers_the_pdf_once_the_worker_has_made_it(
    client: FlaskClient, rich_review: Builder, queued: list[tuple[int, str]], app: Flask
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    headers = bearer(data["reviewer"])
    with engine().lock:
        busy = client.get(API_PDF.format(r=review.id, v="full"), headers=headers)
        again = client.get(API_PDF.format(r=review.id, v="full"), headers=headers)
    assert busy.status_code == again.status_code == 503
    assert queued == [(review.id, "full")]  # asked for once: the worker has it in hand

    reports.render_in_background(review.id, "full")  # the worker
    with engine().lock:  # still busy here: the made PDF does not need the engine
        done = client.get(API_PDF.format(r=review.id, v="full"), headers=headers)

    assert done.status_code == 200
    assert done.data == db.session.query(RenderedReport).one().pdf


def test_the_browser_is_shown_preparing_while_this_process_renders_another(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    queued: list[tuple[int, str]],
    rendering: None,
) -> None:
    """A short report, which the browser would otherwise get at once."""
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])

    response = client.get(PDF.format(r=review.id, v="family_summary"))

    assert response.status_code == 303
    assert response.headers["Location"] == PREPARING.format(r=review.id, v="family_summary")
    assert queued == [(review.id, "family_summary")]


def test_the_first_api_download_of_an_approved_review_waits_for_no_render(
    client: FlaskClient,
    rich_review: Builder,
    queued: list[tuple[int, str]],
    layouts: list[str],
) -> None:
    """Approved in the browser, PDFs not stored yet: the API stores them itself when this
    process is free, and leaves them to the worker when it is not."""
    from sfo_review.services import transitions

    data = rich_review("quality_assurance")
    review = data["review"]
    transitions.transition(data["qa"], review, {"to": "approved"}, background=True)
    reports.start_snapshot_jobs(review)  # as the Countersign page does
    headers = bearer(data["reviewer"])

    with engine().lock:
        busy = client.get(API_PDF.format(r=review.id, v="full"), headers=headers)
    assert busy.status_code == 503
    assert layouts == []
    assert sorted(queued) == [(review.id, "family_summary"), (review.id, "full")]  # no more

    stored = client.get(API_PDF.format(r=review.id, v="family_summary"), headers=headers)
    assert stored.status_code == 200  # free: stored now, as the first download always did
    with engine().lock:
        again = client.get(API_PDF.format(r=review.id, v="family_summary"), headers=headers)
    assert again.status_code == 200 and again.data == stored.data  # the stored bytes
