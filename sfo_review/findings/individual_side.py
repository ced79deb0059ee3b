"""The individual's side of a finding as one person may see it on its page: whom it is
about, the just-culture assessment, and the statements shown with it (api-v1.1 A)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sfo_review import just_culture as jc
from sfo_review import visibility
from sfo_review.models import Finding, JustCultureAssessment, Participant, Review, Statement, User


@dataclass(frozen=True)
class ShownStatement:
    statement: Statement
    words: str
    as_summary: bool  # the reviewer's summary rather than the author's own words


@dataclass(frozen=True)
class IndividualSide:
    subjects: list[Participant]
    applies: bool  # an individual shortfall finding: the assessment is asked for
    assessment: JustCultureAssessment | None  # None: not written, or not for this person
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    meaning: str = ""
    points_elsewhere: bool = False
    statements: list[ShownStatement] = field(default_factory=list)


def shown(statement: Statement) -> ShownStatement:
    """The statement's words as the report shows them: the reviewer's summary if chosen."""
    if statement.include_in_report == "summary" and statement.summary:
        return ShownStatement(statement, statement.summary, True)
    return ShownStatement(statement, statement.body, False)


def individual_side(user: User, review: Review, finding: Finding) -> IndividualSide:
    assessment = visibility.just_culture(user, finding)
    outcome = assessment.outcome if assessment is not None else None
    return IndividualSide(
        subjects=list(finding.subjects),
        applies=jc.is_individual_shortfall(finding),
        assessment=assessment,
        rows=jc.summary(assessment) if assessment is not None else [],
        meaning=jc.MEANINGS.get(outcome or "", ""),
        points_elsewhere=jc.points_elsewhere(finding),
        statements=[shown(s) for s in visibility.finding_statements(user, finding)],
    )
