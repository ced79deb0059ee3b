"""The subject's own account of their recorded working conditions (api-v1.1 §A).

A participant officer reads the caseload contexts about themselves and may answer them: a
text in their own words and the figures they dispute. An account is added, never edited or
deleted; the review team reads it beside the figures, and the full report prints both.
"""

from __future__ import annotations

from typing import Any

from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import CaseloadAccount, CaseloadContext, Review, User
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, review_edit
from sfo_review.services.errors import Conflict
from sfo_review.services.notifications import notify

# The context's own fields an account may dispute, in the order the pages show them, with
# the words the pages use for them.
DISPUTABLE_FIELDS: tuple[tuple[str, str], ...] = (
    ("caseload_count", "Number of cases"),
    ("high_risk_count", "High-risk cases"),
    ("workload_percent", "Workload (WMT)"),
    ("grade", "Grade"),
    ("months_in_role", "Months in role"),
    ("team_vacancy_percent", "Team vacancy rate"),
    ("officer_changes_on_case", "Changes of officer on this case"),
    ("management_oversight_sessions", "Management supervision sessions"),
    ("period_start", "Start of the period"),
    ("period_end", "End of the period"),
)
FIELD_LABELS = dict(DISPUTABLE_FIELDS)

ACCOUNT_RULES: dict[str, v.Rule] = {
    "body": v.long("account"),
    "disputed_fields": v.enum_list("disputed figures", tuple(FIELD_LABELS), required=False),
}
WINDOW_MESSAGE = (
    "An account of your working conditions can only be added while the review is in review "
    "or at factual accuracy."
)


def subject_of(context: CaseloadContext) -> User:
    """The person whose working conditions the context records."""
    return context.participant.user


def check_account(
    actor: User, review: Review, context: CaseloadContext, data: dict[str, Any]
) -> dict[str, Any]:
    """Every rule of add_account, saving nothing: the subject only (403), in the edit window
    (409), a text and a list of the context's own field names (422)."""
    require_permission(
        perm.can_add_caseload_account(actor, review, context.participant.user_id),
        "Only the person whose working conditions these are can add an account of them.",
    )
    if not lifecycle.is_editable(review):
        raise Conflict(WINDOW_MESSAGE)
    values = v.clean(data, ACCOUNT_RULES)
    values["disputed_fields"] = values.get("disputed_fields") or []
    return values


@review_edit
def add_account(
    actor: User, review: Review, context: CaseloadContext, data: dict[str, Any]
) -> CaseloadAccount:
    """The subject adds their account; the review's reviewer is told (in-app and email)."""
    values = check_account(actor, review, context, data)
    account = CaseloadAccount(
        context=context,
        author_id=actor.id,
        body=values["body"],
        disputed_fields=values["disputed_fields"],
    )
    db.session.add(account)
    db.session.flush()
    disputed = values["disputed_fields"]
    figures = ", ".join(FIELD_LABELS[name].lower() for name in disputed)
    audit(
        review,
        actor,
        "caseload_account.added",
        "Added their account of their recorded working conditions"
        + (f" (disputing: {figures})" if disputed else ""),
        {"id": account.id, "caseload_context_id": context.id, "disputed_fields": disputed},
    )
    notify(
        review.reviewer,
        f"{actor.name} has added an account of their working conditions ({review.reference})",
        f"/reviews/{review.id}/caseload-contexts#caseload_contexts-{context.id}",
        review,
    )
    return account


def disputed_by(context: CaseloadContext) -> dict[str, list[CaseloadAccount]]:
    """For each disputed field of the context, the accounts that dispute it (oldest first)."""
    fields: dict[str, list[CaseloadAccount]] = {}
    for account in context.accounts:
        for name in account.disputed_fields:
            fields.setdefault(name, []).append(account)
    return fields
