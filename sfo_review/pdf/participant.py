"""The participant's copy of an approved review (api-v1.1 §A, "Closing the loop").

One document per participant: the findings as that officer sees them on screen, their own
statement (its full words) and addenda, their own replies with the reviewer's outcome, their
own working conditions with their accounts, the overall judgement and the actions — and of
anyone else only what a finding shows every reader (names of the people it is about, other
replies and other people's working conditions counted, never shown).

It is stored and cached under its own key, `participant-<participant id>` (a
`RenderedReport`/`ReportSnapshot` variant): approval keeps each participant's HTML, built
from the review as approved, and the first download lays it out (docs/pdf.md).
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from sfo_review import just_culture as jc
from sfo_review import lifecycle, visibility, vocab
from sfo_review.models import CaseloadContext, Finding, Participant, Review
from sfo_review.pdf.content import plan_actions
from sfo_review.services.statements import own_statement

VARIANT = "participant"  # the `variant` a client asks for
LABEL = "Your copy of the review"
LABEL_IN_SENTENCE = "Participant copy"  # "The approved participant copy of REF is …"
KEY_PREFIX = "participant-"  # + the participant's id: where the PDF is kept

# A caseload context's figures in the order the PDF prints them, with their labels (also
# the labels of an account's disputed fields).
FIGURE_LABELS: dict[str, str] = {
    "caseload_count": "Number of cases",
    "high_risk_count": "High-risk cases",
    "workload_percent": "Workload measurement tool (WMT)",
    "grade": "Grade",
    "months_in_role": "Months in role",
    "team_vacancy_percent": "Team vacancy rate",
    "officer_changes_on_case": "Changes of officer on this case",
    "management_oversight_sessions": "Management supervision sessions",
    "period_start": "Start of the period",
    "period_end": "End of the period",
    "notes": "Notes",
}


def key(participant: Participant) -> str:
    return f"{KEY_PREFIX}{participant.id}"


def is_key(variant: str) -> bool:
    return variant.startswith(KEY_PREFIX) and variant[len(KEY_PREFIX) :].isdigit()


def participant_of(review: Review, variant: str) -> Participant:
    """The participant a stored variant's key names (ValueError for another review's)."""
    wanted = int(variant[len(KEY_PREFIX) :])
    for participant in review.participants:
        if participant.id == wanted:
            return participant
    raise ValueError(f"No participant {wanted} in review {review.id}")


def figure(context: CaseloadContext, field: str) -> str:
    """One figure as printed (percentages with %, the grade by its label)."""
    value = getattr(context, field)
    if field == "grade":
        return vocab.label(vocab.GRADES, value)
    if field.endswith("_percent"):
        return f"{value}%"
    return str(value)


def _finding(finding: Finding, participant: Participant) -> dict[str, Any]:
    """A finding as its reader sees it on screen, with only this person's own words: the
    statements, replies and assessment `visibility` lets them read (a finding pointing to
    another process shows no statement or reply; only its subjects read the assessment)."""
    user = participant.user
    contexts = visibility.caseload_contexts(user, finding.review, finding.caseload_contexts)
    replies = visibility.finding_responses(finding)
    own_replies = [r for r in replies if r.author_id == user.id]
    return {
        "finding": finding,
        "about_you": any(s.id == participant.id for s in finding.subjects),
        "subjects": [
            (s.user.name, vocab.label(vocab.PARTICIPANT_ROLES, s.role_in_case))
            for s in finding.subjects
        ],
        "contexts": contexts.items,
        "hidden_people": contexts.hidden_people,
        "elsewhere": jc.points_elsewhere(finding),
        # the outcome's name only to whom the assessment is shown (its subjects)
        "assessment": visibility.just_culture(user, finding),
        "statements": [
            s for s in visibility.finding_statements(user, finding) if s.author_id == user.id
        ],
        "replies": own_replies,
        "other_replies": len(replies) - len(own_replies),
    }


def content(review: Review, variant: str) -> dict[str, Any]:
    """The template context of `variant` (a participant's key) for `review` (loaded)."""
    participant = participant_of(review, variant)
    statement = own_statement(participant.user, review)
    settled = lifecycle.has_answered(statement)
    return {
        "participant": participant,
        "person": participant.user,
        "role": vocab.label(vocab.PARTICIPANT_ROLES, participant.role_in_case),
        "document_title": (
            f"Serious Further Offence Review {review.reference} – {LABEL} ({participant.user.name})"
        ),
        "findings": [_finding(f, participant) for f in review.findings],
        "statement": statement if settled else None,
        "contexts": sorted(
            (c for c in review.caseload_contexts if c.participant_id == participant.id),
            key=lambda c: (c.period_start, c.id),
        ),
        "figure_labels": FIGURE_LABELS,
        "figure": figure,
        "caseload_max": current_app.config["CASELOAD_REFERENCE_MAX"],
        "workload_max": current_app.config["WORKLOAD_REFERENCE_PERCENT"],
        "actions": plan_actions(review),
    }
