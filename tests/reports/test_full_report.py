"""The full report: what a reader of the printed PDF sees on its pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from sfo_review.extensions import db
from sfo_review.models import ReportSnapshot
from sfo_review.reports.render import ReportUnavailable, render_html, render_pdf, sha256_hex
from tests.reports.conftest import (
    CASELOAD,
    MANAGER_STATEMENT,
    MANAGER_SUMMARY,
    OFFICER_NAME,
    QA_NAME,
    REPLY_TEXT,
    REVIEWER_NAME,
    STATEMENT_TEXT,
    WORKLOAD,
    flat,
    layout_pages,
    pdf_pages,
)

Builder = Callable[..., dict[str, Any]]


@pytest.fixture
def full_text(rich_review: Builder, tmp_path: Path) -> Callable[[str], list[str]]:
    def pages(stage: str) -> list[str]:
        review = rich_review(stage)["review"]
        return pdf_pages(render_pdf(review, "full"), tmp_path)

    return pages


def test_the_cover_names_the_review_and_its_people(full_text: Callable[[str], list[str]]) -> None:
    cover = flat(full_text("quality_assurance")[0])

    assert "Serious Further Offence Review" in cover
    for expected in (
        "Region London",
        "Probation delivery unit (PDU) Camden and Islington",
        "Status Quality assurance",
        f"Reviewer {REVIEWER_NAME}",
        f"Countersigner {QA_NAME}",
        "Classification OFFICIAL-SENSITIVE",
    ):
        assert expected in cover


def test_every_section_appears_in_order(full_text: Callable[[str], list[str]]) -> None:
    text = flat(" ".join(full_text("quality_assurance")))

    headings = [
        "1. Summary and overall judgement",
        "2. The case",
        "3. Chronology",
        "4. Working conditions",
        "5. Systemic factors",
        "6. Practitioners’ statements",
        "7. Findings",
        "8. Learning and action plan",
        "9. Sign-off",
        "Audit summary",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)


def test_submitted_statements_print_in_full_or_as_the_reviewers_summary(
    full_text: Callable[[str], list[str]],
) -> None:
    text = flat(" ".join(full_text("quality_assurance")))

    assert STATEMENT_TEXT in text
    assert f"Summary by the reviewer {MANAGER_SUMMARY}" in text
    assert MANAGER_STATEMENT not in text


def test_a_reply_prints_directly_under_its_finding(full_text: Callable[[str], list[str]]) -> None:
    text = flat(" ".join(full_text("quality_assurance")))

    finding = text.index("Finding 1: Risk not reassessed")
    reply = text.index(REPLY_TEXT)
    assert finding < text.index("Replies from the people involved") < reply
    assert reply < text.index("Balance of the findings") < text.index("8. Learning")
    assert f"{OFFICER_NAME} (Responsible officer)" in text[finding:reply]


def test_caseload_figures_and_the_reference_points_exceeded(
    full_text: Callable[[str], list[str]],
) -> None:
    text = flat(" ".join(full_text("quality_assurance")))

    assert f"{OFFICER_NAME} – Responsible officer" in text
    assert f"Number of cases {CASELOAD}" in text
    assert f"Workload measurement tool (WMT) {WORKLOAD}%" in text
    assert (
        f"Reference point exceeded: Caseload of {CASELOAD} is above the reference maximum "
        "of 60 cases." in text
    )
    assert f"Reference point exceeded: Workload of {WORKLOAD}% is above the 110%" in text


def test_figures_within_the_reference_points_are_not_flagged(
    full_review: Builder, tmp_path: Path
) -> None:
    built = full_review()  # 58 cases: within the maximum of 60; WMT 143% is over 110%
    text = flat(" ".join(pdf_pages(render_pdf(built["review"], "full"), tmp_path)))

    assert "Number of cases 58" in text
    assert "Caseload of 58" not in text
    assert "Workload of 143% is above" in text


def test_the_reference_points_come_from_the_configuration(
    full_review: Builder, app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CASELOAD_REFERENCE_MAX", 50)
    built = full_review()
    text = flat(" ".join(pdf_pages(render_pdf(built["review"], "full"), tmp_path)))

    assert "Caseload of 58 is above the reference maximum of 50 cases." in text


def test_chronology_marks_significant_entries_in_words(
    full_text: Callable[[str], list[str]],
) -> None:
    text = flat(" ".join(full_text("quality_assurance")))

    assert "2 May 2023 Probation Home visit missed SIGNIFICANT" in text


def test_systemic_factors_are_grouped_by_category_with_their_level(
    full_text: Callable[[str], list[str]],
) -> None:
    text = flat(" ".join(full_text("quality_assurance")))
    section = text[text.index("5. Systemic factors") : text.index("6. Practitioners")]

    assert "Workload and capacity" in section
    assert "Team level Team carrying 30% vacancies" in section
    assert "Information sharing and partnerships" in section
    assert "Partnership level Police checks requested but never received." in section


def test_actions_sign_off_and_audit_summary(rich_review: Builder, tmp_path: Path) -> None:
    review = rich_review("approved")["review"]
    text = flat(" ".join(pdf_pages(render_pdf(review, "full"), tmp_path)))

    assert "Agree a police information-sharing protocol for the PDU." in text
    assert "31 March 2030" in text
    assert f"Approved by {QA_NAME}" in text
    assert "Statement submitted 2" in text
    assert "Finding response added 1" in text


@pytest.mark.parametrize("stage", ["in_review", "factual_accuracy", "quality_assurance"])
def test_every_page_is_marked_draft_before_approval(
    full_text: Callable[[str], list[str]], stage: str
) -> None:
    pages = full_text(stage)

    assert len(pages) > 1
    for page in pages:
        assert "DRAFT" in page


def test_no_page_is_marked_draft_once_approved(rich_review: Builder, tmp_path: Path) -> None:
    review = rich_review("approved")["review"]
    snapshot = db.session.query(ReportSnapshot).filter_by(review_id=review.id, variant="full").one()

    for pdf in (snapshot.pdf, render_pdf(review, "full")):
        text = " ".join(pdf_pages(pdf, tmp_path))
        assert "DRAFT" not in text
        assert "Status Approved" in flat(text)


def test_the_approved_snapshot_keeps_its_sha256(rich_review: Builder) -> None:
    review = rich_review("approved")["review"]
    snapshots = db.session.query(ReportSnapshot).filter_by(review_id=review.id).all()

    assert {s.variant for s in snapshots} == {"full", "family_summary"}
    for snapshot in snapshots:
        assert snapshot.sha256 == sha256_hex(snapshot.pdf)
        assert snapshot.pdf.startswith(b"%PDF-")


@pytest.mark.parametrize("variant", ["full", "family_summary"])
def test_every_page_carries_classification_reference_and_page_numbers(
    rich_review: Builder, tmp_path: Path, variant: str
) -> None:
    review = rich_review("quality_assurance")["review"]
    pages = layout_pages(render_pdf(review, variant), tmp_path)

    for number, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert "OFFICIAL-SENSITIVE" in lines[0], f"page {number} top"
        assert "OFFICIAL-SENSITIVE" in lines[-1], f"page {number} bottom"
        assert review.reference in lines[-1]
        assert f"Page {number} of {len(pages)}" in lines[-1]


@pytest.mark.parametrize("variant", ["full", "family_summary"])
def test_hostile_text_prints_literally(rich_review: Builder, tmp_path: Path, variant: str) -> None:
    review = rich_review("quality_assurance", hostile=True)["review"]

    html = render_html(review, variant)
    text = flat(" ".join(pdf_pages(render_pdf(review, variant), tmp_path)))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<img src="file:///etc/passwd">' not in html
    assert "<script>alert(1)</script>" in text
    assert '<img src="file:///etc/passwd">' in text
    assert "root:" not in text


@pytest.mark.parametrize("variant", ["full", "family_summary"])
def test_the_document_has_a_title_and_british_english(rich_review: Builder, variant: str) -> None:
    review = rich_review("factual_accuracy")["review"]
    html = render_html(review, variant)

    assert '<html lang="en-GB">' in html
    assert f"<title>Serious Further Offence Review {review.reference} – " in html


def test_a_render_over_the_time_limit_raises_a_clear_error(
    rich_review: Builder, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = rich_review("factual_accuracy")["review"]
    monkeypatch.setitem(app.config, "PDF_RENDER_TIMEOUT_SECONDS", 0.001)

    with pytest.raises(ReportUnavailable, match="could not be produced"):
        render_pdf(review, "full")


def test_a_failing_render_raises_a_clear_error(
    rich_review: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = rich_review("factual_accuracy")["review"]

    def broken(html: str, static_folder: str) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr("sfo_review.reports.render.write_pdf", broken)

    with pytest.raises(ReportUnavailable, match="could not be produced"):
        render_pdf(review, "full")
