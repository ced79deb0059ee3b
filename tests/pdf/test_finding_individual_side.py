"""The full report prints, with each finding, whom it is about, its just-culture assessment
and the statements shown beside it; the family summary prints none of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.pdf.render import render_html, render_pdf
from sfo_review.services import findings as finding_service
from tests.helpers_forms import HOSTILE
from tests.report_fixtures import (
    MANAGER_STATEMENT,
    MANAGER_SUMMARY,
    OFFICER_NAME,
    REPLY_TEXT,
    STATEMENT_TEXT,
    flat,
    pdf_pages,
)

Builder = Callable[..., dict[str, Any]]
COMPARATOR = "PSOs in their second year holding 50 to 60 cases"
RATIONALE = (
    "The officer held 64 cases in a team with 30% vacancies; a PSO of the same experience in "
    "that team would probably have missed the same reassessment."
)
MITIGATION = "She raised her caseload in supervision twice that spring."
ANSWERS = {
    "deliberate_harm": "no",
    "health_factors": "no",
    "protocol_existed": "yes",
    "protocol_workable": "unclear",
    "knowingly_departed": "no",
    "peers_would_act_same": "yes",
    "comparator": COMPARATOR,
    "training_gap": False,
    "supervision_gap": True,
    "rationale": RATIONALE,
    "mitigation": MITIGATION,
}


def assessed(built: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The rich review's finding 1 assessed, with both statements beside it."""
    review, finding = built["review"], built["finding"]
    db.session.refresh(finding)
    ids = [s.id for s in review.statements if s.submitted_at is not None]
    finding_service.update_finding(
        built["reviewer"],
        review,
        finding,
        {"version": finding.version, "statement_ids": ids, "just_culture": {**ANSWERS, **changes}},
    )
    return built


def finding_text(review: Any) -> str:
    text = flat(" ".join(pdf_pages(render_pdf(review, "full"))[2:]))
    start = text.index("Finding 1: Risk not reassessed")
    return text[start : text.index("Balance of the findings", start)]


def test_the_assessment_and_the_statements_print_beside_the_finding(rich_review: Builder) -> None:
    built = assessed(rich_review("factual_accuracy"))
    text = finding_text(built["review"])

    assert f"About: {OFFICER_NAME} (responsible officer)." in text
    assessment = text[text.index("Just-culture assessment") :]
    assert "Outcome: System learning." in assessment
    assert "record what the system must learn" in assessment
    assert "Was there any intention to cause harm? No" in assessment
    assert "Was it workable and in routine use, given the conditions at the time? Not clear" in (
        assessment
    )
    assert f"Compared with {COMPARATOR}" in assessment
    assert "Was there a gap in the supervision or management oversight they had? Yes" in (
        assessment
    )
    assert f"Rationale {RATIONALE}" in assessment
    assert f"Mitigation {MITIGATION}" in assessment
    beside = text[text.index("Statements shown with this finding") :]
    assert STATEMENT_TEXT in beside
    assert f"as summarised by the reviewer {MANAGER_SUMMARY}" in beside
    assert MANAGER_STATEMENT not in text
    # Beside the finding: before its replies, within its block.
    assert text.index("Just-culture assessment") < text.index("Replies from the people involved")


def test_a_finding_pointing_elsewhere_prints_no_statement_or_reply(rich_review: Builder) -> None:
    built = rich_review("quality_assurance")  # a reply was made at factual accuracy
    review, finding = built["review"], built["finding"]
    review.status = "factual_accuracy"  # reopened for the edit, as after a return
    db.session.commit()
    db.session.refresh(finding)
    finding_service.update_finding(
        built["reviewer"],
        review,
        finding,
        {"version": finding.version, "just_culture": {**ANSWERS, "health_factors": "yes"}},
    )
    text = finding_text(review)

    assert "Outcome: Support for health." in text
    assert "points to another process" in text
    assert REPLY_TEXT not in text
    assert STATEMENT_TEXT not in text
    assert "Statements shown with this finding" not in text
    full = flat(" ".join(pdf_pages(render_pdf(review, "full"))))
    assert "0 findings received a reply from the people involved." in full


@pytest.mark.parametrize("variant", ["family_summary"])
def test_the_family_summary_shows_none_of_it(rich_review: Builder, variant: str) -> None:
    review = assessed(rich_review("factual_accuracy"))["review"]
    html = render_html(review, variant)
    text = flat(" ".join(pdf_pages(render_pdf(review, variant))))

    for private in (COMPARATOR, RATIONALE, MITIGATION, "Just-culture", "System learning"):
        assert private not in text
        assert private not in html


def test_hostile_assessment_text_prints_literally(rich_review: Builder) -> None:
    built = assessed(
        rich_review("factual_accuracy"),
        comparator=HOSTILE[:150],
        rationale=RATIONALE + HOSTILE,
        mitigation=HOSTILE,
    )
    html = render_html(built["review"], "full")
    text = finding_text(built["review"])

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in text
