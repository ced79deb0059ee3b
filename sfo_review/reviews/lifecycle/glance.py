"""The countersign page's view of the people involved, at a glance (api-v1.1 A): each
participant's statement (submitted, declined, draft or not started) and their replies to
the findings, each with the reviewer's answer or none yet; and of the action plan
(api-v1.1 B): the factors it must address and those it does not yet."""

from __future__ import annotations

from dataclasses import dataclass, field

from sfo_review import action_levels, lifecycle
from sfo_review.models import (
    Finding,
    FindingResponse,
    Participant,
    Review,
    Statement,
    SystemicFactor,
)

# Statement states as shown: the words, and the GOV.UK tag colour that repeats them.
SUBMITTED = ("Submitted", "govuk-tag--green")
DECLINED = ("Declined", "govuk-tag--blue")
DRAFT = ("Draft", "govuk-tag--yellow")
NOT_STARTED = ("Not started", "govuk-tag--grey")


@dataclass(frozen=True)
class FindingReplies:
    finding: Finding
    replies: list[FindingResponse]


@dataclass
class PersonAtAGlance:
    participant: Participant
    statement: Statement | None
    statement_state: tuple[str, str]
    findings: list[FindingReplies] = field(default_factory=list)

    @property
    def unanswered(self) -> int:
        return sum(1 for f in self.findings for r in f.replies if r.outcome is None)


def _state(statement: Statement | None) -> tuple[str, str]:
    if lifecycle.is_submitted(statement):
        return SUBMITTED
    if lifecycle.is_declined(statement):
        return DECLINED
    return DRAFT if statement is not None else NOT_STARTED


def people(review: Review) -> list[PersonAtAGlance]:
    """One entry per participant, in the order they were added."""
    statements = {s.author_id: s for s in review.statements}
    result = []
    for participant in review.participants:
        statement = statements.get(participant.user_id)
        person = PersonAtAGlance(participant, statement, _state(statement))
        for finding in review.findings:
            own = [r for r in finding.responses if r.author_id == participant.user_id]
            if own:
                person.findings.append(FindingReplies(finding, own))
        result.append(person)
    return result


@dataclass(frozen=True)
class PlanAtAGlance:
    """The action plan as the countersigner approves it (api-v1.1 B): how many actions, the
    systemic factors linked to insufficient findings, and those no action addresses at their
    level or above (each is also an unmet rule to approved)."""

    actions: int
    factors: list[SystemicFactor]
    unaddressed: list[SystemicFactor]

    def needs(self, factor: SystemicFactor) -> str:
        return action_levels.levels_phrase(factor.level)

    def name(self, factor: SystemicFactor) -> str:
        return action_levels.factor_name(factor)


def plan(review: Review) -> PlanAtAGlance:
    return PlanAtAGlance(
        actions=len(review.actions),
        factors=action_levels.factors_to_address(review.findings),
        unaddressed=action_levels.unaddressed(review.findings, review.actions),
    )
