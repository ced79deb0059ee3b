"""The reports page and the PDF download: who may use them, what they return, bad input."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, ReportSnapshot, User
from sfo_review.pdf.render import sha256_hex
from tests.helpers_forms import ROLES, expect_status, page, sign_in, text_of
from tests.report_fixtures import pdf_pages

Builder = Callable[..., dict[str, Any]]
PAGE = "/reviews/{r}/reports"
PDF = "/reviews/{r}/report.pdf?variant={v}"

# Expected answers by role, before quality assurance and once approved.
BEFORE_QA = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,  # a participant sees the review but never exports it
    "other_officer": 404,
    "quality_assurer": 404,  # not the named countersigner; not yet at quality assurance
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}
APPROVED = {**BEFORE_QA, "quality_assurer": 200}


def exported(review_id: int) -> int:
    return (
        db.session.query(AuditEvent)
        .filter_by(review_id=review_id, action="report.exported")
        .count()
    )


@pytest.mark.parametrize(
    "stage, expected", [("factual_accuracy", BEFORE_QA), ("approved", APPROVED)]
)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ["page", "full", "family_summary"])
def test_who_may_see_the_reports_and_download_them(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    stage: str,
    expected: dict[str, int | str],
    role: str,
    route: str,
) -> None:
    data = rich_review(stage, pdfs=expected[role] == 200)  # stored for those who get them
    review_id = data["review"].id
    sign_in(role, data, login_as)
    url = PAGE.format(r=review_id) if route == "page" else PDF.format(r=review_id, v=route)

    response = client.get(url)

    expect_status(response, expected[role])
    if response.status_code == 200 and route != "page":
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
    if response.status_code != 200 and route != "page":
        assert exported(review_id) == 0


def test_the_reports_page_offers_both_reports_and_warns_about_draft(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    data = rich_review("factual_accuracy")
    login_as(user=data["reviewer"])

    response = client.get(PAGE.format(r=data["review"].id))

    soup = page(response)
    assert soup.select_one("h1").get_text(strip=True) == "Reports"
    assert len(soup.select("h1")) == 1
    links = [a["href"] for a in soup.select("a[data-download]")]
    assert links == [
        PDF.format(r=data["review"].id, v="full"),
        PDF.format(r=data["review"].id, v="family_summary"),
    ]
    assert soup.select("[data-archival]") == []  # made only at approval
    assert "every page of these PDFs is marked DRAFT" in text_of(response)
    assert soup.select_one(".app-sha256") is None
    assert response.headers["Cache-Control"] == "no-store"


def test_viewing_the_reports_page_is_recorded(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    data = rich_review("factual_accuracy")
    login_as("leadership")

    client.get(PAGE.format(r=data["review"].id))

    viewed = db.session.query(AuditEvent).filter_by(
        review_id=data["review"].id, action="review.viewed"
    )
    assert viewed.count() == 1


@pytest.mark.parametrize("variant", ["full", "family_summary"])
def test_the_download_is_an_attachment_that_is_never_cached(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User], variant: str
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])

    response = client.get(PDF.format(r=review.id, v=variant))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    suffix = variant.replace("_", "-")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{review.reference}-{suffix}.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert exported(review.id) == 1


def test_an_approved_report_downloads_the_same_bytes_the_page_fingerprints(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    data = rich_review("approved", pdfs=True)
    review = data["review"]
    login_as("leadership")

    first = client.get(PDF.format(r=review.id, v="full")).data
    second = client.get(PDF.format(r=review.id, v="full")).data
    shown = page(client.get(PAGE.format(r=review.id)))

    assert first == second
    assert "DRAFT" not in " ".join(pdf_pages(first))
    fingerprints = {
        p["data-variant"]: p.select_one(".app-sha256").get_text(strip=True)
        for p in shown.select("[data-variant]")
    }
    archival = {
        p["data-archival"]: p.select_one(".app-sha256").get_text(strip=True)
        for p in shown.select("[data-archival]")
    }
    stored = {(s.variant, s.format): s.sha256 for s in db.session.query(ReportSnapshot).all()}
    assert fingerprints["full"] == sha256_hex(first) == stored[("full", "standard")]
    assert fingerprints["family_summary"] == stored[("family_summary", "standard")]
    assert archival["full"] == stored[("full", "archival")]
    assert archival["family_summary"] == stored[("family_summary", "archival")]
    assert exported(review.id) == 2


@pytest.mark.parametrize(
    "variant",
    [
        "summary",
        "   ",
        "x" * 201,
        "FULL",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
    ],
)
def test_a_report_that_does_not_exist_gets_a_clear_message(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User], variant: str
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])

    response = client.get(f"/reviews/{review.id}/report.pdf", query_string={"variant": variant})

    assert response.status_code == 422
    assert response.mimetype == "text/html"
    soup = page(response)
    assert soup.select_one("h1").get_text(strip=True) == "This report does not exist"
    # api-v1.1 B added the live action plan to the variants
    assert "Select the report variant (one of: full, family_summary, action_plan)" in text_of(
        response
    )
    assert soup.select_one("script:-soup-contains('alert')") is None
    assert soup.select_one("img[onerror]") is None
    assert exported(review.id) == 0


@pytest.mark.parametrize("query", ["", "?variant=", "?other=1"])
def test_no_variant_means_the_full_report(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User], query: str
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])

    response = client.get(f"/reviews/{review.id}/report.pdf{query}")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('-full.pdf"')


@pytest.mark.layout  # runs out of time laying it out
def test_a_report_that_cannot_be_produced_shows_a_page_not_a_trace(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = rich_review("factual_accuracy")
    review = data["review"]
    login_as(user=data["reviewer"])
    monkeypatch.setitem(app.config, "PDF_RENDER_TIMEOUT_SECONDS", 0.001)

    response = client.get(PDF.format(r=review.id, v="full"))

    assert response.status_code == 303  # to the page that says so and offers to try again
    shown = client.get(response.headers["Location"])
    assert shown.status_code == 200
    assert shown.mimetype == "text/html"
    assert "Sorry, your PDF could not be produced" in text_of(shown)
    assert "could not be produced. Try again in a few minutes" in text_of(shown)
    assert len(page(shown).select("h1")) == 1
    assert exported(review.id) == 0


def test_an_unknown_review_is_not_found(
    client: FlaskClient, db: Any, login_as: Callable[..., User]
) -> None:
    login_as("leadership")

    assert client.get("/reviews/999999/reports").status_code == 404
    assert client.get("/reviews/999999/report.pdf?variant=full").status_code == 404


def test_the_archival_copy_downloads_once_approved_and_is_explained_before(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    draft = rich_review("factual_accuracy")
    login_as("leadership")

    early = client.get(f"/reviews/{draft['review'].id}/report.pdf?variant=full&format=archival")

    assert early.status_code == 409
    assert page(early).select_one("h1").get_text(strip=True) == "This report does not exist yet"
    assert "made when the review is approved" in text_of(early)

    approved = rich_review("approved", pdfs=True)["review"]
    response = client.get(
        f"/reviews/{approved.id}/report.pdf?variant=family_summary&format=archival"
    )

    stored = (
        db.session.query(ReportSnapshot)
        .filter_by(review_id=approved.id, variant="family_summary", format="archival")
        .one()
    )
    assert response.status_code == 200
    assert response.data == stored.pdf
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{approved.reference}-family-summary-archival.pdf"'
    )
    links = [
        a["href"] for a in page(client.get(PAGE.format(r=approved.id))).select("a[data-download]")
    ]
    assert f"/reviews/{approved.id}/report.pdf?variant=full&format=archival" in links


def test_a_review_approved_before_archival_copies_says_it_has_none(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    approved = rich_review("approved", pdfs=True)["review"]
    db.session.query(ReportSnapshot).filter_by(review_id=approved.id, format="archival").delete()
    db.session.commit()
    login_as("leadership")

    reports_page = client.get(f"/reviews/{approved.id}/reports")
    response = client.get(f"/reviews/{approved.id}/report.pdf?variant=full&format=archival")

    assert page(reports_page).select('[data-download$="-archival"]') == []
    assert response.status_code == 409
    assert page(response).select_one("h1").get_text(strip=True) == "This report does not exist"
    assert "approved before archival copies (PDF/A-3b) were made" in text_of(response)
    assert "made when the review is approved" not in text_of(response)


def test_a_review_approved_with_no_pdfs_stored_downloads_as_it_stands(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    """No snapshot and no approved HTML kept (reviews approved before snapshots were stored,
    and seed-bulk's): the worker renders the content as it stands, marked approved."""
    from sfo_review.models import RenderedReport

    approved = rich_review("approved")["review"]
    db.session.query(ReportSnapshot).filter_by(review_id=approved.id).delete()
    db.session.query(RenderedReport).filter_by(review_id=approved.id).delete()
    db.session.commit()
    login_as("leadership")

    response = client.get(PDF.format(r=approved.id, v="full"))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    words = " ".join(pdf_pages(response.data))
    assert "DRAFT" not in words
    assert db.session.query(ReportSnapshot).filter_by(review_id=approved.id).count() == 0


# The overview of an approved review shows its stored PDFs' SHA-256 to whoever may export.
OVERVIEW_SHOWS = {"reviewer": True, "quality_assurer": True, "leadership": True, "officer": False}


@pytest.mark.parametrize("role", ROLES)
def test_the_overview_of_an_approved_review_shows_the_stored_pdfs_checksums(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User], role: str
) -> None:
    expected = {**APPROVED, "officer": 200}[role]
    data = rich_review("approved", pdfs=expected == 200)  # stored for those who see the page
    review = data["review"]
    sign_in(role, data, login_as)

    response = client.get(f"/reviews/{review.id}")

    expect_status(response, expected)
    if response.status_code != 200:
        return
    shown = page(response).select("#approved-reports code.app-sha256")
    if not OVERVIEW_SHOWS[role]:
        assert shown == []
        return
    stored = {
        s.variant: s.sha256
        for s in db.session.query(ReportSnapshot).filter_by(review_id=review.id, format="standard")
    }
    assert {c["data-variant"]: c.get_text(strip=True) for c in shown} == stored
    download = page(response).select_one("#approved-reports a[href$='variant=full']")
    pdf = client.get(download["href"])
    assert hashlib.sha256(pdf.data).hexdigest() == stored["full"]


def test_the_overview_of_a_draft_has_no_checksums(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    data = rich_review("quality_assurance")
    login_as("leadership")

    response = client.get(f"/reviews/{data['review'].id}")

    assert response.status_code == 200
    assert page(response).select_one("#approved-reports") is None


def test_the_pages_listing_stored_pdfs_never_read_their_bytes(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    """The overview and the Reports page show checksums: the PDFs (deferred columns) stay
    in the database until someone downloads one."""
    from sqlalchemy import event

    data = rich_review("approved", pdfs=True)
    review = data["review"]
    login_as("leadership")
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for url in (f"/reviews/{review.id}", f"/reviews/{review.id}/reports"):
            first = len(statements)
            assert client.get(url).status_code == 200
            if url.endswith("/reports"):  # one query for the snapshots, one for the cache
                on_the_page = statements[first:]
                assert len([s for s in on_the_page if "FROM report_snapshots" in s]) == 1
                assert len([s for s in on_the_page if "FROM rendered_reports" in s]) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    read = [s for s in statements if "report_snapshots" in s or "rendered_reports" in s]
    assert read  # the pages did look the snapshots up
    assert not [s for s in read if "report_snapshots.pdf" in s or "rendered_reports.pdf" in s]
    assert not [s for s in read if "approved_html" in s]
