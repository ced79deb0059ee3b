"""The full PDF shows whether each chronology entry was known at the time, and each reply
with the reviewer's answer (api-v1.1 A). The family summary shows neither."""

from __future__ import annotations

from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.models import Review
from sfo_review.pdf.render import render_html, render_pdf
from sfo_review.services import evidence as evidence_service
from sfo_review.services import findings as finding_service
from sfo_review.services import reply_outcomes
from tests.report_fixtures import flat, pdf_pages

HOSTILE = "<script>alert(1)</script> & <b>bold</b>"
REASON = "The contact log shows no rearranged visit on 3 May."


def set_status(review: Review, status: str) -> None:
    review.status = status
    db.session.commit()


@pytest.fixture
def answered(full_review: Any) -> dict[str, Any]:
    data = full_review(individual=False)
    review, reviewer = data["review"], data["reviewer"]
    for value, day in (("yes", "2023-02-01"), ("no", "2023-03-01"), ("unclear", "2023-04-01")):
        evidence_service.add_chronology_entry(
            reviewer,
            review,
            {
                "occurred_on": day,
                "source": f"Source {value}",
                "summary": f"Entry {value}",
                "known_at_the_time": value,
            },
        )
    set_status(review, "factual_accuracy")
    finding = data["finding"]
    replies = [
        finding_service.add_response(data["officer"], review, finding, {"body": body})
        for body in ("First reply, not accepted.", "Second reply, corrected.", "Third reply.")
    ]
    reply_outcomes.answer_reply(
        reviewer, review, finding, replies[0], {"outcome": "not_accepted", "note": REASON}
    )
    reply_outcomes.answer_reply(
        reviewer, review, finding, replies[1], {"outcome": "fact_corrected", "note": HOSTILE}
    )
    return data


def test_the_full_report_shows_known_at_the_time_and_reply_outcomes(answered):
    review = answered["review"]
    text = flat(" ".join(pdf_pages(render_pdf(review, "full"))))

    chronology = text[text.index("3. Chronology", text.index("3. Chronology") + 1) :]
    assert "Known then" in chronology
    for source, label in (
        ("Source yes", "Known at the time"),
        ("Source no", "Found afterwards"),
        ("Source unclear", "Not clear"),
        # full_review's own entry is marked known at the time (api-v1.1 A's rules).
        ("Probation", "Known at the time"),
    ):
        after = chronology[chronology.index(source) :]
        assert label in after[:200], (source, after[:200])

    assert "First reply, not accepted. Reviewer’s answer: Not accepted" in text
    assert REASON in text
    assert "Second reply, corrected. Reviewer’s answer: Fact corrected" in text
    assert HOSTILE in text  # escaped in the HTML, so printed as typed
    assert "Third reply. The reviewer has not yet answered this reply." in text


def test_the_pdf_html_escapes_the_note(answered):
    html = render_html(answered["review"], "full")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_family_summary_shows_neither(answered):
    html = render_html(answered["review"], "family_summary")
    assert "Known then" not in html and "Found afterwards" not in html
    assert "Reviewer’s answer" not in html and REASON not in html
