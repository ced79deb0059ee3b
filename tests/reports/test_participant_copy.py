"""A participant's own copy of the approved review (api-v1.1 §A, "Closing the loop"):
who may download it in the browser, what it holds and never holds, how it is stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import (
    AuditEvent,
    CaseloadAccount,
    CaseloadContext,
    FindingResponse,
    JustCultureAssessment,
    Notification,
    OutboxEmail,
    RenderedReport,
    ReportSnapshot,
    Statement,
    StatementAddendum,
    User,
)
from sfo_review.pdf.render import render_html
from sfo_review.services.reports import snapshots
from tests import helpers_rules
from tests.helpers_forms import ROLES, approve, expect_status, page, sign_in, text_of
from tests.report_fixtures import (
    CASELOAD,
    DECLINE_REASON,
    DUTY_NAME,
    HIGH_RISK,
    HOSTILE,
    MANAGER_NAME,
    MANAGER_STATEMENT,
    MANAGER_SUMMARY,
    REPLY_TEXT,
    STATEMENT_TEXT,
    WORKLOAD,
    flat,
    pdf_pages,
)

Builder = Callable[..., dict[str, Any]]
COPY = "/reviews/{r}/report.pdf?variant=participant"
OVERVIEW = "/reviews/{r}"

MANAGER_CASELOAD = 913
MANAGER_WORKLOAD = 177
MANAGER_REPLY = "Quinquagenarian staffing note from the line manager, never in a colleague's copy."
ADDENDUM = "Addendum: the court duty rota for that week is attached to my diary."
ACCOUNT = "Two of the cases counted were transferred out in February; my caseload was lower."
OUTCOME_NOTE = "The chronology now records the court duty that week."

# Once approved: the participant gets their copy; nobody else learns that it exists.
APPROVED = {
    "reviewer": 404,
    "other_reviewer": 404,
    "officer": 200,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 404,
    "admin": 404,
    "anonymous": "sign-in",
}
# Before approval the participant is told it is not ready yet (409).
BEFORE = {**APPROVED, "officer": 409}


def _extras(data: dict[str, Any], hostile: bool = False) -> dict[str, Any]:
    """What the individual's side adds (columns of migration 0013, written directly: their
    services are other parts of the issue): the manager's working conditions and reply on
    the finding, subjects and statements beside it, an outcome on the officer's reply, an
    addendum, and the officer's account of their own figures."""
    review, finding = data["review"], data["finding"]
    manager_participant = review.participant_for(data["manager"])
    theirs = CaseloadContext(
        review_id=review.id,
        participant_id=manager_participant.id,
        period_start=datetime(2023, 1, 1).date(),
        period_end=datetime(2023, 6, 26).date(),
        caseload_count=MANAGER_CASELOAD,
        high_risk_count=71,
        workload_percent=MANAGER_WORKLOAD,
        grade="senior_probation_officer",
        months_in_role=97,
        team_vacancy_percent=30,
        officer_changes_on_case=3,
        management_oversight_sessions=1,
        notes="Manager's private note on sickness absence.",
    )
    db.session.add(theirs)
    db.session.flush()
    # (the shared fixture already names the officer and links their context: not twice)
    finding.caseload_contexts.extend(
        c for c in (data["context"], theirs) if c not in finding.caseload_contexts
    )
    if data["participant"] not in finding.subjects:
        finding.subjects.append(data["participant"])
    own = db.session.scalar(
        select(Statement).where(
            Statement.review_id == review.id, Statement.author_id == data["officer"].id
        )
    )
    colleague = db.session.scalar(
        select(Statement).where(
            Statement.review_id == review.id, Statement.author_id == data["manager"].id
        )
    )
    finding.statements.extend([own, colleague])
    db.session.add(StatementAddendum(statement_id=own.id, body=ADDENDUM))
    reply = db.session.scalar(
        select(FindingResponse).where(FindingResponse.author_id == data["officer"].id)
    )
    reply.outcome = "context_added"
    reply.outcome_note = OUTCOME_NOTE + (f" {HOSTILE}" if hostile else "")
    reply.outcome_at = datetime(2023, 9, 20, 10, 0, tzinfo=UTC)
    reply.outcome_by_id = data["reviewer"].id
    # api-v1.1 A, rule 6: approval needs an outcome on every reply, the manager's too
    db.session.add(
        FindingResponse(
            finding_id=finding.id,
            author_id=data["manager"].id,
            body=MANAGER_REPLY,
            outcome="not_accepted",
            outcome_at=datetime(2023, 9, 20, 10, 0, tzinfo=UTC),
            outcome_by_id=data["reviewer"].id,
        )
    )
    db.session.add(
        CaseloadAccount(
            caseload_context_id=data["context"].id,
            author_id=data["officer"].id,
            body=ACCOUNT + (f" {HOSTILE}" if hostile else ""),
            disputed_fields=["caseload_count"],
        )
    )
    db.session.commit()
    return data


@pytest.fixture
def approved_with_extras(rich_review: Builder) -> Callable[..., dict[str, Any]]:
    def build(hostile: bool = False) -> dict[str, Any]:
        data = _extras(rich_review("quality_assurance", hostile=hostile), hostile)
        approve(data["qa"], data["review"])
        return data

    return build


@pytest.mark.parametrize("stage, expected", [("quality_assurance", BEFORE), ("approved", APPROVED)])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_participant_downloads_their_copy_and_only_once_approved(
    client: FlaskClient,
    rich_review: Builder,
    login_as: Callable[..., User],
    stage: str,
    expected: dict[str, int | str],
    role: str,
) -> None:
    data = rich_review(stage)
    review_id = data["review"].id
    sign_in(role, data, login_as)

    response = client.get(COPY.format(r=review_id))

    expect_status(response, expected[role])
    exports = select(AuditEvent).where(
        AuditEvent.review_id == review_id, AuditEvent.action == "report.exported"
    )
    if expected[role] == 200:
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="{data["review"].reference}-participant.pdf"'
        )
        assert response.headers["Cache-Control"] == "no-store"
        assert len(list(db.session.scalars(exports))) == 1
    else:
        assert list(db.session.scalars(exports)) == []
    if expected[role] == 409:
        assert "once quality assurance approves the review" in text_of(response)


def test_a_closed_review_still_gives_the_participant_their_copy(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    data = rich_review("approved")
    data["review"].status = "closed"  # (closing's own rule, every action done, is not ours)
    db.session.commit()
    login_as(user=data["manager"])

    response = client.get(COPY.format(r=data["review"].id))

    assert response.status_code == 200
    assert "Philippa" in flat(" ".join(pdf_pages(response.data)))


def test_the_copy_holds_their_own_side_and_never_a_colleagues(
    client: FlaskClient, approved_with_extras: Callable[..., dict[str, Any]], login_as: Any
) -> None:
    data = approved_with_extras()
    login_as(user=data["officer"])

    response = client.get(COPY.format(r=data["review"].id))

    text = flat(" ".join(pdf_pages(response.data)))
    # their own side, in full
    for own in (
        STATEMENT_TEXT,
        ADDENDUM,
        REPLY_TEXT,
        "The reviewer’s answer: Context added",
        OUTCOME_NOTE,
        ACCOUNT,
        "disputes: number of cases",
        f"{CASELOAD} cases ({HIGH_RISK} high risk), workload {WORKLOAD}% (WMT)",
        "Your copy of the review",
        "Zebedee Quillfeather – Responsible officer",
        "this finding is about you",
        "Not all reasonable steps were taken, in conditions that made them hard.",
        "Agree a police information-sharing protocol for the PDU.",
        "Risk not reassessed",
        "Chronology, 2 May 2023 (Probation; known at the time): Home visit missed",
        "Your statement, as shown with this finding",
    ):
        assert own in text, own
    # of the colleagues: counted, never shown
    assert "1 other person’s working conditions (not shown)" in text
    assert "1 reply from other people (not shown in your copy)" in text
    for theirs in (
        MANAGER_NAME,
        "Marchbanks",
        MANAGER_STATEMENT,
        MANAGER_SUMMARY,
        MANAGER_REPLY[:30],
        str(MANAGER_CASELOAD),
        f"{MANAGER_WORKLOAD}%",
        "sickness absence",
        DUTY_NAME,
        DECLINE_REASON,
    ):
        assert theirs not in text, theirs
    assert "DRAFT" not in text


def test_a_colleague_gets_their_own_copy_without_the_officers_side(
    client: FlaskClient, approved_with_extras: Callable[..., dict[str, Any]], login_as: Any
) -> None:
    data = approved_with_extras()
    login_as(user=data["manager"])

    text = flat(" ".join(pdf_pages(client.get(COPY.format(r=data["review"].id)).data)))

    assert MANAGER_STATEMENT in text  # their words in full, though the report shows a summary
    assert MANAGER_SUMMARY in text
    assert MANAGER_REPLY in text
    assert f"{MANAGER_CASELOAD} cases (71 high risk), workload {MANAGER_WORKLOAD}% (WMT)" in text
    for theirs in (STATEMENT_TEXT, ADDENDUM, REPLY_TEXT, ACCOUNT, OUTCOME_NOTE, str(CASELOAD)):
        assert theirs not in text, theirs
    # the finding names its subject (as the finding page does), never with their figures
    assert "About: Zebedee Quillfeather (Responsible officer)" in text
    assert "this finding is about you" not in text


def test_hostile_text_prints_as_text(
    approved_with_extras: Callable[..., dict[str, Any]],
) -> None:
    data = approved_with_extras(hostile=True)
    participant = data["participant"]

    html = render_html(data["review"], f"participant-{participant.id}")

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_approval_keeps_each_copy_as_approved_and_the_first_download_stores_it(
    client: FlaskClient, approved_with_extras: Callable[..., dict[str, Any]], login_as: Any
) -> None:
    data = approved_with_extras()
    review = data["review"]
    held = {
        row.variant: row.state
        for row in db.session.scalars(
            select(RenderedReport).where(RenderedReport.variant.like("participant-%"))
        )
    }
    assert held == {f"participant-{p.id}": snapshots.HELD for p in review.participants}
    login_as(user=data["officer"])

    first = client.get(COPY.format(r=review.id)).data
    # content changed after approval does not reach the stored copy
    data["context"].caseload_count = 5
    db.session.commit()
    second = client.get(COPY.format(r=review.id)).data

    assert first == second
    key = f"participant-{data['participant'].id}"
    stored = db.session.execute(
        select(ReportSnapshot.variant, ReportSnapshot.format).where(
            ReportSnapshot.review_id == review.id, ReportSnapshot.variant.like("participant-%")
        )
    )
    assert set(stored.all()) == {(key, "standard"), (key, "archival")}
    archival = client.get(COPY.format(r=review.id) + "&format=archival")
    assert archival.status_code == 200


def test_bad_format_is_refused(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    data = rich_review("approved")
    login_as(user=data["officer"])

    response = client.get(COPY.format(r=data["review"].id) + "&format=%3Cscript%3E")

    assert response.status_code == 422
    assert "<script>" not in response.get_data(as_text=True)


def test_the_officers_overview_offers_the_download_once_approved(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    data = rich_review("approved")
    login_as(user=data["officer"])

    soup = page(client.get(OVERVIEW.format(r=data["review"].id)))

    link = soup.select_one("#download-your-copy")
    assert link is not None
    assert link.get_text(strip=True) == "Download your copy of the review (PDF)"
    assert link["href"] == COPY.format(r=data["review"].id)


@pytest.mark.parametrize("stage", ["factual_accuracy", "quality_assurance"])
def test_no_download_before_approval(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User], stage: str
) -> None:
    data = rich_review(stage)
    login_as(user=data["officer"])

    soup = page(client.get(OVERVIEW.format(r=data["review"].id)))

    assert soup.select_one("#download-your-copy") is None


def _counts(users: list[User]) -> dict[int, tuple[int, int]]:
    """(notifications, emails) of each user so far."""
    return {
        u.id: (
            len(list(db.session.scalars(select(Notification).where(Notification.user_id == u.id)))),
            len(list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == u.email)))),
        )
        for u in users
    }


def test_approval_tells_every_participant_once_and_nobody_else(
    rich_review: Builder, make_user: Callable[..., User]
) -> None:
    bystander = make_user("officer")
    data = rich_review("quality_assurance")
    review = data["review"]
    people = [data["officer"], data["manager"], data["duty"]]
    others = [data["qa"], bystander, make_user("leadership")]
    before = _counts([*people, *others])

    approve(data["qa"], review)

    after = _counts([*people, *others])
    for person in people:  # one notification and its one email each
        assert after[person.id] == (before[person.id][0] + 1, before[person.id][1] + 1)
    for other in others:
        assert after[other.id] == before[other.id]
    link = COPY.format(r=review.id)
    told = list(db.session.scalars(select(Notification).where(Notification.link == link)))
    assert sorted(n.user_id for n in told) == sorted(p.id for p in people)
    for note in told:
        assert note.review_id == review.id
        assert note.message == (
            f"Review approved ({review.reference}): its findings are now final and nothing "
            "more is asked of you. Download your copy of the review (PDF)"
        )
    newest = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc())).first()
    assert newest is not None
    for email in db.session.scalars(select(OutboxEmail)):
        for leak in (review.reference, review.case_reference, MANAGER_NAME, DUTY_NAME, "Risk"):
            assert leak not in email.body and leak not in email.subject
        assert "http://localhost:5000/notifications" in email.body


def test_before_approval_the_participant_is_told_it_is_not_ready_and_sent_back(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    data = rich_review("factual_accuracy")
    login_as(user=data["officer"])

    response = client.get(COPY.format(r=data["review"].id))

    assert response.status_code == 409
    soup = page(response)
    assert soup.select_one("h1").get_text(strip=True) == "This report does not exist yet"
    links = [a["href"] for a in soup.select("main a.govuk-link")]
    assert OVERVIEW.format(r=data["review"].id) in links
    assert not any("variant=full" in link for link in links)


PREPARING = "/reviews/{r}/reports/preparing?variant=participant"


@pytest.mark.parametrize("role", ROLES)
def test_a_busy_worker_sends_the_participant_to_the_preparing_page(
    client: FlaskClient,
    approved_with_extras: Callable[..., dict[str, Any]],
    login_as: Callable[..., User],
    queued: list[tuple[int, str]],
    role: str,
) -> None:
    data = approved_with_extras()
    review = data["review"]
    sign_in(role, data, login_as)

    response = client.get(COPY.format(r=review.id))
    waiting = client.get(PREPARING.format(r=review.id))

    if role != "officer":
        expect_status(response, APPROVED[role])
        expect_status(waiting, APPROVED[role])
        assert queued == []
        return
    assert response.status_code == 303
    assert response.headers["Location"] == PREPARING.format(r=review.id)
    assert queued == [(review.id, f"participant-{data['participant'].id}")]
    soup = page(waiting)
    assert soup.select_one("h1").get_text(strip=True) == "Preparing your PDF"
    assert OVERVIEW.format(r=review.id) in [a["href"] for a in soup.select("a.govuk-link")]


def test_a_finding_handed_to_another_process_carries_no_statement_or_reply(
    client: FlaskClient, rich_review: Builder, login_as: Callable[..., User]
) -> None:
    data = _extras(rich_review("quality_assurance"))
    data["finding"].just_culture = JustCultureAssessment(
        deliberate_harm="no", health_factors="yes", outcome="support_for_health"
    )
    db.session.commit()
    approve(data["qa"], data["review"])
    login_as(user=data["officer"])

    text = flat(" ".join(pdf_pages(client.get(COPY.format(r=data["review"].id)).data)))

    assert "This finding points to another process (support for health)" in text
    assert REPLY_TEXT not in text
    assert OUTCOME_NOTE not in text
    assert "Your statement, as shown with this finding" not in text
    assert "from other people" not in text
    assert STATEMENT_TEXT in text  # their statement itself is still theirs to read, below


def test_a_finding_for_another_process_shows_no_words_and_its_outcome_to_its_subject_only(
    rich_review: Builder,
) -> None:
    """sfo_review/visibility.py decides: no statements or replies beside a finding pointing
    to another process; the assessment (and so its outcome) read by the finding's subjects
    only."""
    data = _extras(rich_review("quality_assurance"))
    helpers_rules.assess(data["finding"], health_factors="yes")  # support for health
    db.session.commit()
    review = data["review"]

    def findings_part(participant_id: int) -> str:
        html = render_html(review, f"participant-{participant_id}")
        start = html.index('id="findings"')
        return html[start : html.index("</section>", start)]

    mine = findings_part(data["participant"].id)
    theirs = findings_part(review.participant_for(data["manager"]).id)

    assert "points to another process (support for health)" in mine
    assert "points to another process." in theirs and "support for health" not in theirs
    for html, words in ((mine, (STATEMENT_TEXT, REPLY_TEXT)), (theirs, (MANAGER_REPLY,))):
        assert "Your statement, as shown with this finding" not in html
        assert "from other people (not shown" not in html
        for said in words:
            assert said not in html, said
