"""Meeting the rules of api-v1.1 A in fixtures: whom a finding is about, its just-culture
assessment, what was known at the time, statements settled.

Written straight through the ORM where no service sets them yet (the findings service gains
subjects and the just-culture assessment on another branch); every value is one the
contract allows, and `lifecycle` computes the outcome as the service would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from sfo_review import action_levels, lifecycle
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
from sfo_review.services import factual_accuracy, statements, users

RATIONALE = (
    "Peers of the same grade and experience, carrying the same caseload with the team's "
    "vacancies, would very likely have missed the same reassessment: the cause is in the system."
)
STATEMENTS_REASON = (
    "Both officers were asked in writing on the day they were added and reminded twice; the "
    "statutory deadline does not allow waiting longer; they can still write at factual "
    "accuracy."
)
# A complete assessment whose outcome is system learning (the substitution test says yes).
SYSTEM_LEARNING: dict[str, Any] = {
    "deliberate_harm": "no",
    "health_factors": "no",
    "protocol_existed": "yes",
    "protocol_workable": "yes",
    "knowingly_departed": "no",
    "peers_would_act_same": "yes",
    "comparator": "Probation services officers in the same PDU with 12-18 months in role",
    "training_gap": False,
    "supervision_gap": False,
    "rationale": RATIONALE,
    "mitigation": None,
}
# A complete assessment whose outcome is individual learning.
INDIVIDUAL_LEARNING: dict[str, Any] = {
    **SYSTEM_LEARNING,
    "peers_would_act_same": "no",
    "knowingly_departed": "yes",
}


def assess(finding: Finding, **answers: Any) -> JustCultureAssessment:
    """Write (or rewrite) the finding's just-culture assessment: SYSTEM_LEARNING with
    `answers` over it; the outcome is computed as the service computes it."""
    values = {**SYSTEM_LEARNING, **answers}
    assessment = finding.just_culture or JustCultureAssessment(finding=finding)
    for key, value in values.items():
        setattr(assessment, key, value)
    assessment.outcome = lifecycle.just_culture_outcome(assessment)
    db.session.add(assessment)
    db.session.flush()
    return assessment


def unassess(finding: Finding) -> None:
    """Remove the finding's just-culture assessment (the shared `full_review` writes a complete
    one), committed: for tests of the assessment's own journey, which start from none."""
    if finding.just_culture is not None:
        finding.just_culture = None
        db.session.commit()
        db.session.refresh(finding)


def known_at_the_time(*entries: ChronologyEntry) -> None:
    for entry in entries:
        entry.known_at_the_time = "yes"
    db.session.flush()


def name_subjects(finding: Finding, *subjects: Participant) -> None:
    finding.subjects = list(subjects)
    db.session.flush()


def meet_shortfall_rules(finding: Finding, *subjects: Participant) -> None:
    """An individual shortfall finding made to meet rules 1-5 (rule 6 needs the subjects'
    statements: `settle_statements`): its subjects named, their caseload contexts linked,
    a complete assessment, a linked chronology entry known at the time."""
    name_subjects(finding, *subjects)
    for subject in subjects:
        for context in subject.caseload_contexts:
            if context not in finding.caseload_contexts:
                finding.caseload_contexts.append(context)
    if finding.just_culture is None or not lifecycle.just_culture_complete(finding.just_culture):
        assess(finding)
    known_at_the_time(*finding.chronology_entries)


def settle_statements(review: Review, *users: User) -> None:
    """Each of `users` (participants) submits a statement, unless theirs is settled: a draft
    of theirs is submitted as it stands."""
    for user in users:
        mine = statements.own_statement(user, review)
        if lifecycle.has_answered(mine):
            continue
        if mine is None:
            mine = statements.create_statement(
                user, review, {"body": "My caseload was very high at the time."}
            )
        statements.submit_statement(user, review, mine)


def nothing_to_add(review: Review) -> None:
    """Every participant says they have nothing (more) to add at factual accuracy."""
    for participant in review.participants:
        factual_accuracy.mark_done(participant.user, review)


def heard(data: dict[str, Any]) -> None:
    """At factual accuracy (a full_review's `data`): the subject's statement is in and every
    participant has said they have nothing to add, so the review may go to quality assurance
    before the window ends."""
    settle_statements(data["review"], data["officer"])
    nothing_to_add(data["review"])


# The action balance rule (api-v1.1 B): the lowest action level that answers each factor level.
_LEVEL_FOR_FACTOR = {"team": "pdu", "organisational": "regional", "partnership": "regional"}
_ORDER = ("pdu", "regional", "national")


def plan_owner() -> User:
    """An active leadership account to own actions (the first there is, else a new one)."""
    owner = db.session.scalar(
        select(User).where(User.role == "leadership", User.active.is_(True)).order_by(User.id)
    )
    if owner is None:
        owner = users.create_user(
            None,
            {
                "email": "plan-owner@example.gov.uk",
                "name": "Head of Probation Delivery",
                "role": "leadership",
                "password": "correct horse battery staple 1",
            },
        )
    return owner


def address_factors(review: Review, owner: User | None = None) -> Action | None:
    """The action balance rule met: one action (valid 1.1 fields, written straight through the
    ORM) addressing every systemic factor linked to an insufficient finding that no action
    addresses yet, at the level the highest of them needs. None when nothing needs one."""
    factors = action_levels.unaddressed(review.findings, review.actions)
    if not factors:
        return None
    level = max((_LEVEL_FOR_FACTOR.get(f.level, "national") for f in factors), key=_ORDER.index)
    owner = owner or plan_owner()
    action = Action(
        review_id=review.id,
        description="Recruit to the team's vacancies and review caseload allocation.",
        owner="Head of Probation Delivery",
        owner_id=owner.id,
        level=level,
        due_date=date(2030, 3, 31),
        review_date=date(2030, 6, 30),
        success_measure="Vacancies below 10% and no caseload above the reference maximum.",
        status="open",
    )
    action.systemic_factors = list(factors)
    db.session.add(action)
    db.session.commit()
    db.session.refresh(review)
    return action


def verify_actions(review: Review, verifier: User) -> None:
    """Every action of `review` done with evidence and verified by `verifier` (who is not its
    owner), written through the ORM: the close rule met (api-v1.1 B)."""
    now = datetime.now(UTC)
    for action in review.actions:
        action.status = lifecycle.VERIFIED
        action.completion_note = action.completion_note or "Vacancies filled; caseloads reviewed."
        action.completed_at = action.completed_at or now
        action.verification_note = "Checked against the staffing return."
        action.verified_at = now
        action.verified_by_id = verifier.id
    db.session.commit()
    db.session.refresh(review)


def approve_review(data: dict[str, Any], pdfs: bool = False) -> Review:
    """A full_review's `data` (or a rich review) moved on to approved by its countersigner,
    its plan left as it is (the caller meets the action balance rule, or needs none)."""
    from tests.helpers_forms import approve, move_to

    review: Review = data["review"]
    if review.status != lifecycle.QUALITY_ASSURANCE:
        move_to(data, lifecycle.QUALITY_ASSURANCE)
    approve(data["qa"], review, pdfs)
    db.session.refresh(review)
    return review


# A clean summary for the family (api-v1.1 C): no jargon, no staff name, no figure. The
# full_review fixture has it, so the rule to quality assurance is met.
FAMILY_SUMMARY = (
    "We are sorry for what happened to your family.\n\n"
    "The review found that the supervision fell short. This is what will change."
)
