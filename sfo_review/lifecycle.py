"""The review lifecycle: one table of allowed transitions and the rules each needs.

`unmet_rules()` returns *every* rule not met, each with the field it concerns, a sentence
for a person, and the page where it can be fixed (an endpoint name for url_for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select

from sfo_review.models import (
    Finding,
    FindingAttribution,
    Review,
    finding_caseload_contexts,
    finding_systemic_factors,
)
from sfo_review.sqlfuncs import stripped_length

BALANCE_NOTE_MIN = 100


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
    if all(a.status == "done" for a in review.actions):
        return []
    open_count = sum(1 for a in review.actions if a.status != "done")
    return [
        UnmetRule(
            "actions",
            f"Complete every action before closing ({open_count} not done)",
            "actions.actions",
        )
    ]


def _reason_given(_review: Review) -> list[UnmetRule]:
    return []  # the reason is part of the request; checked in the service


# What each step forward needs of its own.
_STEP_RULES: dict[str, tuple[RuleCheck, ...]] = {
    "factual_accuracy": (
        _needs_chronology,
        _needs_finding,
        _needs_caseload_for_responsible_officers,
    ),
    "quality_assurance": (
        _balance_rule,
        _needs_overall_judgement,
        _needs_countersigner,
    ),
    "approved": (),
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
    ("in_review", "factual_accuracy"): _path_to("factual_accuracy"),
    ("factual_accuracy", "quality_assurance"): _path_to("quality_assurance"),
    ("quality_assurance", "approved"): _path_to("approved"),
    ("quality_assurance", "in_review"): (_reason_given,),
    # Content is frozen at approval, which checked every rule above: closing needs only its own.
    ("approved", "closed"): (_actions_done,),
}


def next_statuses(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def forward_status(status: str) -> str | None:
    """The next step forward (not a return), for pages that show 'what is next'."""
    for frm, to in TRANSITIONS:
        if frm == status and to != "in_review":
            return to
    return None


def is_allowed(frm: str, to: str) -> bool:
    return (frm, to) in TRANSITIONS


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
