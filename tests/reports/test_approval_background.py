"""Approval in the browser fixes the report's HTML; the background job stores the PDFs.

The countersigner's request builds each variant's HTML (milliseconds) and leaves the
layout (seconds, for a long review) to the job. Downloads wait on "Preparing your PDF";
the API stores the PDFs at once when it asks first. The stored PDFs are those of the
review as approved, whatever happens after.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import text

from sfo_review.cli.ratings_data import approval, approval_form
from sfo_review.extensions import db
from sfo_review.models import RenderedReport, ReportSnapshot, Review, User
from sfo_review.pdf import render
from sfo_review.pdf.content import DISCLOSABLE
from sfo_review.pdf.render import ReportUnavailable
from sfo_review.services import users as user_service
from sfo_review.services.reports import snapshots as report_snapshots
from sfo_review.services.reports import work as report_work
from tests import helpers_rules
from tests.helpers import post_form
from tests.helpers_forms import ROLES, errors, expect_status, page, sign_in, sign_out, text_of
from tests.report_fixtures import Clock

Builder = Callable[..., dict[str, Any]]
COUNTERSIGN = "/reviews/{r}/countersign"
OVERVIEW = "/reviews/{r}"
REPORTS = "/reviews/{r}/reports"
PDF = "/reviews/{r}/report.pdf?variant={v}"
PREPARING = "/reviews/{r}/reports/preparing?variant={v}"
VARIANTS = ("full", "family_summary")


def approve_in_browser(client: FlaskClient, data: dict[str, Any], login_as: Any) -> Any:
    login_as(user=data["qa"])
    review = data["review"]
    helpers_rules.address_factors(review)  # api-v1.1 B: the action balance rule
    response = post_form(client, COUNTERSIGN.format(r=review.id), approval_form())
    assert response.status_code == 302, errors(response)
    db.session.expire_all()
    return response


@pytest.fixture
def approved(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    queued: list[tuple[int, str]],
) -> dict[str, Any]:
    """A review just approved on the Countersign page, its jobs queued but not run."""
    data = rich_review("quality_assurance")
    approve_in_browser(client, data, login_as)
    return data


def snapshots(review_id: int) -> list[tuple[str, str]]:
    rows = db.session.query(ReportSnapshot).filter_by(review_id=review_id)
    return sorted((s.variant, s.format) for s in rows)


def waiting_rows(review_id: int) -> dict[str, RenderedReport]:
    """The approved reports' rows (each participant's own copy is kept apart: held_rows; so is
    the family summary without its mark, held for after a conviction: docs/pdf.md)."""
    rows = db.session.query(RenderedReport).filter_by(review_id=review_id)
    return {
        row.variant: row
        for row in rows
        if not row.variant.startswith("participant-") and row.variant != DISCLOSABLE
    }


def held_rows(review_id: int) -> dict[str, RenderedReport]:
    rows = db.session.query(RenderedReport).filter_by(review_id=review_id)
    return {row.variant: row for row in rows if row.variant.startswith("participant-")}


def test_approving_in_the_browser_lays_out_nothing_and_queues_both_reports(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    queued: list[tuple[int, str]],
    layouts: list[str],
) -> None:
    data = rich_review("quality_assurance")
    review = data["review"]

    response = approve_in_browser(client, data, login_as)

    assert db.session.get(Review, review.id).status == "approved"
    assert layouts == []  # the countersigner did not wait for a layout
    assert sorted(queued) == sorted((review.id, v) for v in VARIANTS)
    assert snapshots(review.id) == []
    rows = waiting_rows(review.id)
    assert sorted(rows) == sorted(VARIANTS)
    # each participant's copy is kept too, laid out when they first ask for it
    held = held_rows(review.id)
    assert sorted(held) == sorted(f"participant-{p.id}" for p in review.participants)
    assert {row.state for row in held.values()} == {"held"}
    for variant, row in rows.items():
        assert row.state == "pending"
        assert row.approved_html is not None and "DRAFT" not in row.approved_html
        assert row.content_key == render.content_key(row.approved_html, variant)
    shown = client.get(response.headers["Location"])
    assert "Its approved PDFs are being stored" in text_of(shown)


def test_while_they_are_stored_the_pages_say_so_then_show_the_checksums(
    client: FlaskClient,
    approved: dict[str, Any],
    queued: list[tuple[int, str]],
) -> None:
    data = approved
    review = data["review"]

    overview = page(client.get(OVERVIEW.format(r=review.id)))
    assert [p["data-storing"] for p in overview.select("[data-storing]")] == list(VARIANTS)
    assert overview.select("code.app-sha256") == []
    listing = client.get(REPORTS.format(r=review.id))
    assert text_of(listing).count("Storing the approved PDF") == 2
    download = client.get(PDF.format(r=review.id, v="full"))
    assert download.status_code == 303
    assert download.headers["Location"] == PREPARING.format(r=review.id, v="full")
    waiting = page(client.get(download.headers["Location"]))
    assert waiting.select_one("h1").get_text(strip=True) == "Preparing your PDF"
    assert "being laid out and stored, exactly as it was approved" in waiting.get_text(" ")
    assert len(queued) == 2  # the download found the job already asked for

    for variant in VARIANTS:
        report_work.render_in_background(review.id, variant)
    db.session.expire_all()

    assert snapshots(review.id) == sorted(
        (v, f) for v in VARIANTS for f in ("standard", "archival")
    )
    assert all(row.approved_html is None for row in waiting_rows(review.id).values())
    ready = page(client.get(PREPARING.format(r=review.id, v="full")))
    assert ready.select_one("h1").get_text(strip=True) == "Your PDF is ready"
    stored = report_snapshots.snapshot(review, "full")
    assert stored is not None
    assert ready.select_one("code.app-sha256").get_text(strip=True) == stored.sha256
    pdf = client.get(PDF.format(r=review.id, v="full"))
    assert pdf.status_code == 200
    assert pdf.data == stored.pdf
    assert hashlib.sha256(pdf.data).hexdigest() == stored.sha256
    overview = page(client.get(OVERVIEW.format(r=review.id)))
    assert overview.select("[data-storing]") == []
    shown = [c.get_text(strip=True) for c in overview.select("code.app-sha256")]
    assert shown == [report_snapshots.stored_checksums(review)[v] for v in VARIANTS]


def test_the_stored_pdf_is_the_review_as_approved_not_as_it_is_later(
    client: FlaskClient,
    approved: dict[str, Any],
    queued: list[tuple[int, str]],
) -> None:
    data = approved
    review = data["review"]
    # Whatever changes before the job runs (here, straight in the database) is not approved.
    db.session.execute(
        text("UPDATE reviews SET pdu = 'Somewhere Else Entirely' WHERE id = :id"),
        {"id": review.id},
    )
    db.session.commit()

    report_work.render_in_background(review.id, "full")

    stored = report_snapshots.snapshot(review, "full")
    assert stored is not None
    words = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(BytesIO(stored.pdf)).pages
    )
    assert "Somewhere Else Entirely" not in words
    assert "DRAFT" not in words
    assert "Approved" in words


def test_the_api_asking_first_waits_for_what_the_worker_stores(
    client: FlaskClient,
    approved: dict[str, Any],
    queued: list[tuple[int, str]],
    clock: Clock,
) -> None:
    data = approved
    review = data["review"]
    token = user_service.issue_token(data["reviewer"])
    clock.worker = lambda: report_work.render_in_background(review.id, "full")  # during the wait

    archival = client.get(
        f"/api/v1/reviews/{review.id}/report.pdf?variant=full&format=archival",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert archival.status_code == 200
    assert archival.data.startswith(b"%PDF-")
    stored = report_snapshots.snapshot(review, "full", "archival")
    assert stored is not None and archival.data == stored.pdf
    assert snapshots(review.id) == [("full", "archival"), ("full", "standard")]
    # The job asked for again (a retry) finds them stored and changes nothing.
    report_work.render_in_background(review.id, "full")
    assert db.session.query(ReportSnapshot).filter_by(review_id=review.id).count() == 2
    standard = client.get(
        f"/api/v1/reviews/{review.id}/report.pdf?variant=full",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert standard.data == report_snapshots.snapshot(review, "full").pdf


def test_storing_twice_keeps_the_first_copy(
    client: FlaskClient,
    approved: dict[str, Any],
    queued: list[tuple[int, str]],
) -> None:
    """The job and an API download at the same moment: the second insert loses, and gets
    the bytes the first stored."""
    data = approved
    review = data["review"]
    html = waiting_rows(review.id)["family_summary"].approved_html
    assert html is not None
    first = report_snapshots.store_snapshots(review, "family_summary", html)
    db.session.commit()

    second = report_snapshots.store_snapshots(review, "family_summary", html)

    assert second == first
    assert db.session.query(ReportSnapshot).filter_by(variant="family_summary").count() == 2


def test_a_failed_job_says_so_and_a_download_asks_again(
    client: FlaskClient,
    approved: dict[str, Any],
    queued: list[tuple[int, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = approved
    review = data["review"]

    def fails(html: str, formats: tuple[str, ...] = ("standard",), wait: bool = True) -> Any:
        raise ReportUnavailable("rendering took longer than 30 seconds")

    monkeypatch.setattr(report_snapshots, "write_pdfs", fails)
    report_work.render_in_background(review.id, "full")
    db.session.expire_all()

    row = waiting_rows(review.id)["full"]
    assert row.state == "failed"
    assert "longer than 30 seconds" in (row.error or "")
    assert row.approved_html is not None  # kept for the next try
    shown = page(client.get(PREPARING.format(r=review.id, v="full")))
    assert shown.select_one("h1").get_text(strip=True) == "Sorry, your PDF could not be produced"
    listing = page(client.get(REPORTS.format(r=review.id)))
    assert listing.select_one('[data-failed="full"]') is not None

    again = client.get(PDF.format(r=review.id, v="full"))

    assert again.status_code == 303
    assert queued.count((review.id, "full")) == 2
    db.session.expire_all()
    assert waiting_rows(review.id)["full"].state == "pending"


def test_a_queue_that_cannot_be_reached_still_approves(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = rich_review("quality_assurance")
    review = data["review"]

    def down(review_id: int, variant: str) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(report_work, "render_report", down)
    approve_in_browser(client, data, login_as)

    assert db.session.get(Review, review.id).status == "approved"
    rows = waiting_rows(review.id)
    assert {row.state for row in rows.values()} == {"failed"}
    assert all((row.error or "").startswith(report_work.QUEUE_DOWN) for row in rows.values())
    assert all(row.approved_html for row in rows.values())
    shown = page(client.get(PREPARING.format(r=review.id, v="family_summary")))
    assert shown.select_one("a.govuk-button").get_text(strip=True) == "Try again"


def test_the_api_approval_stores_them_before_it_answers(
    client: FlaskClient,
    rich_review: Builder,
    queued: list[tuple[int, str]],
) -> None:
    data = rich_review("quality_assurance")
    review = data["review"]
    helpers_rules.address_factors(review)  # api-v1.1 B: the action balance rule
    token = user_service.issue_token(data["qa"])

    response = client.post(
        f"/api/v1/reviews/{review.id}/transitions",
        json=approval(),
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200, response.get_json()
    assert queued == []
    assert len(snapshots(review.id)) == 4
    assert waiting_rows(review.id) == {}


STORING_SEEN: dict[str, bool | int | str] = {
    "reviewer": True,
    "other_reviewer": 404,
    "officer": False,
    "other_officer": 404,
    "quality_assurer": True,
    "leadership": True,
    "admin": 404,
    "anonymous": "sign-in",
}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_that_the_approved_pdfs_are_being_stored(
    client: FlaskClient,
    approved: dict[str, Any],
    login_as: Callable[..., User],
    queued: list[tuple[int, str]],
    role: str,
) -> None:
    data = approved
    review = data["review"]
    sign_out(client)
    sign_in(role, data, login_as)

    response = client.get(OVERVIEW.format(r=review.id))

    expected = STORING_SEEN[role]
    if isinstance(expected, bool):
        assert response.status_code == 200
        assert bool(page(response).select("[data-storing]")) is expected
    else:
        expect_status(response, expected)
