"""JSON shapes of the contract (shared/docs/api-v1.md): one function per resource.

Dates are ISO `YYYY-MM-DD`; timestamps ISO 8601 in UTC with the zone (`+00:00`).
What a caller (`viewer`) may see is decided by `sfo_review.permissions`, and the rows of
every nested list come from `sfo_review.visibility`; these functions only shape them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sfo_review import just_culture as jc
from sfo_review import lifecycle, visibility
from sfo_review import permissions as perm
from sfo_review.models import (
    Action,
    CaseloadAccount,
    CaseloadContext,
    ChronologyEntry,
    DeadlineExtension,
    Finding,
    FindingResponse,
    Participant,
    Review,
    Statement,
    StatementAddendum,
    SystemicFactor,
    User,
)
from sfo_review.services import ratings
from sfo_review.services.deadlines import DUE_SOON, OVERDUE, DeadlineWindow, deadline_window
from sfo_review.services.statements import statements_visible_to

JSON = dict[str, Any]

REVIEW_FIELDS = (
    "case_reference",
    "person_initials",
    "offence_charged",
    "offence_category",
    "region",
    "pdu",
    "sentence_type",
    "rosh_level",
    "status",
    "reference",
)


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def timestamp(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def user_json(user: User | None, viewer: User) -> JSON | None:
    """A person as `viewer` may see them: officers get other people's names, not emails."""
    if user is None:
        return None
    email = user.email if perm.can_see_email_of(viewer, user) else None
    return {"id": user.id, "name": user.name, "email": email}


def review_json(review: Review, actor: User, window: DeadlineWindow | None = None) -> JSON:
    """The review object of GET /reviews (no nested lists); a list passes the day's deadline
    window, worked out once for all its rows."""
    flag = (window or deadline_window()).flag(review.status, review.effective_due_date)
    body: JSON = {"id": review.id, "version": review.version}
    body.update({name: getattr(review, name) for name in REVIEW_FIELDS})
    body.update(
        {
            "charge_date": day(review.charge_date),
            "notification_date": day(review.notification_date),
            "due_date": day(review.due_date),
            # Additions: the deadline in force (the due date, or the latest agreed extension's
            # new date) and the flags every list shows.
            "effective_due_date": day(review.effective_due_date),
            "overdue": flag == OVERDUE,
            "due_soon": flag == DUE_SOON,
            "reviewer": user_json(review.reviewer, actor),
            "countersigner": user_json(review.countersigner, actor),
            # The overall judgement is part of the draft analysis: officers read it with the
            # findings, from the factual accuracy check on.
            "overall_judgement": (
                review.overall_judgement if perm.can_see_findings(actor, review) else None
            ),
            "return_reason": (
                review.return_reason if perm.can_see_return_reason(actor, review) else None
            ),
            "factual_accuracy_ends_on": day(review.factual_accuracy_ends_on),
            "statements_outstanding_reason": (
                review.statements_outstanding_reason
                if perm.can_list_statements(actor, review)
                else None
            ),
            "approved_at": timestamp(review.approved_at),
            "closed_at": timestamp(review.closed_at),
            # api-v1.1 C: the criminal case, for everyone who sees the review (officers too).
            "case_outcome": review.case_outcome,
            "case_outcome_date": day(review.case_outcome_date),
            # api-v1.1 C: the summary for the family, for those who see the family's material.
            "family_summary": (
                review.family_summary if perm.can_see_family(actor, review) else None
            ),
            "family_summary_exceptions": (
                review.family_summary_exceptions if perm.can_see_family(actor, review) else None
            ),
            "created_at": timestamp(review.created_at),
            "updated_at": timestamp(review.updated_at),
        }
    )
    return body


def review_detail_json(review: Review, actor: User) -> JSON:
    """GET /reviews/{id}: the review with every nested list, as `actor` may see them."""
    body = review_json(review, actor)
    body.update(
        {
            "participants": [
                participant_json(p, actor) for p in visibility.participants(actor, review)
            ],
            "chronology": [chronology_json(e) for e in visibility.chronology(actor, review)],
            "caseload_contexts": [
                caseload_json(c, actor) for c in visibility.caseload_contexts(actor, review).items
            ],
            "systemic_factors": [
                factor_json(f) for f in visibility.systemic_factors(actor, review)
            ],
            "statements": [statement_json(s, actor) for s in statements_visible_to(actor, review)],
            "findings": [finding_json(f, actor) for f in visibility.findings(actor, review)],
            "actions": [action_json(a, actor) for a in visibility.actions(actor, review)],
            "extensions": [extension_json(e, actor) for e in visibility.extensions(actor, review)],
        }
    )
    body.update(ratings_json(review, actor))
    return body


def ratings_json(review: Review, actor: User) -> JSON:
    """api-v1.1 C: `ratings` keyed by standard, or null while there are none; `ratings_state`
    says why (`awaiting_approval`, `approved_before_ratings` for reviews approved before 1.1)
    or `rated`. Officers get neither: the ratings are quality assurance's view of the review."""
    if not perm.can_see_ratings(actor, review):
        return {}
    given = ratings.shown(review)
    return {
        "ratings": {
            r.standard: {
                "rating": r.rating,
                "rationale": r.rationale,
                "rated_by": user_json(r.rated_by, actor),
                "rated_at": timestamp(r.rated_at),
            }
            for r in given
        }
        or None,
        "ratings_state": ratings.state(review),
    }


def extension_json(extension: DeadlineExtension, viewer: User) -> JSON:
    return {
        **_versioned(extension),
        "status": extension.status,
        "reason": extension.reason,
        "previous_due_date": day(extension.previous_due_date),
        "new_due_date": day(extension.new_due_date),
        "requested_by": user_json(extension.requested_by, viewer),
        "requested_at": timestamp(extension.requested_at),
        "decided_by": user_json(extension.decided_by, viewer),
        "decided_at": timestamp(extension.decided_at),
        "decision_note": extension.decision_note,
    }


def participant_json(participant: Participant, viewer: User) -> JSON:
    return {
        "id": participant.id,
        "user": user_json(participant.user, viewer),
        "role_in_case": participant.role_in_case,
        "created_at": timestamp(participant.created_at),
    }


def _versioned(obj: Any) -> JSON:
    return {
        "id": obj.id,
        "version": obj.version,
        "created_at": timestamp(obj.created_at),
        "updated_at": timestamp(obj.updated_at),
    }


def chronology_json(entry: ChronologyEntry) -> JSON:
    return {
        **_versioned(entry),
        "occurred_on": day(entry.occurred_on),
        "source": entry.source,
        "summary": entry.summary,
        "significant": entry.significant,
        "known_at_the_time": entry.known_at_the_time,
    }


CASELOAD_NUMBERS = (
    "participant_id",
    "caseload_count",
    "high_risk_count",
    "workload_percent",
    "grade",
    "months_in_role",
    "team_vacancy_percent",
    "officer_changes_on_case",
    "management_oversight_sessions",
    "notes",
)


def caseload_json(context: CaseloadContext, viewer: User) -> JSON:
    """A caseload context, for a viewer who may read it (visibility.caseload_contexts), with
    its subject's accounts of it (api-v1.1 §A)."""
    body = _versioned(context)
    body.update(
        {
            "period_start": day(context.period_start),
            "period_end": day(context.period_end),
        }
    )
    body.update({name: getattr(context, name) for name in CASELOAD_NUMBERS})
    body["accounts"] = [caseload_account_json(a, viewer) for a in context.accounts]
    return body


def caseload_account_json(account: CaseloadAccount, viewer: User) -> JSON:
    return {
        "id": account.id,
        "body": account.body,
        "disputed_fields": list(account.disputed_fields),
        "author": user_json(account.author, viewer),
        "created_at": timestamp(account.created_at),
    }


def factor_json(factor: SystemicFactor) -> JSON:
    return {
        **_versioned(factor),
        "category": factor.category,
        "level": factor.level,
        "description": factor.description,
        "evidence": factor.evidence,
    }


def response_json(response: FindingResponse, viewer: User) -> JSON:
    return {
        "id": response.id,
        "finding_id": response.finding_id,
        "author": user_json(response.author, viewer),
        "body": response.body,
        "created_at": timestamp(response.created_at),
        # The reviewer's answer (api-v1.1 A): null until given, then never changed.
        "outcome": response.outcome,
        "outcome_note": response.outcome_note,
        "outcome_at": timestamp(response.outcome_at),
    }


def finding_json(finding: Finding, viewer: User) -> JSON:
    """The finding as `viewer` sees it on its page: the caseload contexts they may not read
    are left out of `caseload_context_ids`, and only counted (people, not contexts)."""
    contexts = visibility.caseload_contexts(viewer, finding.review, finding.caseload_contexts)
    return {
        **_versioned(finding),
        "title": finding.title,
        "practice_area": finding.practice_area,
        "judgement": finding.judgement,
        "narrative": finding.narrative,
        "attribution": finding.attribution,
        "systemic_factor_ids": [f.id for f in finding.systemic_factors],
        "caseload_context_ids": [c.id for c in contexts.items],
        "working_conditions_not_shown": contexts.hidden_people,
        "chronology_ids": [e.id for e in finding.chronology_entries],
        "context_note": finding.context_note,
        "responses": [response_json(r, viewer) for r in visibility.finding_responses(finding)],
        **finding_individual_side_json(finding, viewer),
    }


def finding_individual_side_json(finding: Finding, viewer: User) -> JSON:
    """Whom the finding is about, its just-culture assessment (null until written, and for
    officers it is not about) and the statements shown beside it (api-v1.1 A)."""
    assessment = visibility.just_culture(viewer, finding)
    return {
        "subject_participant_ids": [p.id for p in finding.subjects],
        "subjects": [
            {"participant_id": p.id, "name": p.user.name, "role_in_case": p.role_in_case}
            for p in finding.subjects
        ],
        "statement_ids": [st.id for st in visibility.finding_statements(viewer, finding)],
        "just_culture": (
            None
            if assessment is None
            else {**jc.answers_of(assessment), "outcome": assessment.outcome}
        ),
    }


def statement_json(statement: Statement, viewer: User) -> JSON:
    return {
        **_versioned(statement),
        "author": user_json(statement.author, viewer),
        # A declined statement keeps its author's private draft (if any) for a change of
        # mind; nobody reads it while declined.
        "body": "" if lifecycle.is_declined(statement) else statement.body,
        "status": statement.status,
        "submitted_at": timestamp(statement.submitted_at),
        "decline_reason": statement.decline_reason,
        "declined_at": timestamp(statement.declined_at),
        "include_in_report": statement.include_in_report,
        "summary": statement.summary,
        "addenda": [addendum_json(a) for a in statement.addenda],
    }


def addendum_json(addendum: StatementAddendum) -> JSON:
    return {
        "id": addendum.id,
        "body": addendum.body,
        "submitted_at": timestamp(addendum.submitted_at),
    }


def action_json(action: Action, viewer: User) -> JSON:
    """An action (api-v1.1 B): what it addresses, its owner's account, the evidence, who
    verified it or why it was sent back, and the later reviews where its factor came back."""
    owner = user_json(action.owner_user, viewer)
    return {
        **_versioned(action),
        "description": action.description,
        "owner": action.owner,
        "owner_user": owner,
        "owner_email": owner["email"] if owner else None,
        "level": action.level,
        "due_date": day(action.due_date),
        "review_date": day(action.review_date),
        "success_measure": action.success_measure,
        "status": action.status,
        "completion_note": action.completion_note,
        "completed_at": timestamp(action.completed_at),
        "verification_note": action.verification_note,
        "verified_at": timestamp(action.verified_at),
        "verified_by": user_json(action.verified_by, viewer),
        "sent_back_reason": action.sent_back_reason,
        "sent_back_at": timestamp(action.sent_back_at),
        "agreed_at": timestamp(action.agreed_at),
        "finding_ids": [f.id for f in action.findings],
        "systemic_factor_ids": [f.id for f in action.systemic_factors],
        "recurrences": [
            {
                "review_id": r.review_id,
                "reference": r.review.reference,
                "category": r.category,
                "recorded_at": timestamp(r.recorded_at),
            }
            for r in action.recurrences
        ],
    }
