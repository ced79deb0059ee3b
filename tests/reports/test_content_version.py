"""A cached draft PDF is answered only while the review's content version is the one it was
stamped with (services/reports/versions.py): every kind of change a PDF shows moves it, in
the same transaction; what no PDF shows (signing in, tokens, reads, downloads) does not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from sfo_review.extensions import db
from sfo_review.models import (
    Action,
    ActionRecurrence,
    CaseloadAccount,
    CaseloadContext,
    ChronologyEntry,
    DeadlineExtension,
    FamilyQuestion,
    Finding,
    FindingAttribution,
    FindingResponse,
    JustCultureAssessment,
    Participant,
    RenderedReport,
    Review,
    ReviewRating,
    Statement,
    StatementAddendum,
    SystemicFactor,
    User,
)
from sfo_review.pdf import render
from sfo_review.services import regions
from sfo_review.services import users as user_service
from sfo_review.services.reports import cache as report_cache
from sfo_review.services.reports import exports as report_exports
from sfo_review.services.reports import versions
from sfo_review.services.reports import work as report_work
from tests.conftest import PASSWORD

Builder = Callable[..., dict[str, Any]]
Change = Callable[[dict[str, Any]], str | None]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every draft render, counted (the renders still happen)."""
    seen: list[str] = []
    real = render.write_pdfs

    def counting(html: str, formats: tuple[str, ...] = ("standard",)) -> Any:
        seen.append(html)
        return real(html, formats)

    monkeypatch.setattr(report_work, "write_pdfs", counting)
    return seen


def export(built: dict[str, Any], variant: str = "full") -> bytes:
    result = report_exports.export_report(built["reviewer"], built["review"], variant)
    assert result.pdf is not None
    return result.pdf


def version_of(review: Review) -> int:
    db.session.expire(review)
    return review.content_version


def one(model: type, review: Review) -> Any:
    return db.session.query(model).filter_by(review_id=review.id).order_by(model.id).first()


def finding_of(built: dict[str, Any]) -> Finding:
    found: Finding = built["finding"]
    return found


# -- the changes, each to a row of one kind, made directly (no audit event: the PDF changes
# only by what the change itself shows); each returns text the new PDF must show, if any --


def judgement(built: dict[str, Any]) -> str:
    built["review"].overall_judgement = "Qzjudgement the review's new overall judgement."
    return "Qzjudgement"


def chronology_edit(built: dict[str, Any]) -> str:
    one(ChronologyEntry, built["review"]).summary = "Qzchron an edited entry."
    return "Qzchron"


def chronology_added(built: dict[str, Any]) -> str:
    db.session.add(
        ChronologyEntry(
            review_id=built["review"].id,
            occurred_on=date(2023, 6, 1),
            source="Police",
            summary="Qzadded a new entry.",
            significant=True,
        )
    )
    return "Qzadded"


def chronology_deleted(built: dict[str, Any]) -> None:
    entry = db.session.query(ChronologyEntry).filter(ChronologyEntry.summary.like("Qzadded%"))
    db.session.delete(entry.one())


def context_notes(built: dict[str, Any]) -> str:
    one(CaseloadContext, built["review"]).notes = "Qzcontext notes on the caseload."
    return "Qzcontext"


def caseload_account(built: dict[str, Any]) -> str:
    context = one(CaseloadContext, built["review"])
    db.session.add(
        CaseloadAccount(
            caseload_context_id=context.id,
            author_id=context.participant.user_id,
            body="Qzaccount my own account of my caseload.",
            disputed_fields=[],
        )
    )
    return "Qzaccount"


def factor(built: dict[str, Any]) -> str:
    one(SystemicFactor, built["review"]).description = "Qzfactor a changed description."
    return "Qzfactor"


def narrative(built: dict[str, Any]) -> str:
    finding_of(built).narrative = "Qznarrative a changed narrative."
    return "Qznarrative"


def finding_link(built: dict[str, Any]) -> None:
    finding = finding_of(built)
    entries = db.session.query(ChronologyEntry).filter_by(review_id=built["review"].id)
    unlinked = [e for e in entries if e not in finding.chronology_entries]
    finding.chronology_entries.append(unlinked[0])


def attribution(built: dict[str, Any]) -> None:
    finding = finding_of(built)
    taken = {a.attribution for a in finding.attributions}
    spare = next(a for a in ("resources", "systems", "training") if a not in taken)
    db.session.add(FindingAttribution(finding_id=finding.id, attribution=spare, position=9))


def reply(built: dict[str, Any]) -> str:
    db.session.add(
        FindingResponse(
            finding_id=finding_of(built).id,
            author_id=built["officer"].id,
            body="Qzreply the officer's reply.",
        )
    )
    return "Qzreply"


def addendum(built: dict[str, Any]) -> str:
    statement = (
        db.session.query(Statement)
        .filter_by(review_id=built["review"].id, status="submitted")
        .order_by(Statement.id)
        .first()
    )
    db.session.add(
        StatementAddendum(
            statement_id=statement.id,
            body="Qzaddendum a later addition.",
            submitted_at=datetime(2023, 9, 2, tzinfo=UTC),
        )
    )
    return "Qzaddendum"


def participant(built: dict[str, Any]) -> str:
    newcomer = built["make_user"]("officer", name="Quentin Qzparticipant")
    db.session.add(
        Participant(review_id=built["review"].id, user_id=newcomer.id, role_in_case="other")
    )
    return "Qzparticipant"


def participant_role(built: dict[str, Any]) -> None:
    row = db.session.query(Participant).filter(Participant.user.has(name="Quentin Qzparticipant"))
    row.one().role_in_case = "line_manager"


def action(built: dict[str, Any]) -> str:
    one(Action, built["review"]).description = "Qzaction a changed action."
    return "Qzaction"


def extension(built: dict[str, Any]) -> str:
    one(DeadlineExtension, built["review"]).reason = "Qzextension a changed reason."
    return "Qzextension"


def renamed_officer(built: dict[str, Any]) -> str:
    built["officer"].name = "Olwen Qzrenamed"
    return "Qzrenamed"


def region_renamed(built: dict[str, Any]) -> str:
    old = built["review"].region
    regions._rename_region_rows(old, "Qzregion")  # noqa: SLF001 - the Core UPDATE itself
    return "Qzregion"


def family_question(built: dict[str, Any]) -> str:
    db.session.add(
        FamilyQuestion(
            review_id=built["review"].id,
            question="Qzquestion why was the visit missed?",
            asked_on=date(2023, 9, 1),
        )
    )
    return "Qzquestion"


CHANGES: list[tuple[str, str, Change]] = [
    ("the review", "full", judgement),
    ("a chronology entry edited", "full", chronology_edit),
    ("a chronology entry added", "full", chronology_added),
    ("a chronology entry deleted", "full", chronology_deleted),
    ("a caseload context", "full", context_notes),
    ("a subject's caseload account", "full", caseload_account),
    ("a systemic factor", "full", factor),
    ("a finding", "full", narrative),
    ("a finding's chronology link", "full", finding_link),
    ("a finding's attribution", "full", attribution),
    ("an officer's reply", "full", reply),
    ("a statement's addendum", "full", addendum),
    ("a participant added", "full", participant),
    ("a participant's role", "full", participant_role),
    ("an action", "full", action),
    ("a deadline extension", "full", extension),
    ("a user's name", "full", renamed_officer),
    ("the region (a Core UPDATE)", "full", region_renamed),
    ("the family's question", "family_summary", family_question),
]


def test_after_each_kind_of_change_a_download_never_gets_the_old_pdf(
    rich_review: Builder, renders: list[str], make_user: Callable[..., User]
) -> None:
    built = rich_review("factual_accuracy")
    built["make_user"] = make_user
    last = {variant: export(built, variant) for variant in ("full", "family_summary")}
    stale: list[str] = []
    for label, variant, change in CHANGES:
        html_before = renders[-1] if renders else ""
        shown = change(built)
        db.session.commit()
        pdf = export(built, variant)
        if pdf == last[variant]:
            stale.append(f"{label}: the old PDF")
        elif shown is not None and shown not in renders[-1]:
            stale.append(f"{label}: {shown} not in the new PDF's HTML")
        elif renders[-1] == html_before:
            stale.append(f"{label}: nothing new was rendered")
        last[variant] = pdf
    assert stale == []


def test_every_kind_of_row_a_pdf_shows_moves_its_review(
    rich_review: Builder, make_review: Callable[..., Review]
) -> None:
    """Rows with no visible text in a draft too (ratings, just-culture answers, recurrences):
    written, changed or deleted, each moves the content version of its review."""
    built = rich_review("factual_accuracy")
    review, finding = built["review"], finding_of(built)
    later = make_review()

    def moves(change: Callable[[], None], whose: Review = review) -> bool:
        before = version_of(whose)
        change()
        db.session.commit()
        return version_of(whose) > before

    rating = ReviewRating(
        review_id=review.id,
        standard="overall",
        rating="good",
        rationale="Met.",
        rated_by_id=built["qa"].id,
    )
    assessment = db.session.get(JustCultureAssessment, finding.id)
    assert assessment is not None
    answer = "no" if assessment.health_factors == "yes" else "yes"
    recurrence = ActionRecurrence(
        action_id=one(Action, review).id, review_id=later.id, category="workload_and_capacity"
    )
    moved = {
        "rating added": moves(lambda: db.session.add(rating)),
        "rating changed": moves(lambda: setattr(rating, "rating", "requires_improvement")),
        "rating deleted": moves(lambda: db.session.delete(rating)),
        "just-culture answer": moves(lambda: setattr(assessment, "health_factors", answer)),
        "just-culture deleted": moves(lambda: db.session.delete(assessment)),
        "recurrence (the action's review)": moves(lambda: db.session.add(recurrence)),
        "statement": moves(lambda: setattr(one(Statement, review), "summary", "Changed.")),
        "finding deleted": moves(lambda: db.session.delete(finding)),
    }
    assert [name for name, did in moved.items() if not did] == []
    assert moves(lambda: setattr(recurrence, "category", "information_sharing"), later)


def test_what_no_pdf_shows_leaves_the_stamp_alone(
    client: FlaskClient, rich_review: Builder
) -> None:
    """Signing in and out (the session token rotates), a token's use, a view, a download and
    its statement-access rows, a password: the stamp stays, the stored PDF is answered."""
    built = rich_review("factual_accuracy")
    review, reviewer = built["review"], built["reviewer"]
    export(built)
    stamp = report_cache.content_stamp(review, "full")
    version, names = version_of(review), versions.names_version()

    signed_in = client.post("/sign-in", data={"email": reviewer.email, "password": PASSWORD})
    assert signed_in.status_code in (302, 303)
    token = user_service.issue_token(reviewer)
    downloaded = client.get(
        f"/api/v1/reviews/{review.id}/report.pdf", headers={"Authorization": f"Bearer {token}"}
    )
    assert downloaded.status_code == 200
    assert client.get(f"/reviews/{review.id}").status_code == 200
    assert client.get(f"/reviews/{review.id}/report.pdf").status_code == 200
    client.post("/sign-out")
    user_service.change_password(built["officer"], built["officer"], "another-horse-battery-2026")

    assert (version_of(review), versions.names_version()) == (version, names)
    assert report_cache.content_stamp(review, "full") == stamp
    assert db.session.query(RenderedReport).filter_by(review_id=review.id).one().stamp == stamp


def test_a_change_that_rolls_back_moves_nothing(rich_review: Builder) -> None:
    built = rich_review("factual_accuracy")
    review = built["review"]
    before = version_of(review)

    one(ChronologyEntry, review).summary = "Never saved."
    db.session.flush()
    db.session.rollback()

    assert version_of(review) == before


def test_every_model_is_shown_or_not_shown() -> None:
    mapped = {m.class_ for m in db.Model.registry.mappers}
    classified = set(versions.SHOWN) | versions.SPECIAL | versions.NOT_SHOWN
    assert mapped - classified == set(), "classify it in services/reports/versions.py"
    assert set(versions.SHOWN) & versions.NOT_SHOWN == set()
