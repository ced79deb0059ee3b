"""Fixtures for the report tests: a review with every section filled, at any stage."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from sfo_review.models import Review, User
from sfo_review.services import actions, evidence, findings, reviews, statements, transitions

OFFICER_NAME = "Zebedee Quillfeather"
MANAGER_NAME = "Philippa Marchbanks-Oyelaran"
REVIEWER_NAME = "Ottoline Brackenbury"
QA_NAME = "Cassius Wetherell"
STATEMENT_TEXT = "I was covering two vacant caseloads and asked for help in March."
MANAGER_STATEMENT = "My span of control was fourteen officers at the time."
MANAGER_SUMMARY = "The line manager describes a very wide span of control."
REPLY_TEXT = "The home visit was rearranged because of a court duty that week."
CASELOAD = 487
WORKLOAD = 163
HOSTILE = '<script>alert(1)</script> <img src="file:///etc/passwd">'


def pdf_pages(pdf: bytes, tmp_path: Path | None = None) -> list[str]:
    """The text of each page in reading order (pypdf)."""
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def layout_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page where it sits on the page: top line first (pdftotext -layout)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    return [p for p in pages if p.strip()]


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces collapsed (table cells wrap)."""
    return " ".join(text.split())


@pytest.fixture
def rich_review(
    full_review: Callable[..., dict[str, Any]], make_user: Callable[..., User]
) -> Callable[..., dict[str, Any]]:
    """A review with statements, replies, actions and a judgement, moved to `stage`.

    Stages: in_review, factual_accuracy, quality_assurance, approved.
    """

    def build(stage: str = "factual_accuracy", hostile: bool = False) -> dict[str, Any]:
        built = full_review()
        review: Review = built["review"]
        reviewer: User = built["reviewer"]
        officer: User = built["officer"]
        manager: User = built["manager"]
        qa: User = built["qa"]
        officer.name, manager.name = OFFICER_NAME, MANAGER_NAME
        reviewer.name, qa.name = REVIEWER_NAME, QA_NAME
        evidence.update_evidence(
            reviewer,
            review,
            built["context"],
            {
                "version": built["context"].version,
                "caseload_count": CASELOAD,
                "workload_percent": WORKLOAD,
            },
        )
        evidence.add_chronology_entry(
            reviewer,
            review,
            {
                "occurred_on": "2023-04-11",
                "source": "Police",
                "summary": f"{OFFICER_NAME} asked the police for domestic abuse call-outs; "
                "no reply came." + (f" {HOSTILE}" if hostile else ""),
                "significant": False,
            },
        )
        evidence.add_systemic_factor(
            reviewer,
            review,
            {
                "category": "information_sharing_and_partnerships",
                "level": "partnership",
                "description": "Police checks requested but never received.",
            },
        )
        own = statements.create_statement(officer, review, {"body": STATEMENT_TEXT})
        statements.submit_statement(officer, review, own)
        theirs = statements.create_statement(manager, review, {"body": MANAGER_STATEMENT})
        statements.submit_statement(manager, review, theirs)
        statements.update_statement(
            reviewer,
            review,
            theirs,
            {"version": theirs.version, "include_in_report": "summary", "summary": MANAGER_SUMMARY},
        )
        actions.add_action(
            reviewer,
            review,
            {
                "description": "Agree a police information-sharing protocol for the PDU.",
                "owner": "Head of PDU",
                "level": "pdu",
                "due_date": "2030-03-31",
                "finding_ids": [built["finding"].id],
            },
        )
        judgement = "Not all reasonable steps were taken, in conditions that made them hard."
        if hostile:
            judgement += f" {HOSTILE}"
        reviews.update_review(
            reviewer,
            review,
            {
                "version": review.version,
                "overall_judgement": judgement,
                "countersigner_email": qa.email,
            },
        )
        order = ["factual_accuracy", "quality_assurance", "approved"]
        for to in order[: order.index(stage) + 1] if stage in order else []:
            if to == "quality_assurance":
                findings.add_response(officer, review, built["finding"], {"body": REPLY_TEXT})
            who = qa if to == "approved" else reviewer
            transitions.transition(who, review, {"to": to})
        return built

    return build
