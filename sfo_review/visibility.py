"""What a person may see of a review's collections, filtered in one place.

The pages, the API objects and anything else that lists a review's rows for a person take
them from here; each function applies the rule of `sfo_review.permissions` for its kind of
row. A collection someone may not see at all is empty. Caseload contexts are filtered row
by row (`permissions.can_see_working_conditions`) and say how many people's working
conditions were left out, so a page may say so without saying whose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sfo_review import just_culture as jc
from sfo_review import permissions as perm
from sfo_review.models import (
    Action,
    CaseloadContext,
    ChronologyEntry,
    DeadlineExtension,
    Finding,
    FindingResponse,
    JustCultureAssessment,
    Participant,
    Review,
    Statement,
    SystemicFactor,
    User,
)


@dataclass(frozen=True)
class ShownContexts:
    items: list[CaseloadContext]
    hidden_people: int  # people whose working conditions are linked but not shown


def caseload_contexts(
    user: User, review: Review, contexts: Iterable[CaseloadContext] | None = None
) -> ShownContexts:
    """The caseload contexts `user` may read: of the review, or of a finding's links."""
    rows = list(review.caseload_contexts if contexts is None else contexts)
    shown = [
        c for c in rows if perm.can_see_working_conditions(user, review, c.participant.user_id)
    ]
    hidden = {c.participant_id for c in rows if c not in shown}
    return ShownContexts(shown, len(hidden))


def participants(user: User, review: Review) -> list[Participant]:
    return list(review.participants) if perm.can_see_evidence(user, review) else []


def chronology(user: User, review: Review) -> list[ChronologyEntry]:
    """In date order; officers read the entries a finding links to, with the finding."""
    return list(review.chronology) if perm.can_see_evidence(user, review) else []


def systemic_factors(user: User, review: Review) -> list[SystemicFactor]:
    """Officers read the factors a finding links to, with the finding."""
    return list(review.systemic_factors) if perm.can_see_evidence(user, review) else []


def findings(user: User, review: Review) -> list[Finding]:
    """Officers see the findings from the factual accuracy check on; before that, none."""
    return list(review.findings) if perm.can_see_findings(user, review) else []


def actions(user: User, review: Review) -> list[Action]:
    return list(review.actions) if perm.can_see_actions(user, review) else []


def extensions(user: User, review: Review) -> list[DeadlineExtension]:
    """Officers see the deadline in force, not the requests and their reasons."""
    return list(review.extensions) if perm.can_see_extensions(user, review) else []


def finding_statements(user: User, finding: Finding) -> list[Statement]:
    """The statements whose words show under a finding: none when the finding points to
    another process; an officer their own only."""
    if jc.points_elsewhere(finding):
        return []
    review = finding.review
    return [s for s in finding.statements if perm.can_see_statement_beside_finding(user, review, s)]


def finding_responses(finding: Finding) -> list[FindingResponse]:
    """The replies under a finding: none when it points to another process (the review
    records only that; replies made before it did stay stored, never shown)."""
    return [] if jc.points_elsewhere(finding) else list(finding.responses)


def just_culture(user: User, finding: Finding) -> JustCultureAssessment | None:
    """The finding's assessment if written and `user` may read it
    (permissions.can_see_just_culture): else None."""
    assessment = finding.just_culture
    if assessment is None:
        return None
    subjects = [p.user_id for p in finding.subjects]
    return assessment if perm.can_see_just_culture(user, finding.review, subjects) else None
