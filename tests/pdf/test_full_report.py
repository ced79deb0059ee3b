"""The full report: what a reader of the printed PDF sees on its pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from sfo_review.extensions import db
from sfo_review.models import ReportSnapshot
from sfo_review.pdf.render import render_html, render_pdf, sha256_hex
from tests.report_fixtures import (
    CASELOAD,
    DECLINE_REASON,
    DUTY_NAME,
    EXTENSION_REASON,
    MANAGER_STATEMENT,
    MANAGER_SUMMARY,
    OFFICER_NAME,
    QA_NAME,
    REFUSED_REASON,
    REPLY_TEXT,
    REVIEWER_NAME,
    STATEMENT_TEXT,
    WORKLOAD,
    flat,
    layout_pages,
    outline,
    pdf_pages,
)

Builder = Callable[..., dict[str, Any]]
SECTIONS = [
    "1. Summary and overall judgement",
    "2. The case",
    "3. Chronology",
    "4. Working conditions",
    "5. Systemic factors",
    "6. Practitioners’ statements",
    "7. Findings",
    "8. Learning and action plan",
    "9. Sign-off",
]


@pytest.fixture
def full_pdf(rich_review: Builder) -> Callable[[str], bytes]:
    def make(stage: str) -> bytes:
        return render_pdf(rich_review(stage)["review"], "full")

    return make


@pytest.fixture
def full_text(full_pdf: Callable[[str], bytes]) -> Callable[[str], str]:
    """The text of the report after its cover and contents page."""

    def text(stage: str) -> str:
        return flat(" ".join(pdf_pages(full_pdf(stage))[2:]))

    return text


def test_the_cover_names_the_review_its_people_and_classification(
    full_pdf: Callable[[str], bytes],
) -> None:
    cover = flat(pdf_pages(full_pdf("quality_assurance"))[0])

    assert "Serious Further Offence Review" in cover
    for expected in (
        "Full report",
        "Reference SFO-",
        "Region London",
        "Probation delivery unit (PDU) Camden and Islington",
        "Status Quality assurance",
        f"Reviewer {REVIEWER_NAME}",
        f"Countersigner {QA_NAME}",
        "Classification OFFICIAL-SENSITIVE",
    ):
        assert expected in cover
    assert re.search(r"Date \d{1,2} [A-Z][a-z]+ \d{4}", cover)


def test_every_section_appears_in_order_after_the_contents(
    full_pdf: Callable[[str], bytes],
) -> None:
    pages = [flat(p) for p in pdf_pages(full_pdf("quality_assurance"))]
    body = " ".join(pages[2:])  # after the cover and the contents page

    positions = [body.index(h) for h in [*SECTIONS, "Audit summary"]]
    assert positions == sorted(positions)
    assert pages[1].startswith("DRAFT OFFICIAL-SENSITIVE Contents") or "Contents" in pages[1]


def test_the_contents_page_numbers_are_where_the_headings_really_are(
    full_pdf: Callable[[str], bytes], tmp_path: Path
) -> None:
    pdf = full_pdf("quality_assurance")
    pages = layout_pages(pdf, tmp_path)
    contents = pages[1]
    listed = {}
    for line in contents.splitlines():
        match = re.match(r"\s*(.+?)\s*(?:\. )+\.?\s*(\d+)\s*$", line)
        if match:
            listed[" ".join(match.group(1).split())] = int(match.group(2))

    expected = [*SECTIONS[:6], "7. Findings (1)", *SECTIONS[7:]]
    assert list(listed)[: len(expected) + 3] == [
        *expected[:7],
        "Balance of the findings",
        *expected[7:],
        "Ratings against the inspectorate’s standards",  # api-v1.1 C
        "Audit summary",
    ]
    for title, number in listed.items():
        heading = title.removesuffix(" (1)")
        where = [n for n, text in enumerate(pages[2:], start=3) if heading in flat(text)]
        assert where, f"{heading} is on no page"
        assert where[0] == number, f"{heading}: contents says {number}, it is on {where[0]}"


def test_every_section_and_every_finding_is_a_bookmark(rich_review: Builder) -> None:
    built = rich_review("quality_assurance")
    pdf = render_pdf(built["review"], "full")

    marks = outline(pdf)
    top = [title for depth, title, _page in marks if depth == 0]
    assert top == ["Contents", *SECTIONS]
    findings = [(title, page) for depth, title, page in marks if depth == 1]
    assert findings == [("Finding 1: Risk not reassessed", findings[0][1])]
    finding_page = flat(pdf_pages(pdf)[findings[0][1] - 1])
    assert "Finding 1: Risk not reassessed" in finding_page


def test_section_two_shows_the_deadline_the_deadline_in_force_and_every_extension(
    full_text: Callable[[str], str],
) -> None:
    text = full_text("quality_assurance")
    case = text[text.index("2. The case") : text.index("3. Chronology")]

    assert "Review deadline 21 September 2023 (60 working days from notification)" in case
    assert "Deadline in force 19 October 2023 (extended)" in case
    assert "1 September 2023 by " + REVIEWER_NAME in case
    assert "19 October 2023 (was 21 September 2023)" in case
    assert EXTENSION_REASON in case
    assert f"Agreed on 4 September 2023 by {QA_NAME}" in case
    assert REFUSED_REASON in case
    assert f"Refused on 3 October 2023 by {QA_NAME}: Refused: the written statement" in case
    assert "Waiting for a decision" in case
    assert f"{DUTY_NAME} – Other" in case


def test_a_review_without_extensions_says_so(full_review: Builder) -> None:
    text = flat(" ".join(pdf_pages(render_pdf(full_review()["review"], "full"))))

    assert "No extension of the deadline has been requested." in text
    assert "(extended)" not in text


def test_statements_print_in_full_as_the_reviewers_summary_or_declined(
    full_text: Callable[[str], str],
) -> None:
    text = full_text("quality_assurance")
    section = text[text.index("6. Practitioners’ statements") : text.index("7. Findings")]

    assert STATEMENT_TEXT in section
    assert f"Summary by the reviewer {MANAGER_SUMMARY}" in section
    assert MANAGER_STATEMENT not in text
    assert f"{DUTY_NAME} – Other Declined to give a statement on 1 August 2023." in section
    assert f"Their reason {DECLINE_REASON}" in section


def test_a_reply_prints_directly_beside_its_finding(full_text: Callable[[str], str]) -> None:
    text = full_text("quality_assurance")

    finding = text.index("Finding 1: Risk not reassessed")
    replies = text.index("Replies from the people involved", finding)
    reply = text.index(REPLY_TEXT)
    assert finding < replies < reply < text.index("Balance of the findings")
    assert f"{OFFICER_NAME} (Responsible officer)" in text[replies:reply]
    # Nothing else comes between the finding's own text and its replies.
    assert "Finding 2" not in text[finding:reply]


def test_a_finding_shows_its_judgement_attribution_evidence_and_context(
    full_text: Callable[[str], str],
) -> None:
    text = full_text("quality_assurance")
    finding = text[text.index("Finding 1: Risk") : text.index("Replies from the people")]

    assert "Judgement: Insufficient" in finding
    assert "Attributed to: individual, team" in finding
    assert "Chronology: entry 2 (2 May 2023)." in finding
    assert "Systemic factor 1: Workload and capacity, team level." in finding


def test_the_balance_summary_counts_the_findings(full_text: Callable[[str], str]) -> None:
    text = full_text("quality_assurance")
    balance = text[text.index("Balance of the findings") : text.index("8. Learning")]

    assert "1 finding: 1 insufficient." in balance
    assert "1 finding finds an individual’s practice insufficient; 1 of them shows" in balance
    assert "1 finding received a reply from the people involved." in balance


def test_caseload_figures_and_the_reference_points_exceeded(
    full_text: Callable[[str], str],
) -> None:
    text = full_text("quality_assurance")
    section = text[text.index("4. Working conditions") : text.index("5. Systemic factors")]

    assert f"{OFFICER_NAME} – Responsible officer" in section
    assert f"Number of cases {CASELOAD} (above 60)" in section
    assert f"Workload measurement tool (WMT) {WORKLOAD}% (above 110%)" in section
    assert (
        f"Reference point exceeded: Caseload of {CASELOAD} is above the reference maximum "
        "of 60 cases." in section
    )
    assert f"Reference point exceeded: Workload of {WORKLOAD}% is above the 110%" in section


def test_figures_within_the_reference_points_are_not_flagged(full_review: Builder) -> None:
    built = full_review()  # 58 cases: within the maximum of 60; WMT 143% is over 110%
    text = flat(" ".join(pdf_pages(render_pdf(built["review"], "full"))))

    assert "Number of cases 58 " in text
    assert "Caseload of 58" not in text
    assert "58 (above" not in text
    assert "Workload of 143% is above" in text


def test_the_reference_points_come_from_the_configuration(
    full_review: Builder, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CASELOAD_REFERENCE_MAX", 50)
    monkeypatch.setitem(app.config, "WORKLOAD_REFERENCE_PERCENT", 150)
    built = full_review()
    text = flat(" ".join(pdf_pages(render_pdf(built["review"], "full"))))

    assert "Caseload of 58 is above the reference maximum of 50 cases." in text
    assert "Workload of 143%" not in text


def test_chronology_marks_significant_entries_in_words(
    full_text: Callable[[str], str],
) -> None:
    text = full_text("quality_assurance")

    # "Known then" (api-v1.1 A) comes between the source and what happened; full_review
    # marks its entry (Probation) known at the time, the Police entry is left unclear.
    assert "2. 2 May 2023 Probation Known at the time Significant. Home visit missed" in text
    assert "1. 11 April 2023 Police Not clear Significant. " + OFFICER_NAME in text


def test_systemic_factors_are_grouped_by_category_then_level(
    full_text: Callable[[str], str],
) -> None:
    text = full_text("quality_assurance")
    section = text[text.index("5. Systemic factors") : text.index("6. Practitioners")]

    assert "Workload and capacity" in section
    assert "Team level Factor 1. Team carrying 30% vacancies Evidence: Staffing return" in section
    assert "Information sharing and partnerships" in section
    assert "Partnership level Factor 2. Police checks requested but never received." in section
    assert section.index("Workload and capacity") < section.index("Information sharing")


def test_actions_sign_off_and_audit_summary(rich_review: Builder) -> None:
    review = rich_review("approved")["review"]
    text = flat(" ".join(pdf_pages(render_pdf(review, "full"))))
    sign_off = text[text.index("9. Sign-off") :]

    # api-v1.1 B: what each action addresses (factors, findings by number)
    assert "Agree a police information-sharing protocol for the PDU. Addresses: finding 1" in text
    assert "31 March 2030" in text
    assert f"Approved by {QA_NAME}" in sign_off
    assert "Moved the review from quality assurance to approved" in sign_off
    assert "Statements submitted 2" in sign_off
    assert "Replies to findings 1" in sign_off
    assert "review.transitioned" not in sign_off and "Finding response added" not in sign_off
    assert "Review viewed" not in sign_off and "Report exported" not in sign_off


@pytest.mark.parametrize("stage", ["in_review", "factual_accuracy", "quality_assurance"])
def test_every_page_is_marked_draft_before_approval(
    full_pdf: Callable[[str], bytes], tmp_path: Path, stage: str
) -> None:
    pdf = full_pdf(stage)
    pages = layout_pages(pdf, tmp_path)

    assert len(pages) > 3
    for number, (page, text) in enumerate(zip(pages, pdf_pages(pdf), strict=True), start=1):
        top = [line for line in page.splitlines() if line.strip()][0]
        assert "DRAFT" in top, f"page {number}: in the top margin"
        # and across the page (the rotated mark pdftotext -layout leaves out)
        assert text.count("DRAFT") >= 2, f"page {number}: across the page"


def test_the_approved_pdf_records_its_own_approval(rich_review: Builder) -> None:
    review = rich_review("approved", pdfs=True)["review"]
    snapshot = (
        db.session.query(ReportSnapshot)
        .filter_by(review_id=review.id, variant="full", format="standard")
        .one()
    )
    sign_off = flat(" ".join(pdf_pages(snapshot.pdf)))
    sign_off = sign_off[sign_off.rindex("9. Sign-off") :]

    assert "Moved the review from quality assurance to approved" in sign_off
    assert f"Approved by {QA_NAME}" in sign_off


def test_no_page_is_marked_draft_once_approved(rich_review: Builder) -> None:
    review = rich_review("approved", pdfs=True)["review"]
    snapshot = (
        db.session.query(ReportSnapshot)
        .filter_by(review_id=review.id, variant="full", format="standard")
        .one()
    )

    for pdf in (snapshot.pdf, render_pdf(review, "full")):
        text = " ".join(pdf_pages(pdf))
        assert "DRAFT" not in text
        assert "Status Approved" in flat(text)


def test_the_approved_snapshots_keep_their_sha256(rich_review: Builder) -> None:
    review = rich_review("approved", pdfs=True)["review"]
    snapshots = db.session.query(ReportSnapshot).filter_by(review_id=review.id).all()

    assert {(s.variant, s.format) for s in snapshots} == {
        ("full", "standard"),
        ("full", "archival"),
        ("family_summary", "standard"),
        ("family_summary", "archival"),
    }
    for snapshot in snapshots:
        assert snapshot.sha256 == sha256_hex(snapshot.pdf)
        assert snapshot.pdf.startswith(b"%PDF-")


@pytest.mark.parametrize("variant", ["full", "family_summary"])
def test_every_page_is_marked_at_top_and_bottom_and_numbered_after_the_cover(
    rich_review: Builder, tmp_path: Path, variant: str
) -> None:
    review = rich_review("quality_assurance")["review"]
    pages = layout_pages(render_pdf(review, variant), tmp_path)

    assert len(pages) >= 2  # the family summary (api-v1.1 C) is two pages here
    for number, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert "OFFICIAL-SENSITIVE" in lines[0], f"page {number} top"
        assert "OFFICIAL-SENSITIVE" in lines[-1], f"page {number} bottom"
        assert review.reference in lines[-1], f"page {number} reference"
        if number == 1:
            assert "Page" not in lines[-1]
        else:
            assert f"Page {number} of {len(pages)}" in lines[-1]


def test_the_chronology_header_repeats_on_every_page_of_the_table(
    long_review: Any, tmp_path: Path
) -> None:
    pages = layout_pages(render_pdf(long_review, "full"), tmp_path)
    table_pages = [
        n for n, p in enumerate(pages) if re.search(r"^\s*\d+\. \d{1,2} [A-Z]", p, re.MULTILINE)
    ]

    assert len(table_pages) >= 3
    for n in table_pages:
        header = r"Entry and date\s+Source\s+Known then\s+What happened"
        assert re.search(header, pages[n]), f"page {n + 1}"


@pytest.fixture
def long_review(app: Flask, db: Any) -> Any:
    from bench.reference_review import build

    return build(chronology=90)


@pytest.mark.parametrize("variant", ["full", "family_summary"])
def test_hostile_text_prints_literally(rich_review: Builder, variant: str) -> None:
    review = rich_review("quality_assurance", hostile=True)["review"]
    if variant == "family_summary":  # api-v1.1 C: it prints the reviewer's summary
        from sfo_review.extensions import db

        review.family_summary = '<script>alert(1)</script> <img src="file:///etc/passwd">'
        db.session.commit()

    html = render_html(review, variant)
    text = flat(" ".join(pdf_pages(render_pdf(review, variant))))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<img src="file:///etc/passwd">' not in html
    assert "<script>alert(1)</script>" in text
    assert '<img src="file:///etc/passwd">' in text
    assert "root:" not in text


def test_line_breaks_in_long_text_are_kept_as_paragraphs(rich_review: Builder) -> None:
    built = rich_review("factual_accuracy")
    review = built["review"]
    from sfo_review.services import reviews

    reviews.update_review(
        built["reviewer"],
        review,
        {"version": review.version, "overall_judgement": "First part.\n\nSecond <b>part</b>.\nEnd"},
    )

    html = render_html(review, "full")

    assert (
        '<p class="app-long">First part.</p>\n'
        '<p class="app-long">Second &lt;b&gt;part&lt;/b&gt;.<br>End</p>' in html
    )
