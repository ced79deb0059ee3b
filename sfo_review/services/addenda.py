"""Statement addenda: what an officer adds after submitting, kept apart and never changed."""

from __future__ import annotations

from typing import Any

from sfo_review import lifecycle
from sfo_review.extensions import db
from sfo_review.models import Review, Statement, StatementAddendum, User
from sfo_review.services import validation as v
from sfo_review.services._common import audit, review_edit
from sfo_review.services.errors import Conflict, Forbidden

ADDENDUM_RULES: dict[str, v.Rule] = {"body": v.long("addendum")}


def require_submitted(statement: Statement | None) -> Statement:
    """An addendum is added to a submitted statement (the page sends anyone else back)."""
    if statement is None or not lifecycle.is_submitted(statement):
        raise Conflict("Submit your statement first: an addendum is added after submission.")
    return statement


def check_addendum(
    actor: User, review: Review, statement: Statement, data: dict[str, Any]
) -> dict[str, Any]:
    """Every rule of add_addendum, saving nothing (for the confirmation step)."""
    if statement.author_id != actor.id:
        raise Forbidden("Only the author of a statement can add an addendum to it.")
    require_submitted(statement)
    if not lifecycle.is_editable(review):
        raise Conflict(
            "An addendum can only be added while the review is in review or at factual accuracy."
        )
    return v.clean(data, ADDENDUM_RULES)


@review_edit
def add_addendum(
    actor: User, review: Review, statement: Statement, data: dict[str, Any]
) -> StatementAddendum:
    """The author adds to their submitted statement; the addendum is submitted at once."""
    values = check_addendum(actor, review, statement, data)
    addendum = StatementAddendum(statement=statement, body=values["body"])
    db.session.add(addendum)
    db.session.flush()
    audit(
        review,
        actor,
        "statement.addendum_added",
        "Added an addendum to their statement",
        {"id": statement.id, "addendum_id": addendum.id},
    )
    return addendum
