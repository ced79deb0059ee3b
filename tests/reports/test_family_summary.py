"""The family summary: plain English, and nothing that names or exposes the staff involved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sfo_review.reports.render import render_html, render_pdf
from tests.reports.conftest import (
    CASELOAD,
    MANAGER_NAME,
    MANAGER_STATEMENT,
    MANAGER_SUMMARY,
    OFFICER_NAME,
    QA_NAME,
    REPLY_TEXT,
    REVIEWER_NAME,
    STATEMENT_TEXT,
    WORKLOAD,
    flat,
    pdf_pages,
)

Builder = Callable[..., dict[str, Any]]
NAMES = [OFFICER_NAME, MANAGER_NAME, REVIEWER_NAME, QA_NAME]


def summary_text(review: Any) -> str:
    return flat(" ".join(pdf_pages(render_pdf(review, "family_summary"))))


@pytest.mark.parametrize("stage", ["factual_accuracy", "quality_assurance", "approved"])
def test_no_officer_is_named(rich_review: Builder, stage: str) -> None:
    review = rich_review(stage)["review"]
    text = summary_text(review)
    html = render_html(review, "family_summary")

    for name in NAMES:
        for part in name.split():
            assert part not in text, f"{part} printed"
            assert part not in html


def test_a_name_typed_into_the_chronology_becomes_a_role(rich_review: Builder) -> None:
    text = summary_text(rich_review("quality_assurance")["review"])

    assert "The probation officer asked the police for domestic abuse call-outs" in text


def test_no_statement_reply_or_per_person_caseload_figure(rich_review: Builder) -> None:
    text = summary_text(rich_review("quality_assurance")["review"])

    for private in (STATEMENT_TEXT, MANAGER_STATEMENT, MANAGER_SUMMARY, REPLY_TEXT):
        assert private not in text
    assert str(CASELOAD) not in text
    assert str(WORKLOAD) not in text
    assert "Number of cases" not in text
    assert "Workload measurement tool" not in text


def test_it_tells_the_family_what_happened_why_and_what_will_change(
    rich_review: Builder,
) -> None:
    text = summary_text(rich_review("approved")["review"])

    sections = [
        "Summary for the family",
        "What happened during the supervision",
        "2 May 2023 Home visit missed",
        "What the review concluded",
        "Not all reasonable steps were taken",
        "What went wrong, and why",
        "Workload and capacity",
        "Team carrying 30% vacancies (a problem in the local team)",
        "Police checks requested but never received.",
        "What will change",
        "Agree a police information-sharing protocol for the PDU.",
        "31 March 2030",
    ]
    positions = [text.index(s) for s in sections]
    assert positions == sorted(positions)


def test_draft_on_every_page_until_approved(rich_review: Builder) -> None:
    draft = pdf_pages(render_pdf(rich_review("quality_assurance")["review"], "family_summary"))
    final = pdf_pages(render_pdf(rich_review("approved")["review"], "family_summary"))

    assert all("DRAFT" in page for page in draft)
    assert not any("DRAFT" in page for page in final)
