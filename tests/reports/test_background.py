"""Long reports render in the background job; the browser is shown "Preparing your PDF"."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sfo_review import jobs
from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import AuditEvent, RenderedReport, User
from sfo_review.pdf.content import DISCLOSABLE
from sfo_review.pdf.render import ReportUnavailable
from sfo_review.services import transitions
from sfo_review.services import users as user_service
from sfo_review.services.reports import cache as report_cache
from sfo_review.services.reports import work as report_work
from tests import helpers_rules
from tests.helpers_forms import ROLES, expect_status, page, sign_in, text_of

Builder = Callable[..., dict[str, Any]]
PDF = "/reviews/{r}/report.pdf?variant={v}"
PREPARING = "/reviews/{r}/reports/preparing?variant={v}"


@pytest.fixture
def long_reports(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every report counts as long (the reference review's would)."""
    monkeypatch.setitem(app.config, "PDF_BACKGROUND_MIN_CHARS", 1)


def exported(review_id: int) -> int:
    return (
        db.session.query(AuditEvent)
        .filter_by(review_id=review_id, action="report.exported")
        .count()
    )


def test_a_long_report_renders_in_the_background_then_downloads(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User], long_reports: None
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])

    response = client.get(PDF.format(r=review.id, v="full"))

    # Immediate mode: the job has already run by the time the page is shown.
    assert response.status_code == 303
    assert response.headers["Location"] == PREPARING.format(r=review.id, v="full")
    ready = client.get(response.headers["Location"])
    assert ready.status_code == 200
    assert page(ready).select_one("h1").get_text(strip=True) == "Your PDF is ready"
    assert re.search(r"has \d+ pages?\.", text_of(ready))
    assert exported(review.id) == 0
    download = page(ready).select_one("a.govuk-button")["href"]
    pdf = client.get(download)
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data == db.session.query(RenderedReport).one().pdf
    assert exported(review.id) == 1


def test_while_the_job_runs_the_page_says_preparing_and_offers_to_check_again(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    long_reports: None,
    queued: list[tuple[int, str]],
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as("leadership")

    first = client.get(PDF.format(r=review.id, v="family_summary"))
    again = client.get(PDF.format(r=review.id, v="family_summary"))
    shown = client.get(PREPARING.format(r=review.id, v="family_summary"))

    assert first.status_code == again.status_code == 303
    assert queued == [(review.id, "family_summary")]  # asked for once, not on every visit
    soup = page(shown)
    assert soup.select_one("h1").get_text(strip=True) == "Preparing your PDF"
    assert len(soup.select("h1")) == 1
    check = soup.select_one("a.govuk-button")
    assert check.get_text(strip=True) == "Check if your PDF is ready"
    assert check["href"] == PREPARING.format(r=review.id, v="family_summary")
    script = soup.select_one('script[src*="js/report-status.js?v="]')
    assert script is not None and script["nonce"]
    assert f"'nonce-{script['nonce']}'" in shown.headers["Content-Security-Policy"]
    assert soup.select_one("meta[http-equiv]") is None  # no timed refresh for screen readers
    assert exported(review.id) == 0
    viewed = db.session.query(AuditEvent).filter_by(action="review.viewed").count()

    report_work.render_in_background(review.id, "family_summary")
    ready = page(client.get(PREPARING.format(r=review.id, v="family_summary")))

    assert ready.select_one("h1").get_text(strip=True) == "Your PDF is ready"
    assert ready.select_one('script[src*="js/report-status.js?v="]') is None
    assert db.session.query(AuditEvent).filter_by(action="review.viewed").count() == viewed


def test_a_failed_render_says_so_and_trying_again_starts_a_new_one(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    long_reports: None,
    queued: list[tuple[int, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])
    client.get(PDF.format(r=review.id, v="full"))

    def broken(html: str, formats: tuple[str, ...] = ("standard",)) -> Any:
        raise ReportUnavailable("timed out")

    monkeypatch.setattr(report_work, "write_pdfs", broken)
    report_work.render_in_background(review.id, "full")
    shown = client.get(PREPARING.format(r=review.id, v="full"))

    soup = page(shown)
    assert soup.select_one("h1").get_text(strip=True) == "Sorry, your PDF could not be produced"
    retry = soup.select_one("a.govuk-button")
    assert retry.get_text(strip=True) == "Try again"
    row = db.session.query(RenderedReport).one()
    assert (row.state, row.error) == ("failed", "timed out")

    again = client.get(retry["href"])

    assert again.status_code == 303
    assert len(queued) == 2
    db.session.refresh(row)
    assert row.state == "pending"


def test_a_render_lost_with_its_worker_is_asked_for_again_while_the_person_waits(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    long_reports: None,
    queued: list[tuple[int, str]],
) -> None:
    """The worker was killed mid-render (kill -9): once the render's hard limit has passed,
    the page the person is watching asks for it again and goes on saying "Preparing"."""
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])
    client.get(PDF.format(r=review.id, v="full"))
    row = db.session.query(RenderedReport).one()
    row.started_at = row.requested_at = row.requested_at - timedelta(hours=1)
    db.session.commit()

    shown = page(client.get(PREPARING.format(r=review.id, v="full")))

    assert shown.select_one("h1").get_text(strip=True) == "Preparing your PDF"
    assert queued == [(review.id, "full"), (review.id, "full")]
    db.session.refresh(row)
    assert (row.state, row.attempts, row.started_at) == ("pending", 2, None)
    again = page(client.get(PREPARING.format(r=review.id, v="full")))
    assert again.select_one("h1").get_text(strip=True) == "Preparing your PDF"
    assert len(queued) == 2  # asked for again once, not on every visit


def test_the_api_leaves_a_long_report_to_the_worker_then_answers_it(
    client: FlaskClient,
    rich_review: Builder,
    long_reports: None,
    queued: list[tuple[int, str]],
) -> None:
    """A long render would hold up the ordinary requests its web process serves."""
    data = rich_review("factual_accuracy")
    review = data["review"]
    token = user_service.issue_token(data["reviewer"])
    url = f"/api/v1/reviews/{review.id}/report.pdf?variant=full"
    headers = {"Authorization": f"Bearer {token}"}

    response = client.get(url, headers=headers)

    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert int(response.headers["Retry-After"]) > 0
    assert queued == [(review.id, "full")]

    report_work.render_in_background(review.id, "full")  # the worker
    response = client.get(url, headers=headers)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")


def test_a_short_report_downloads_at_once_in_the_browser(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    """The worker's render is waited for (in tests the job has run by then)."""
    data = rich_review("factual_accuracy")
    login_as(user=data["reviewer"])

    response = client.get(PDF.format(r=data["review"].id, v="full"))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


def test_nothing_being_prepared_offers_the_download(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    data = rich_review("factual_accuracy")
    login_as(user=data["reviewer"])

    soup = page(client.get(PREPARING.format(r=data["review"].id, v="full")))

    assert soup.select_one("h1").get_text(strip=True) == "No PDF is being prepared"
    assert soup.select_one("a.govuk-button")["href"] == PDF.format(r=data["review"].id, v="full")


@pytest.mark.parametrize(
    "variant", ["", "   ", "summary", "FULL", "x" * 201, "<script>alert(1)</script>"]
)
def test_the_preparing_page_refuses_a_report_that_does_not_exist(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User], variant: str
) -> None:
    data = rich_review("factual_accuracy")
    login_as(user=data["reviewer"])

    response = client.get(
        f"/reviews/{data['review'].id}/reports/preparing", query_string={"variant": variant}
    )

    assert response.status_code == 422
    soup = page(response)
    assert soup.select_one("h1").get_text(strip=True) == "This report does not exist"
    assert soup.select_one("script:-soup-contains('alert')") is None


BEFORE_QA = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_see_the_preparing_page(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    role: str,
) -> None:
    data = rich_review("factual_accuracy")
    sign_in(role, data, login_as)

    response = client.get(PREPARING.format(r=data["review"].id, v="full"))

    expect_status(response, BEFORE_QA[role])


def test_the_preparing_page_of_an_unknown_review_is_not_found(
    client: FlaskClient, db: Any, login_as: Callable[..., User]
) -> None:
    login_as("leadership")

    assert client.get(PREPARING.format(r=999999, v="full")).status_code == 404


def test_the_queue_is_in_redis_when_redis_url_is_set_else_in_a_sqlite_file(
    tmp_path: Path,
) -> None:
    from huey.storage import RedisStorage, SqliteStorage

    storage, arguments = jobs.storage_for({"REDIS_URL": "redis://127.0.0.1:6379/1"})
    assert storage is RedisStorage  # connects only when used
    # a Redis that stops answering fails a request (and /readyz) in seconds
    settings = arguments["connection_pool"].connection_kwargs
    assert (settings["socket_timeout"], settings["socket_connect_timeout"]) == (10, 5)
    path = tmp_path / "queue" / "huey.db"
    storage, arguments = jobs.storage_for({"REDIS_URL": None, "HUEY_SQLITE_PATH": str(path)})
    assert (storage, arguments) == (SqliteStorage, {"filename": str(path)})
    assert path.parent.is_dir()


def test_importing_the_jobs_reads_no_setting_and_opens_nothing(tmp_path: Path) -> None:
    """The queue is configured by create_app (jobs.init_app), never at import."""
    queue = tmp_path / "huey.db"
    code = (
        "import sfo_review.jobs as j, sys; "
        "sys.exit(0 if j.huey.immediate and type(j.huey.storage).__name__ == 'MemoryStorage' "
        "else 1)"
    )
    env = {**os.environ, "HUEY_SQLITE_PATH": str(queue), "REDIS_URL": "redis://127.0.0.1:1/0"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)  # noqa: S603
    assert not queue.exists()


def test_an_app_points_the_queue_at_its_storage_once(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huey.storage import MemoryStorage, SqliteStorage

    from sfo_review import create_app

    queue = tmp_path / "huey.db"
    monkeypatch.setattr(jobs, "_configured_from", None)
    settings = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "HUEY_IMMEDIATE": False,
        "REDIS_URL": None,
        "HUEY_SQLITE_PATH": str(queue),
    }
    try:
        create_app(settings)
        assert not jobs.huey.immediate
        storage = jobs.huey.storage
        assert isinstance(storage, SqliteStorage) and storage.filename == str(queue)
        create_app(settings)  # a worker's own app, on the same settings: the same queue
        assert jobs.huey.storage is storage
    finally:
        jobs.init_app(app)  # back to immediate mode, as every test starts
    assert jobs.huey.immediate and isinstance(jobs.huey.storage, MemoryStorage)


def test_tests_run_the_jobs_at_once_and_the_worker_has_a_hard_limit(app: Flask) -> None:
    assert jobs.huey.immediate is True
    limit = app.config["PDF_RENDER_TIMEOUT_SECONDS"] + report_work.HARD_LIMIT_GRACE_SECONDS
    assert report_work.render_report.task_class.default_timeout == limit


def test_a_second_first_render_uses_the_row_the_first_one_made(rich_review: Builder) -> None:
    """Two requests that both found no cached row: the second takes the first's row
    instead of failing on the one-row-per-variant key."""
    review = rich_review("factual_accuracy")["review"]
    first = report_cache._pending(review, "full", "a" * 64, None)
    second = report_cache._pending(review, "full", "b" * 64, None)  # it had read "no row" too
    assert second.id == first.id
    assert db.session.query(RenderedReport).filter_by(review_id=review.id).count() == 1
    assert second.content_key == "b" * 64


def test_a_job_leaves_alone_a_row_asked_for_newer_content_after_it_started(
    rich_review: Builder,
) -> None:
    review = rich_review("factual_accuracy")["review"]
    row = report_cache._pending(review, "full", "c" * 64, None)
    row.requested_at = row.requested_at + timedelta(minutes=5)  # asked for after the job read
    db.session.commit()
    report_work.render_in_background(review.id, "full")
    db.session.refresh(row)
    assert (row.state, row.content_key, row.pdf) == ("pending", "c" * 64, None)


def test_a_job_for_a_review_approved_meanwhile_writes_nothing(rich_review: Builder) -> None:
    data = rich_review("quality_assurance")
    helpers_rules.address_factors(data["review"])  # api-v1.1 B: the action balance rule
    transitions.transition(data["qa"], data["review"], approval())  # PDFs stored now
    rows = db.session.query(RenderedReport).filter(
        RenderedReport.review_id == data["review"].id,
        RenderedReport.variant.not_like("participant-%"),  # participants' copies: held
        RenderedReport.variant != DISCLOSABLE,  # the family summary without its mark: held
    )
    before = rows.count()
    report_work.render_in_background(data["review"].id, "full")
    after = rows.count()
    assert after == before == 0


def test_a_queue_that_cannot_be_reached_says_so_and_offers_to_try_again(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    long_reports: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])

    def down(review_id: int, variant: str) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(report_work, "render_report", down)
    response = client.get(PDF.format(r=review.id, v="full"))

    assert response.status_code == 303
    shown = page(client.get(response.headers["Location"]))
    assert shown.select_one("h1").get_text(strip=True) == "Sorry, your PDF could not be produced"
    assert shown.select_one("a.govuk-button").get_text(strip=True) == "Try again"
    row = db.session.query(RenderedReport).one()
    db.session.refresh(row)
    assert row.state == "failed"
    assert row.error.startswith(report_work.QUEUE_DOWN)

    monkeypatch.setattr(report_work, "render_report", lambda rid, variant: None)  # back up
    again = client.get(PDF.format(r=review.id, v="full"))
    assert again.status_code == 303
    db.session.refresh(row)
    assert row.state == "pending"
