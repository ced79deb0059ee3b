"""The criminal case (api-v1.1 C): its outcome and the date of it, on the review.

Not review content: the reviewer records it in any status before closed (the approval
freeze does not apply). `update_review` (the API's PATCH) and the browser's Criminal case
page both go through `checked` and `record`, so the rules and messages are these once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.models import Review, User
from sfo_review.services import notifications
from sfo_review.services import validation as v
from sfo_review.services._common import (
    apply,
    audit,
    check_version,
    require_permission,
    review_edit,
)
from sfo_review.services.errors import Conflict

AWAITING = "awaiting"
CONVICTED = ("convicted_of_sfo", "convicted_lesser")
# Ended without a conviction: every participant is told (api-v1.1 C).
ENDED_WITHOUT_CONVICTION = ("acquitted", "discontinued")
FIELDS = ("case_outcome", "case_outcome_date")
RULES: dict[str, v.Rule] = {
    "case_outcome": v.enum("outcome of the criminal case", vocab.keys(vocab.CASE_OUTCOMES)),
    "case_outcome_date": v.a_date(
        "date of the outcome", required=False, latest_days=v.NOT_AFTER_TODAY
    ),
}
AWAITING_WITH_DATE = (
    "Leave the date of the outcome empty while the criminal case is awaiting its outcome"
)
DATE_NEEDED = "Enter the date of the outcome of the criminal case"


def is_convicted(review: Review) -> bool:
    """Convicted of the serious further offence or of a lesser one: with approval, what lets
    the family summary go without NOT FOR DISCLOSURE (the PDFs ask this)."""
    return review.case_outcome in CONVICTED


def ended_without_conviction(review: Review) -> bool:
    return review.case_outcome in ENDED_WITHOUT_CONVICTION


def describe(review: Review) -> str:
    """The outcome in words, with its date: for the overview, the PDFs and the audit trail."""
    if review.case_outcome == AWAITING or review.case_outcome_date is None:
        return "Awaiting the outcome of the criminal case"
    label = vocab.label(vocab.CASE_OUTCOMES, review.case_outcome)
    return f"{label} on {v.long_date(review.case_outcome_date)}"


def ensure_open(review: Review) -> None:
    """409 once the review is closed; before that, in any status."""
    if lifecycle.is_closed(review):
        raise Conflict(
            "This review is closed: the outcome of the criminal case can only be recorded "
            "before it is closed."
        )


def checked(
    review: Review, data: dict[str, Any], charge_date: date | None = None
) -> dict[str, Any]:
    """The case fields of `data` (a PATCH: either or both) cleaned and checked against what
    the review holds: both fields as they will be. A date is needed unless awaiting, and is
    refused while awaiting (moving back to awaiting clears it); not before the charge date,
    not in the future."""
    values = v.clean(data, RULES, partial=True)
    outcome = values.get("case_outcome", review.case_outcome)
    if "case_outcome_date" in values:
        day = values["case_outcome_date"]
    else:
        day = None if outcome == AWAITING else review.case_outcome_date
    errors: dict[str, list[str]] = {}
    charge = charge_date or review.charge_date
    if outcome == AWAITING and day is not None:
        errors["case_outcome_date"] = [AWAITING_WITH_DATE]
    elif outcome != AWAITING and day is None:
        errors["case_outcome_date"] = [DATE_NEEDED]
    elif day is not None and charge is not None and day < charge:
        errors["case_outcome_date"] = [
            f"Date of the outcome must be on or after the charge date ({v.long_date(charge)})"
        ]
    v.require(errors)
    return {"case_outcome": outcome, "case_outcome_date": day}


def record(actor: User, review: Review, values: dict[str, Any]) -> list[str]:
    """Apply checked values in the caller's use case: the audit event, and every participant
    told when the case has just ended without a conviction."""
    before = review.case_outcome
    changed = apply(review, values)
    if changed:
        audit(
            review,
            actor,
            "review.case_outcome",
            f"Recorded the criminal case: {describe(review)}",
            {"fields": changed, "case_outcome": review.case_outcome},
        )
    if review.case_outcome != before and ended_without_conviction(review):
        notifications.case_ended_without_conviction(review)
    return changed


@review_edit
def record_case_outcome(actor: User, review: Review, data: dict[str, Any]) -> Review:
    """The browser's Criminal case page: the outcome and its date, with the version."""
    require_permission(perm.can_record_case_outcome(actor, review))
    data = dict(data)
    check_version(review, data)
    ensure_open(review)
    record(actor, review, checked(review, data))
    return review
