"""Who has read a statement's words: the access log its author reads (api-v1.1 §A).

A row is written each time someone *other than the author* is shown the words of a
statement — its page, an API answer that carries its body, a finding that prints it, or an
exported PDF that contains it. The author reading their own statement is not recorded: the
log answers "who else has read what I wrote?", and a log filled with the author's own
visits would hide the answer. Declined statements carry no words (their draft is never
shown), so reading one is not recorded either.

Recording is a small write transaction of its own, like `reviews.record_view` (GET pages
record their audit event the same way). It writes no audit event (the full report counts
the review's audit events that are not reads), and its rows are not shown in any PDF, so a
read never moves the review's content version (`reports.versions`) nor makes the cached PDF
look out of date.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from sfo_review import lifecycle
from sfo_review.extensions import db
from sfo_review.models import Statement, StatementAccess, User
from sfo_review.services._common import use_case

VIEWED = "viewed"
EXPORTED = "exported"


def _with_words(user: User, statements: Iterable[Statement]) -> list[Statement]:
    """The statements whose words `user` is shown and that are not their own (once each)."""
    chosen: dict[int, Statement] = {}
    for statement in statements:
        if statement.author_id != user.id and lifecycle.is_submitted(statement):
            chosen.setdefault(statement.id, statement)
    return list(chosen.values())


def record(user: User, statements: Iterable[Statement], action: str = VIEWED) -> int:
    """Log that `user` read (`viewed`) or took away in a PDF (`exported`) the words of each of
    `statements`; the author's own reads and declined statements are skipped. Returns how
    many rows were written (none: no transaction is begun)."""
    if action not in (VIEWED, EXPORTED):
        raise ValueError(f"Unknown statement access action: {action}")
    shown = _with_words(user, statements)
    if not shown:
        return 0
    _write(user, shown, action)
    return len(shown)


@use_case
def _write(user: User, statements: list[Statement], action: str) -> None:
    for statement in statements:
        db.session.add(StatementAccess(statement_id=statement.id, user_id=user.id, action=action))


def log_for(statement: Statement) -> list[StatementAccess]:
    """The statement's access log, newest first."""
    query = (
        select(StatementAccess)
        .where(StatementAccess.statement_id == statement.id)
        .order_by(StatementAccess.at.desc(), StatementAccess.id.desc())
    )
    return list(db.session.scalars(query))
