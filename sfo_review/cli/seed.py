"""Demo data built through the services, so it obeys every rule real data does."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from sfo_review import lifecycle
from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import (
    Action,
    ChronologyEntry,
    Finding,
    JustCultureAssessment,
    Participant,
    Review,
    User,
)
from sfo_review.services import (
    evidence,
    factual_accuracy,
    findings,
    reviews,
    statements,
    transitions,
)
from sfo_review.services import users as user_service

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published demo accounts only
DEMO_USERS = [
    ("reviewer", "reviewer@example.gov.uk", "Rina Reviewer"),
    ("officer", "officer@example.gov.uk", "Olu Officer"),
    ("officer", "manager@example.gov.uk", "Sam Senior"),
    ("quality_assurer", "qa@example.gov.uk", "Quinn Assurer"),
    ("leadership", "leadership@example.gov.uk", "Lee Leadership"),
    ("admin", "admin@example.gov.uk", "Ada Admin"),
]


def _user(role: str, email: str, name: str) -> User:
    user = user_service.user_by_email(email)
    if user is None:
        user = user_service.create_user(
            None, {"email": email, "name": name, "role": role, "password": DEMO_PASSWORD}
        )
    return user


def _review(reviewer: User, crn: str, offence: str, category: str, days_ago: int) -> Review | None:
    if db.session.scalar(select(Review).where(Review.case_reference == crn)) is not None:
        return None
    charged = date.today() - timedelta(days=days_ago)
    return reviews.create_review(
        reviewer,
        {
            "case_reference": crn,
            "person_initials": "JM" if crn.endswith("1") else "KT",
            "offence_charged": offence,
            "offence_category": category,
            "charge_date": charged,
            "notification_date": charged + timedelta(days=2),
            "region": "London",
            "pdu": "Camden and Islington",
            "sentence_type": "licence",
            "rosh_level": "high",
        },
    )


def _weigh(finding: Finding, subject: Participant, entry: ChronologyEntry) -> None:
    """The individual's side of the finding (api-v1.1 A): whom it is about, what was known at
    the time, the just-culture assessment. Written directly until the findings and evidence
    services take these fields; the outcome is computed as those services compute it."""
    entry.known_at_the_time = "yes"
    finding.subjects = [subject]
    assessment = JustCultureAssessment(
        finding=finding,
        deliberate_harm="no",
        health_factors="no",
        protocol_existed="yes",
        protocol_workable="no",
        knowingly_departed="no",
        peers_would_act_same="yes",
        comparator="Probation services officers in the PDU with 12-18 months in role",
        training_gap=False,
        supervision_gap=True,
        rationale="Colleagues of the same grade holding 68 cases, two of them vacant, would "
        "very likely have missed the police information too: the handover process and the "
        "missing supervision are where the learning lies.",
    )
    assessment.outcome = lifecycle.just_culture_outcome(assessment)
    db.session.add(assessment)
    db.session.commit()


def _populate(review: Review, reviewer: User, officer: User, manager: User, qa: User) -> None:
    po = reviews.add_participant(
        reviewer, review, {"email": officer.email, "role_in_case": "responsible_officer"}
    )
    reviews.add_participant(
        reviewer, review, {"email": manager.email, "role_in_case": "line_manager"}
    )
    start = review.charge_date - timedelta(days=180)
    entry = evidence.add_chronology_entry(
        reviewer,
        review,
        {
            "occurred_on": start + timedelta(days=10),
            "source": "Prison",
            "summary": "Released on licence; handover from the prison offender manager arrived "
            "two days after release.",
            "significant": True,
        },
    )
    evidence.add_chronology_entry(
        reviewer,
        review,
        {
            "occurred_on": start + timedelta(days=40),
            "source": "Police",
            "summary": "Domestic abuse call-out information requested; no reply received.",
            "significant": True,
        },
    )
    context = evidence.add_caseload_context(
        reviewer,
        review,
        {
            "participant_id": po.id,
            "period_start": start,
            "period_end": review.charge_date,
            "caseload_count": 68,
            "high_risk_count": 14,
            "workload_percent": 143,
            "grade": "probation_services_officer",
            "months_in_role": 14,
            "team_vacancy_percent": 30,
            "officer_changes_on_case": 3,
            "management_oversight_sessions": 1,
            "notes": "Covering two vacant caseloads for most of the period.",
        },
    )
    factor = evidence.add_systemic_factor(
        reviewer,
        review,
        {
            "category": "transitions_and_handovers",
            "level": "organisational",
            "description": "Late custody-to-community handover.",
            "evidence": "Handover received after release (chronology).",
        },
    )
    finding = findings.add_finding(
        reviewer,
        review,
        {
            "title": "Risk assessment not reviewed after police information",
            "practice_area": "assessment",
            "judgement": "insufficient",
            "narrative": "The risk assessment was not updated when new information arrived.",
            "attribution": ["individual", "organisational"],
            "systemic_factor_ids": [factor.id],
            "caseload_context_ids": [context.id],
            "chronology_ids": [entry.id],
            "subject_participant_ids": [po.id],
        },
    )
    _weigh(finding, po, entry)
    reviews.update_review(
        reviewer, review, {"version": review.version, "countersigner_email": qa.email}
    )
    statements.create_statement(
        officer,
        review,
        {"body": "I held 68 cases at the time and was covering two vacant caseloads."},
    )


# The demo's action plans (api-v1.1 B): (description, owner's title, level).
PLAN = (
    (
        "Agree a custody-to-community handover standard with the prisons of the region, "
        "with the handover due ten working days before release",
        "Regional Head of Public Protection",
        "regional",
    ),
    (
        "Audit every release in the PDU for a month against the handover standard and report "
        "the late handovers to the regional performance meeting",
        "Head of PDU Camden and Islington",
        "regional",
    ),
)
SUCCESS = (
    "Nine in ten handovers received at least ten working days before release, three months "
    "running, in the regional performance report"
)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def _plan(review: Review, owner: User) -> list[Action]:
    """The review's action plan with the 1.1 fields: owner account, success measure, review
    date, the factors it addresses. Written directly until the actions service takes these
    fields (another branch); the levels meet the action balance rule (an organisational
    factor needs a regional or national action)."""
    if review.actions:
        return list(review.actions)
    due = review.notification_date + timedelta(days=90)
    for description, title, level in PLAN:
        db.session.add(
            Action(
                review=review,
                description=description,
                owner=title,
                owner_user=owner,
                level=level,
                due_date=due,
                review_date=due + timedelta(days=90),
                success_measure=SUCCESS,
                status="open",
                systemic_factors=list(review.systemic_factors),
                findings=list(review.findings),
            )
        )
    db.session.commit()
    return list(review.actions)


def _done(action: Action, on: date) -> None:
    action.status = "done"
    action.completion_note = "The handover standard is signed by every prison of the region."
    action.completed_at = _at(on)


def _verified(action: Action, on: date, verifier: User) -> None:
    _done(action, on - timedelta(days=14))
    action.status = "verified"
    action.verification_note = "Checked against the regional performance report: 93% on time."
    action.verified_at = _at(on)
    action.verified_by = verifier


# The demo's summary for the family (api-v1.1 C): plain words, no names, no figures.
FAMILY_SUMMARY = (
    "The man supervised by the Probation Service was charged with a serious violent offence. "
    "The review found that the risk he posed was not looked at again when the police shared "
    "new information, and that the officer's team was very busy.\n\n"
    "The Probation Service will change how new police information is checked."
)


def _approve(review: Review, reviewer: User, officer: User, manager: User, qa: User) -> None:
    """Through the real transitions: factual accuracy, everyone heard, QA approves."""
    mine = statements.own_statement(officer, review)
    if mine is not None:
        statements.submit_statement(officer, review, mine)
    statements.decline_statement(
        manager, review, {"reason": "I had no contact with the case during the period reviewed."}
    )
    transitions.transition(reviewer, review, {"to": "factual_accuracy"})
    for person in (officer, manager):
        factual_accuracy.mark_done(person, review)
    reviews.update_review(
        reviewer,
        review,
        {
            "version": review.version,
            "overall_judgement": "The risk of serious harm was not reassessed when the "
            "police information arrived; the late handover and the caseload explain why.",
            "family_summary": FAMILY_SUMMARY,
        },
    )
    transitions.transition(reviewer, review, {"to": "quality_assurance"})
    transitions.transition(qa, review, approval())


def _finished(people: dict[str, User]) -> None:
    """Approved and closed reviews of one PDU, the same factor category on each: an earlier
    review whose actions were done and verified, a closed one with every action verified, and
    a later one whose approval records the lessons not learned (services/recurrences.py)."""
    reviewer, officer = people["reviewer@example.gov.uk"], people["officer@example.gov.uk"]
    manager, qa = people["manager@example.gov.uk"], people["qa@example.gov.uk"]
    leader = people["leadership@example.gov.uk"]
    earlier = _review(reviewer, "X123461", "Murder", "murder", 400)
    if earlier is not None:
        _populate(earlier, reviewer, officer, manager, qa)
        _plan(earlier, leader)
        _approve(earlier, reviewer, officer, manager, qa)
        first, second = _plan(earlier, leader)
        _done(first, date.today() - timedelta(days=200))
        _verified(second, date.today() - timedelta(days=150), qa)
        db.session.commit()
    closed = _review(reviewer, "X123462", "Manslaughter", "manslaughter", 300)
    if closed is not None:
        _populate(closed, reviewer, officer, manager, qa)
        _plan(closed, leader)
        _approve(closed, reviewer, officer, manager, qa)
        for action in _plan(closed, leader):
            _verified(action, date.today() - timedelta(days=100), qa)
        db.session.commit()
        transitions.transition(leader, closed, {"to": "closed"})
    later = _review(reviewer, "X123463", "Attempted murder", "attempted_murder", 20)
    if later is not None:
        _populate(later, reviewer, officer, manager, qa)
        _plan(later, leader)
        _approve(later, reviewer, officer, manager, qa)


def seed() -> list[tuple[str, str]]:
    people = {email: _user(role, email, name) for role, email, name in DEMO_USERS}
    reviewer = people["reviewer@example.gov.uk"]
    officer = people["officer@example.gov.uk"]
    manager = people["manager@example.gov.uk"]
    qa = people["qa@example.gov.uk"]
    first = _review(reviewer, "X123451", "Murder", "murder", 30)
    if first is not None:
        _populate(first, reviewer, officer, manager, qa)
        # The statements are not all in: the reviewer says why the review may go on.
        reviews.record_statements_outstanding_reason(
            reviewer,
            first,
            {
                "version": first.version,
                "statements_outstanding_reason": "Sam Senior is on leave until next month; "
                "the deadline does not allow waiting, and statements stay open at factual "
                "accuracy.",
            },
        )
    second = _review(reviewer, "X123452", "Rape", "rape", 60)
    if second is not None:
        _populate(second, reviewer, officer, manager, qa)
        submitted = statements.own_statement(officer, second)
        if submitted is not None:
            statements.submit_statement(officer, second, submitted)
        # To factual accuracy every participant's statement is in (api-v1.1 A).
        statements.decline_statement(
            manager,
            second,
            {"reason": "I had no contact with the case during the period reviewed."},
        )
        transitions.transition(reviewer, second, {"to": "factual_accuracy"})
        # The summary for the family is written while the officers check the facts.
        reviews.update_review(
            reviewer, second, {"version": second.version, "family_summary": FAMILY_SUMMARY}
        )
    # The review in review has a proposed plan; the one at factual accuracy has none yet (the
    # reviewer adds it before quality assurance, as the browser journeys do).
    if first is not None:
        _plan(first, people["leadership@example.gov.uk"])
    _finished(people)
    return [(role, email) for role, email, _ in DEMO_USERS]
