"""The family summary PDF (api-v1.1 C): its own cover for a family, the apology first, the
summary as written, the questions with their answers, the agreed plan, who to contact, no
jargon, staff name or figure, and NOT FOR DISCLOSURE on every page until the review is
approved and a conviction is recorded — also when the conviction comes after approval."""

from __future__ import annotations

from typing import Any

from sfo_review.extensions import db
from sfo_review.models import ReportSnapshot
from sfo_review.pdf import content
from sfo_review.pdf.render import render_html, render_pdf
from sfo_review.services import criminal_case, family_summary, reviews
from sfo_review.services.reports import exports
from tests.family.support import add_question
from tests.helpers_forms import move_to
from tests.report_fixtures import flat, pdf_pages

MARK = "NOT FOR DISCLOSURE"
SUMMARY = (
    "We are sorry for what happened to your family.\n\n"
    "The review found that the supervision fell short. This is what will change."
)


def _pages(pdf: bytes) -> list[str]:
    return [flat(p) for p in pdf_pages(pdf)]


def _convict(data: dict[str, Any]) -> None:
    review = data["review"]
    criminal_case.record_case_outcome(
        data["reviewer"],
        review,
        {
            "version": review.version,
            "case_outcome": "convicted_of_sfo",
            "case_outcome_date": "2024-02-01",
        },
    )
    db.session.commit()


def _with_question(data: dict[str, Any]) -> None:
    question = add_question(
        data["reviewer"], data["review"], question="Why did the PO not recall him?"
    )
    from sfo_review.services import family as family_service

    family_service.update_question(
        data["reviewer"],
        data["review"],
        question,
        {"answer": "The OASys was not updated, so the risk was not seen.", "version": 1},
    )
    db.session.commit()


def _snapshot(review: Any, variant: str) -> ReportSnapshot | None:
    return (
        db.session.query(ReportSnapshot)
        .filter_by(review_id=review.id, variant=variant, format="standard")
        .one_or_none()
    )


def test_a_draft_has_the_family_cover_the_apology_first_and_the_mark_on_every_page(full_review):
    data = full_review()
    _with_question(data)
    pages = _pages(render_pdf(data["review"], "family_summary"))
    cover = pages[0]
    assert "A summary for your family" in cover
    assert "Criminal-justice personal data" not in cover and "do not copy" not in cover
    assert all(MARK in page for page in pages)
    text = " ".join(pages)
    assert text.index("We are very sorry") < text.index("The review found that the supervision")
    assert "The review found that the supervision fell short." in text
    assert "Why did the probation officer not recall him?" in text
    assert "The risk assessment was not updated" in text
    assert "If you have questions" in text and "victim liaison officer" in text
    for word in ("OASys", " PO ", "WMT", "RoSH", data["officer"].name, "58", "143"):
        assert word not in text, word


def test_the_mark_stays_after_approval_until_a_conviction_then_goes(full_review):
    data = full_review()
    _with_question(data)
    review = move_to(data, "approved", pdfs=True)
    approved = _snapshot(review, "family_summary")
    assert approved is not None
    assert all(MARK in page for page in _pages(approved.pdf))
    # approval froze a copy without the mark too, laid out when first asked for
    assert exports.export_report(data["qa"], review, "family_summary").pdf == approved.pdf

    _convict(data)
    export = exports.export_report(data["qa"], review, "family_summary")
    assert export.pdf is not None
    pages = _pages(export.pdf)
    assert not any(MARK in page for page in pages)
    assert "A summary for your family" in pages[0]
    disclosable = _snapshot(review, content.DISCLOSABLE)
    assert disclosable is not None and disclosable.pdf == export.pdf
    # reproducible: the same bytes again, the approved record untouched
    assert exports.export_report(data["qa"], review, "family_summary").pdf == export.pdf
    assert _snapshot(review, "family_summary").sha256 == approved.sha256


def test_convicted_before_approval_the_approved_summary_has_no_mark(full_review):
    data = full_review()
    _convict(data)
    review = move_to(data, "approved", pdfs=True)
    approved = _snapshot(review, "family_summary")
    assert approved is not None
    assert not any(MARK in page for page in _pages(approved.pdf))
    assert _snapshot(review, content.DISCLOSABLE) is None
    assert exports.export_report(data["qa"], review, "family_summary").pdf == approved.pdf


def test_an_acquittal_keeps_the_mark(full_review):
    data = full_review()
    review = data["review"]
    criminal_case.record_case_outcome(
        data["reviewer"],
        review,
        {"version": review.version, "case_outcome": "acquitted", "case_outcome_date": "2024-02-01"},
    )
    assert MARK in render_html(review, "family_summary")


def test_hostile_text_prints_escaped(full_review):
    data = full_review()
    review = data["review"]
    reviews.update_review(
        data["reviewer"],
        review,
        {"version": review.version, "family_summary": "We are sorry <script>alert(1)</script>"},
    )
    html = render_html(review, "family_summary")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_the_mark_is_taken_out_and_nothing_else(full_review):
    html = render_html(full_review()["review"], "family_summary")
    unmarked = content.without_disclosure_mark(html)
    assert unmarked is not None and MARK not in unmarked
    assert len(html) - len(unmarked) < 300
    assert content.without_disclosure_mark(unmarked) is None


def test_the_draft_the_app_writes_reads_plainly(full_review):
    review = full_review()["review"]
    text = family_summary.draft(review, "the victim liaison officer")
    age = family_summary.readability(text)["reading_age"]
    assert age is not None and age <= 14
