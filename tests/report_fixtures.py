"""Fixtures for the report and PDF tests (tests/reports, tests/pdf): a review with every
section filled, at any stage, and readers of the PDFs. Registered for the whole suite by
tests/conftest.py (`pytest_plugins`)."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from bench.reference_review import extension
from sfo_review.extensions import db
from sfo_review.models import Review, Statement, User
from sfo_review.pdf import render
from sfo_review.services import (
    evidence,
    findings,
    reviews,
    statements,
    transitions,
)
from sfo_review.services.reports import exports as report_exports
from sfo_review.services.reports import snapshots as report_snapshots
from sfo_review.services.reports import work as report_work
from tests.helpers_actions import add_action
from tests.helpers_forms import approve

# Distinctive names and figures: none of them may reach the family summary.
OFFICER_NAME = "Zebedee Quillfeather"
MANAGER_NAME = "Philippa Marchbanks-Oyelaran"
DUTY_NAME = "Tobias Featherstonehaugh"
REVIEWER_NAME = "Ottoline Brackenbury"
QA_NAME = "Cassius Wetherell"
NAMES = [OFFICER_NAME, MANAGER_NAME, DUTY_NAME, REVIEWER_NAME, QA_NAME]
STATEMENT_TEXT = "I was covering two vacant caseloads and asked for help in March."
MANAGER_STATEMENT = "My span of control was fourteen officers at the time."
MANAGER_SUMMARY = "The line manager describes a very wide span of control."
DECLINE_REASON = "I only covered the duty rota and never met the person on probation."
REPLY_TEXT = "The home visit was rearranged because of a court duty that week."
CASELOAD = 487
WORKLOAD = 163
HIGH_RISK = 39
EXTENSION_REASON = "Police disclosure of the call-out records is still awaited."
REFUSED_REASON = "A further interview with the line manager."
HOSTILE = '<script>alert(1)</script> <img src="file:///etc/passwd">'


# Reading a PDF's text back is a function of its bytes, and many tests read the same PDF
# (tests/conftest.py lays each distinct one out once): each is read once per test process.
_PAGES: dict[str, tuple[str, ...]] = {}


def pdf_pages(pdf: bytes, tmp_path: Path | None = None) -> list[str]:
    """The text of each page in reading order (pypdf)."""
    key = hashlib.sha256(pdf).hexdigest()
    if key not in _PAGES:
        _PAGES[key] = tuple(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return list(_PAGES[key])


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


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """The PDF's bookmarks as (depth, title, page number from 1), in order."""
    reader = PdfReader(BytesIO(pdf))
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def add_extensions(review: Review, reviewer: User, qa: User) -> None:
    """Agreed, refused and awaiting a decision (rows made directly: another feature's)."""
    before, agreed_to = review.due_date, date(2023, 10, 19)
    extension(
        review,
        reviewer,
        EXTENSION_REASON,
        (before, agreed_to, datetime(2023, 9, 1, 9, 0, tzinfo=UTC)),
        (
            "agreed",
            qa,
            datetime(2023, 9, 4, 9, 0, tzinfo=UTC),
            "Agreed: the disclosure is needed for the chronology.",
        ),
    )
    extension(
        review,
        reviewer,
        REFUSED_REASON,
        (agreed_to, date(2023, 12, 18), datetime(2023, 10, 2, 9, 0, tzinfo=UTC)),
        (
            "refused",
            qa,
            datetime(2023, 10, 3, 9, 0, tzinfo=UTC),
            "Refused: the written statement is enough.",
        ),
    )
    extension(
        review,
        reviewer,
        "Awaiting the prison file.",
        (agreed_to, date(2023, 11, 30), datetime(2023, 10, 10, 9, 0, tzinfo=UTC)),
    )
    review.effective_due_date = agreed_to
    db.session.commit()


@pytest.fixture
def rich_review(
    full_review: Callable[..., dict[str, Any]], make_user: Callable[..., User]
) -> Callable[..., dict[str, Any]]:
    """A review with statements, replies, actions, extensions and a judgement, at `stage`.

    Stages: in_review, factual_accuracy, quality_assurance, approved. Approval stores the
    approved PDFs only when the test asks for them (`pdfs`; see tests/helpers_forms.approve).
    """

    def build(
        stage: str = "factual_accuracy", hostile: bool = False, pdfs: bool = False
    ) -> dict[str, Any]:
        built = full_review()
        review: Review = built["review"]
        reviewer: User = built["reviewer"]
        officer: User = built["officer"]
        manager: User = built["manager"]
        qa: User = built["qa"]
        duty = make_user("officer", name=DUTY_NAME)
        officer.name, manager.name = OFFICER_NAME, MANAGER_NAME
        reviewer.name, qa.name = REVIEWER_NAME, QA_NAME
        reviews.add_participant(reviewer, review, {"email": duty.email, "role_in_case": "other"})
        evidence.update_evidence(
            reviewer,
            review,
            built["context"],
            {
                "version": built["context"].version,
                "caseload_count": CASELOAD,
                "workload_percent": WORKLOAD,
                "high_risk_count": HIGH_RISK,
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
                "significant": True,
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
        declined = Statement(
            review_id=review.id,
            author_id=duty.id,
            body="",
            status="draft",
            decline_reason=DECLINE_REASON,
            declined_at=datetime(2023, 8, 1, 10, 0, tzinfo=UTC),
        )
        db.session.add(declined)
        db.session.commit()
        add_action(
            reviewer,
            review,
            {
                "description": "Agree a police information-sharing protocol for the PDU.",
                "owner": "Head of PDU",
                "level": "pdu",
                "due_date": "2030-03-31",
                "finding_ids": [built["finding"].id],
                # it answers the finding only: the factor gets its own action at approval
                "systemic_factor_ids": [],
            },
        )
        add_extensions(review, reviewer, qa)
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
                reply = findings.add_response(
                    officer, review, built["finding"], {"body": REPLY_TEXT}
                )
                # api-v1.1 A, rule 6: the reviewer records what became of the reply (set
                # directly until the replies branch's service is merged).
                reply.outcome = "context_added"
                reply.outcome_at = datetime(2023, 9, 1, 10, 0, tzinfo=UTC)
                reply.outcome_by_id = reviewer.id
                db.session.commit()
            if to == "approved":
                approve(qa, review, pdfs)
            else:
                transitions.transition(reviewer, review, {"to": to})
        built["duty"] = duty
        return built

    return build


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Jobs enqueued but not run, as with a worker that has not picked them up yet."""
    calls: list[tuple[int, str]] = []
    monkeypatch.setattr(
        report_work, "render_report", lambda rid, variant: calls.append((rid, variant))
    )
    return calls


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every PDF layout made, by the first words of its HTML's title."""
    made: list[str] = []
    real = render.write_pdfs

    def counting(html: str, formats: tuple[str, ...] = ("standard",)) -> Any:
        pdfs = real(html, formats)
        made.append(html[html.index("<title>") + 7 : html.index("</title>")])
        return pdfs

    for module in (report_snapshots, report_work):  # an approval's PDFs, and a draft's
        monkeypatch.setattr(module, "write_pdfs", counting)
    return made


WAIT_SECONDS = 10


@dataclass
class Clock:
    """services/reports/exports.py's `time`: monotonic() and sleep() on a virtual clock; `worker`,
    when set, runs at the first sleep, as a worker finishing during the wait would."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)
    worker: Callable[[], None] | None = None

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.worker is not None:
            work, self.worker = self.worker, None
            work()


@pytest.fixture
def clock(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Clock:
    monkeypatch.setitem(app.config, "PDF_WAIT_SECONDS", WAIT_SECONDS)
    fake = Clock()
    monkeypatch.setattr(report_exports, "time", fake)
    return fake
