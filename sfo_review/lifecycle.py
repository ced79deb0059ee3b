"""The review lifecycle: one table of allowed transitions and the rules each needs.

`unmet_rules()` returns *every* rule not met, each with the field it concerns, a sentence
for a person, and the page where it can be fixed (an endpoint name for url_for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select

from sfo_review.models import (
    Action,
    DeadlineExtension,
    Finding,
    FindingAttribution,
    Review,
    Statement,
    finding_caseload_contexts,
    finding_systemic_factors,
)
from sfo_review.sqlfuncs import stripped_length

BALANCE_NOTE_MIN = 100

# --- The lifecycle's words: every status, status group and "may X now?" question, named
# once. Views, services and templates (`lifecycle` is a template global) ask these; a guard
# test (tests/test_lifecycle_words.py) fails for a status string compared anywhere else.

# A review's statuses, in order (vocab.STATUSES labels them).
IN_REVIEW = "in_review"
FACTUAL_ACCURACY = "factual_accuracy"
QUALITY_ASSURANCE = "quality_assurance"
APPROVED = "approved"
CLOSED = "closed"
STAGES = (IN_REVIEW, FACTUAL_ACCURACY, QUALITY_ASSURANCE, APPROVED, CLOSED)

# Content (evidence, findings, judgement, statements' inclusion, addenda) may change: the
# edit window. It shuts when the review goes to quality assurance.
EDITABLE = (IN_REVIEW, FACTUAL_ACCURACY)
# Approved or closed: frozen, the deadline no longer applies, the PDF is final (no DRAFT).
FINISHED = (APPROVED, CLOSED)
# Quality assurers see every review from quality assurance on (before: the ones they countersign).
WITH_QUALITY_ASSURANCE = (QUALITY_ASSURANCE, APPROVED, CLOSED)


def is_editable(review: Review) -> bool:
    """The edit window is open (whose edit it is, is permissions.can_edit_content)."""
    return review.status in EDITABLE


def is_finished(review: Review) -> bool:
    return review.status in FINISHED


def is_closed(review: Review) -> bool:
    return review.status == CLOSED


def at_quality_assurance(review: Review) -> bool:
    """Waiting for the countersigner: approve, or return to in review."""
    return review.status == QUALITY_ASSURANCE


def accepts_statements(review: Review) -> bool:
    """Officers write, submit or decline their statements only while the review is in review."""
    return review.status == IN_REVIEW


def accepts_responses(review: Review) -> bool:
    """Participants reply to the draft findings during the factual accuracy check only."""
    return review.status == FACTUAL_ACCURACY


def shares_findings(review: Review) -> bool:
    """Officers see the findings (and the action plan) from the factual accuracy check on."""
    return review.status != IN_REVIEW


def actions_with_leadership(review: Review) -> bool:
    """Leadership add and complete actions once the review is approved (until it is closed)."""
    return review.status == APPROVED


def shows_return_reason(review: Review) -> bool:
    """Back in review after quality assurance returned it, with the reason still to act on."""
    return review.status == IN_REVIEW and bool(review.return_reason)


# A statement's statuses: a private draft, then submitted or declined (both final).
DRAFT = "draft"
SUBMITTED = "submitted"
DECLINED = "declined"
ANSWERED = (SUBMITTED, DECLINED)

# A deadline extension request's statuses: waiting, then decided or withdrawn.
REQUESTED = "requested"
AGREED = "agreed"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
DECISIONS = (AGREED, REFUSED)


def _status_in(row: object, statuses: tuple[str, ...]) -> bool:
    """`row`'s status is one of `statuses`; no row (None: not begun) is in none of them."""
    return getattr(row, "status", None) in statuses


def is_submitted(statement: Statement | None) -> bool:
    return _status_in(statement, (SUBMITTED,))


def is_declined(statement: Statement | None) -> bool:
    return _status_in(statement, (DECLINED,))


def has_answered(statement: Statement | None) -> bool:
    """The officer has submitted a statement or declined to give one."""
    return _status_in(statement, ANSWERED)


def is_waiting(extension: DeadlineExtension) -> bool:
    """The request waits for a decision (it may still be agreed, refused or withdrawn)."""
    return _status_in(extension, (REQUESTED,))


def is_agreed(extension: DeadlineExtension) -> bool:
    return _status_in(extension, (AGREED,))


def extensions_open(review: Review) -> bool:
    """Extensions are asked for and decided until the review is finished."""
    return not is_finished(review)


# An action's statuses (vocab.ACTION_STATUSES labels them): done is the one that counts.
DONE = "done"


def is_done(action: Action) -> bool:
    return _status_in(action, (DONE,))


@dataclass(frozen=True)
class UnmetRule:
    field: str
    message: str
    endpoint: str  # where a person fixes it
    params: tuple[tuple[str, int], ...] = ()


RuleCheck = Callable[[Review], list[UnmetRule]]


def _needs_chronology(review: Review) -> list[UnmetRule]:
    if review.chronology:
        return []
    return [UnmetRule("chronology", "Add at least one chronology entry", "evidence.chronology")]


def _needs_finding(review: Review) -> list[UnmetRule]:
    if review.findings:
        return []
    return [UnmetRule("findings", "Add at least one finding", "findings.findings")]


def _needs_caseload_for_responsible_officers(review: Review) -> list[UnmetRule]:
    unmet = []
    for p in review.participants:
        if p.role_in_case == "responsible_officer" and not p.caseload_contexts:
            unmet.append(
                UnmetRule(
                    "caseload_contexts",
                    f"Record the caseload context of {p.user.name} (responsible officer)",
                    "evidence.caseload_contexts",
                )
            )
    return unmet


def finding_is_balanced(finding: object) -> bool:
    """The balance rule for one finding (see domain.md, 'The balance rule')."""
    attribution: list[str] = getattr(finding, "attribution", [])
    if "individual" not in attribution:
        return True
    if getattr(finding, "systemic_factors", None) or getattr(finding, "caseload_contexts", None):
        return True
    note = getattr(finding, "context_note", None) or ""
    return len(note.strip()) >= BALANCE_NOTE_MIN


# The SQL forms below are uncorrelated IN (subquery) tests rather than EXISTS: both
# databases evaluate them once per query (PostgreSQL as a hashed subplan, SQLite as an
# ephemeral index) instead of once per finding, which matters across 40,000 findings.


def finding_is_individual_sql() -> ColumnElement[bool]:
    """SQL: the finding (`Finding` in the query) attributes a shortfall to an individual."""
    return Finding.id.in_(
        select(FindingAttribution.finding_id).where(FindingAttribution.attribution == "individual")
    )


def finding_is_weighed_sql() -> ColumnElement[bool]:
    """SQL form of finding_is_balanced for an individual-attributed finding: the same rule,
    for aggregates across many reviews (the leadership dashboard's balance measure)."""
    return or_(
        Finding.id.in_(select(finding_systemic_factors.c.finding_id)),
        Finding.id.in_(select(finding_caseload_contexts.c.finding_id)),
        stripped_length(Finding.context_note) >= BALANCE_NOTE_MIN,
    )


def finding_is_balanced_sql() -> ColumnElement[bool]:
    return or_(~finding_is_individual_sql(), finding_is_weighed_sql())


def _balance_rule(review: Review) -> list[UnmetRule]:
    return [
        UnmetRule(
            "findings",
            f"Finding “{f.title}” attributes a shortfall to an individual: link it to a "
            "systemic factor or caseload context, or explain in at least "
            f"{BALANCE_NOTE_MIN} characters why no wider factor applied",
            "findings.edit_finding",
            (("finding_id", f.id),),
        )
        for f in review.findings
        if not finding_is_balanced(f)
    ]


def _needs_overall_judgement(review: Review) -> list[UnmetRule]:
    if review.overall_judgement and review.overall_judgement.strip():
        return []
    return [UnmetRule("overall_judgement", "Write the overall judgement", "reviews.judgement")]


def _needs_countersigner(review: Review) -> list[UnmetRule]:
    if review.countersigner_id:
        return []
    return [UnmetRule("countersigner", "Name a countersigner", "reviews.judgement")]


def _actions_done(review: Review) -> list[UnmetRule]:
    if all(is_done(a) for a in review.actions):
        return []
    open_count = sum(1 for a in review.actions if not is_done(a))
    return [
        UnmetRule(
            "actions",
            f"Complete every action before closing ({open_count} not done)",
            "actions.actions",
        )
    ]


# What each step forward needs of its own.
_STEP_RULES: dict[str, tuple[RuleCheck, ...]] = {
    FACTUAL_ACCURACY: (
        _needs_chronology,
        _needs_finding,
        _needs_caseload_for_responsible_officers,
    ),
    QUALITY_ASSURANCE: (
        _balance_rule,
        _needs_overall_judgement,
        _needs_countersigner,
    ),
    APPROVED: (),
}


def _path_to(status: str) -> tuple[RuleCheck, ...]:
    """Every rule of the path up to `status`, earlier steps' too: content stays editable
    until quality assurance, so a rule met at one step (a balanced finding, a chronology)
    may have been broken since, and approval must never pass over one that is unmet."""
    rules: tuple[RuleCheck, ...] = ()
    for step, own in _STEP_RULES.items():
        rules += own
        if step == status:
            return rules
    raise KeyError(status)


TRANSITIONS: dict[tuple[str, str], tuple[RuleCheck, ...]] = {
    (IN_REVIEW, FACTUAL_ACCURACY): _path_to(FACTUAL_ACCURACY),
    (FACTUAL_ACCURACY, QUALITY_ASSURANCE): _path_to(QUALITY_ASSURANCE),
    (QUALITY_ASSURANCE, APPROVED): _path_to(APPROVED),
    # A return needs only its reason, which is part of the request (services/transitions.py).
    (QUALITY_ASSURANCE, IN_REVIEW): (),
    # Content is frozen at approval, which checked every rule above: closing needs only its own.
    (APPROVED, CLOSED): (_actions_done,),
}
# The steps the review's reviewer asks for (the others are quality assurance's and leadership's).
REVIEWER_STEPS = (FACTUAL_ACCURACY, QUALITY_ASSURANCE)
# The countersigner's two answers, given on the Countersign page: approve, or return.
COUNTERSIGN_STEPS = (APPROVED, IN_REVIEW)


def is_return(frm: str, to: str) -> bool:
    """Quality assurance sends the review back to in review (with a reason)."""
    return frm == QUALITY_ASSURANCE and to == IN_REVIEW


def next_statuses(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def forward_status(status: str) -> str | None:
    """The next step forward (not a return), for pages that show 'what is next'."""
    for frm, to in TRANSITIONS:
        if frm == status and to != IN_REVIEW:
            return to
    return None


def unmet_rules(review: Review, to: str) -> list[UnmetRule]:
    checks = TRANSITIONS.get((review.status, to))
    if checks is None:
        return [
            UnmetRule(
                "to",
                f"A review that is {review.status.replace('_', ' ')} cannot move to "
                f"{to.replace('_', ' ')}",
                "reviews.overview",
            )
        ]
    return [rule for check in checks for rule in check(review)]
