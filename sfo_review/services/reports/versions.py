"""Each review's content version: moved in the same transaction as every change its PDFs show.

A cached draft PDF is current while the review's `content_version` (and the names version,
below) is the one its stamp was made from (`cache.content_stamp`), so a download decides
from the review row it has already read, and one small read, without building the HTML.

A session listener notes, at each flush, the reviews whose PDFs a row written in the
transaction shows — the review itself, its chronology, caseload contexts and their
accounts, systemic factors, findings (their links, attributions, officers' replies,
just-culture answers), statements and addenda, participants, actions and recurrences,
deadline extensions, the family's questions, ratings, and the audit events that are
not reads (the full report counts them) — and moves their versions at the commit, in one
UPDATE, never for a transaction that rolled back. Every mapped class is either in
`SHOWN` (how its row finds its review) or in `NOT_SHOWN`: tests/reports/test_content_version.py
fails for a new model in neither. Core statements that change reviews behind the ORM
(services/regions.py) move `content_version` in the same statement (`moved()`).

Users print by name only (reviewers, authors, participants, and every name the family
summary redacts): a change to a user's `name` moves one version for every review's PDFs
(`data_versions` row "pdf:names"); any other change to a user (signing in or out rotates
the session token, a password, a role) moves nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, bindparam, inspect, select, update
from sqlalchemy.orm import Session

from sfo_review.database import Listener, listen_once
from sfo_review.models import (
    Action,
    ActionRecurrence,
    ActionReminder,
    ApiToken,
    AuditEvent,
    CaseloadAccount,
    CaseloadContext,
    ChronologyEntry,
    DataVersion,
    DeadlineExtension,
    FamilyContact,
    FamilyQuestion,
    Finding,
    FindingAttribution,
    FindingResponse,
    JustCultureAssessment,
    Notification,
    OutboxEmail,
    Participant,
    PasswordLink,
    Pdu,
    Region,
    RenderedReport,
    ReportSnapshot,
    Review,
    ReviewRating,
    Setting,
    Statement,
    StatementAccess,
    StatementAddendum,
    SystemicFactor,
    User,
)
from sfo_review.pdf.content import READ_EVENTS
from sfo_review.services import data_versions

NAMES = "pdf:names"
# How a row of each class the PDFs show finds its review: its own `review_id`, or the
# column naming its parent (whose `review_id` is read at the commit).
OWN = "review_id"
SHOWN: dict[type, tuple[tuple[type | None, str], ...]] = {
    ChronologyEntry: ((None, OWN),),
    CaseloadContext: ((None, OWN),),
    SystemicFactor: ((None, OWN),),
    Finding: ((None, OWN),),
    Statement: ((None, OWN),),
    Participant: ((None, OWN),),
    Action: ((None, OWN),),
    DeadlineExtension: ((None, OWN),),
    FamilyQuestion: ((None, OWN),),
    ReviewRating: ((None, OWN),),
    # the later review that recorded it, and the action's own review (its action plan)
    ActionRecurrence: ((None, OWN), (Action, "action_id")),
    FindingAttribution: ((Finding, "finding_id"),),
    FindingResponse: ((Finding, "finding_id"),),
    JustCultureAssessment: ((Finding, "finding_id"),),
    StatementAddendum: ((Statement, "statement_id"),),
    CaseloadAccount: ((CaseloadContext, "caseload_context_id"),),
}
# Review (itself), AuditEvent (unless a read) and User (its name) are handled on their own.
SPECIAL: frozenset[type] = frozenset({Review, AuditEvent, User})
# Rows no PDF shows: caches and the PDFs themselves, who read what, reminders, mail, the
# family liaison log (the family summary prints the configured contact, FAMILY_CONTACT),
# tokens and links, settings, the list of regions and PDUs (a review holds its own region
# and PDU as text: renaming one moves the reviews in the same statement, `moved()`).
NOT_SHOWN: frozenset[type] = frozenset(
    {
        ActionReminder,
        ApiToken,
        DataVersion,
        FamilyContact,
        Notification,
        OutboxEmail,
        PasswordLink,
        Pdu,
        Region,
        RenderedReport,
        ReportSnapshot,
        Setting,
        StatementAccess,
    }
)

NOTED = "pdf_content_changed"


class _Noted:
    """What a transaction changed so far: reviews by id, parents to look up, names."""

    def __init__(self) -> None:
        self.reviews: set[int] = set()
        self.parents: dict[type, set[int]] = {}
        self.names = False

    def __bool__(self) -> bool:
        return bool(self.reviews or self.parents or self.names)


def _noted(session: Session) -> _Noted:
    noted = session.info.get(NOTED)
    if noted is None:
        noted = session.info[NOTED] = _Noted()
    return noted


def _value(obj: Any, key: str, load: bool) -> Any:
    """An attribute of a row; without `load`, only if in hand (a row deleted in this flush
    cannot be read again)."""
    if load:
        return getattr(obj, key)
    state = inspect(obj)
    if key in state.dict:
        return state.dict[key]
    history = state.attrs[key].history
    return history.deleted[0] if history.deleted else None


def _note(noted: _Noted, obj: Any, load: bool) -> None:
    if isinstance(obj, Review):
        if obj.id is not None:
            noted.reviews.add(obj.id)
        return
    if isinstance(obj, AuditEvent):
        review_id = _value(obj, OWN, load)
        if review_id is not None and _value(obj, "action", load) not in READ_EVENTS:
            noted.reviews.add(review_id)
        return
    if isinstance(obj, User):
        if inspect(obj).attrs.name.history.has_changes():
            noted.names = True
        return
    for parent, key in SHOWN.get(type(obj), ()):
        found = _value(obj, key, load)
        if found is None:
            continue
        if parent is None:
            noted.reviews.add(found)
        else:
            noted.parents.setdefault(parent, set()).add(found)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Rows about to be deleted, read while they still can be."""
    noted = _noted(session)
    for obj in session.deleted:
        _note(noted, obj, load=True)


def _after_flush(session: Session, _context: Any) -> None:
    """Rows written (ids and foreign keys are set now), and rows deleted by cascade."""
    noted = _noted(session)
    for obj in session.new:
        _note(noted, obj, load=True)
    for obj in session.dirty:
        if session.is_modified(obj):
            _note(noted, obj, load=True)
    for obj in session.deleted:
        _note(noted, obj, load=False)
    if not noted:
        session.info.pop(NOTED, None)


def _move_on_commit(session: Session) -> None:
    session.flush()  # what is still pending may be a change too
    noted: _Noted | None = session.info.pop(NOTED, None)
    if not noted:
        return
    connection = session.connection()
    reviews = set(noted.reviews)
    for parent, ids in noted.parents.items():
        reviews.update(connection.scalars(_reviews_of(parent), {"ids": sorted(ids)}))
    move(connection, reviews)
    if noted.names:
        data_versions.move(connection, NAMES)


def _forget(session: Session) -> None:
    session.info.pop(NOTED, None)


def move(target: Any, review_ids: Iterable[int]) -> None:
    """Move the content version of these reviews in the caller's transaction (one UPDATE;
    ids in order, so two commits never lock rows crosswise)."""
    ids = sorted(set(review_ids))
    if not ids:
        return
    target.execute(_moving(), {"ids": ids})


# The statements of `_move_on_commit` and `move`, built once (they run in most commits):
# SQLAlchemy finds their SQL in its cache without building and hashing them again.
@functools.cache
def _moving() -> Any:
    table = Review.__table__
    return update(table).where(table.c.id.in_(bindparam("ids", expanding=True))).values(**moved())


@functools.cache
def _reviews_of(parent: type) -> Any:
    table: Any = parent.__table__  # type: ignore[attr-defined]
    return select(table.c.review_id).where(table.c.id.in_(bindparam("ids", expanding=True)))


def moved() -> dict[str, Any]:
    """The values of a Core UPDATE of reviews that moves their content version too."""
    column: Column[int] = Review.__table__.c.content_version
    return {"content_version": column + 1}


def names_version() -> int:
    """How often a user's name has changed (0: never): part of every PDF's stamp."""
    return int(data_versions.read(NAMES) or 0)


# Registered by create_app (init_app), never at import.
LISTENERS: list[Listener] = [
    (Session, "before_flush", _before_flush),
    (Session, "after_flush", _after_flush),
    (Session, "before_commit", _move_on_commit),
    (Session, "after_rollback", _forget),
]


def init_app() -> None:
    listen_once(LISTENERS)
