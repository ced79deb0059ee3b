"""Moving a review through its lifecycle (the rules themselves live in lifecycle.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from sfo_review import clock, lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import RenderedReport, Review, User
from sfo_review.models._base import utcnow
from sfo_review.services import notifications, ratings, recurrences
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, review_edit
from sfo_review.services.errors import Conflict
from sfo_review.services.reports import snapshots

TRANSITION_RULES: dict[str, v.Rule] = {
    "to": v.enum("status to move to", vocab.keys(vocab.STATUSES)),
    "reason": v.long("reason", required=False),
}


def _unmet_as_fields(unmet: list[lifecycle.UnmetRule]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for rule in unmet:
        fields.setdefault(rule.field, []).append(rule.message)
    return fields


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """`to` and `reason`; `ratings` belongs to an approval only (a return takes none)."""
    values = v.clean(data, TRANSITION_RULES, extra_allowed=("ratings",))
    if "ratings" in data and values["to"] != lifecycle.APPROVED:
        v.require({"ratings": ["Ratings are given only when approving the review"]})
    return values


def _freeze(actor: User, review: Review, rated: dict[str, tuple[str, str]]) -> None:
    """Approval: the report as approved is fixed in this transaction.

    Each variant's HTML is built now, from the review as approved, and kept in its
    `rendered_reports` row until its PDFs are stored: laid out after this transaction
    commits (never inside it), by the API request itself (`store_approved`) or by the
    background job (the browser: `reports.work.start_snapshot_jobs`).
    """
    from sfo_review.pdf import participant as participant_copy
    from sfo_review.pdf.render import render_htmls

    review.approved_by = actor
    review.approved_at = utcnow()
    ratings.record(actor, review, rated, review.approved_at)  # api-v1.1 C
    _agree_plan(review)
    # The drafts' cached PDFs are never served again.
    db.session.execute(delete(RenderedReport).where(RenderedReport.review_id == review.id))
    db.session.flush()
    # Each participant's own copy too, as approved; laid out when they first ask (docs/pdf.md).
    own_copies = [participant_copy.key(person) for person in review.participants]
    variants = [*vocab.FROZEN_REPORT_VARIANTS, *own_copies]
    htmls = render_htmls(review, variants, linked_stylesheet=False)
    for variant in vocab.FROZEN_REPORT_VARIANTS:
        snapshots.await_snapshots(review, variant, htmls[variant])
    for variant in own_copies:
        snapshots.await_snapshots(review, variant, htmls[variant], held=True)


def _agree_plan(review: Review) -> None:
    """Approval agrees the action plan (api-v1.1 B): every action the review has now is part
    of it, shown in the approved PDFs; actions added afterwards are not (`agreed_at` unset)."""
    for action in review.actions:
        action.agreed_at = review.approved_at


def transition(
    actor: User, review: Review, data: dict[str, Any], background: bool = False
) -> Review:
    """Move the review to `to`, or raise Conflict listing every unmet rule.

    Approval stores its PDFs once it has committed: here (the API), or, with `background`,
    in the background job the caller starts (reports.work.start_snapshot_jobs).
    """
    moved = _move(actor, review, data)
    if data.get("to") == lifecycle.APPROVED and not background:
        snapshots.store_approved(moved)
    return moved


@review_edit
def _move(actor: User, review: Review, data: dict[str, Any]) -> Review:
    values = _clean(data)
    to: str = values["to"]
    reason: str | None = values.get("reason")
    require_permission(
        perm.can_transition(actor, review, to),
        f"You cannot move this review to {to.replace('_', ' ')}.",
    )
    unmet = lifecycle.unmet_rules(review, to)
    if unmet:
        raise Conflict(
            f"The review cannot move to {to.replace('_', ' ')} yet: "
            f"{len(unmet)} rule{'s' if len(unmet) != 1 else ''} not met.",
            _unmet_as_fields(unmet),
        )
    # Approval takes the ratings (api-v1.1 C: required); checked before anything is written.
    rated = ratings.clean(data.get("ratings")) if to == lifecycle.APPROVED else {}
    if lifecycle.is_return(review.status, to):
        if not reason or not reason.strip():
            v.require({"reason": ["Enter the reason for returning the review"]})
        review.return_reason = reason
    elif to == lifecycle.FACTUAL_ACCURACY:
        review.return_reason = None
        review.factual_accuracy_ends_on = notifications.factual_accuracy_end(clock.today())
        # Each factual accuracy check asks every participant afresh.
        for participant in review.participants:
            participant.factual_accuracy_done_at = None
    frm = review.status
    review.status = to
    if to == lifecycle.CLOSED:
        review.closed_at = utcnow()
    summary = f"Moved the review from {frm.replace('_', ' ')} to {to.replace('_', ' ')}"
    if reason:
        summary += f": {reason}"
    audit(review, actor, "review.transitioned", summary, {"from": frm, "to": to})
    if to == lifecycle.APPROVED:
        # after the event, so the approved PDF's audit summary has it
        _freeze(actor, review, rated)
        recurrences.record_for_approved(review)  # lessons not learned (api-v1.1 B)
    notifications.transitioned(review, frm, to)
    return review
