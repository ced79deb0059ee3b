"""Names out of the family summary: every person involved becomes a description of their role.

The family summary never prints a name from the records; this also catches a name the
reviewer typed into free text (a chronology summary, a factor description, an action):
the full name in any case, a title with the surname ("Ms Quillfeather"), and the surname
or first name on its own when capitalised. Redacting a word too many is the safe way to
be wrong in a letter to a bereaved family.

"Everyone involved" is everyone the review's records name, not only its current
participants: an officer added and later removed (their name can still be in the
chronology someone typed), and every member of staff who did anything on the review
(its audit trail).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select

from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import AuditEvent, Review, User

ROLE_PHRASES = {
    "responsible_officer": "the probation officer",
    "previous_officer": "a previous probation officer",
    "line_manager": "the line manager",
    "other": "a member of staff",
}
LEVEL_PHRASES = {
    "team": "in the local team",
    "organisational": "in the probation region or service",
    "partnership": "between the Probation Service and other agencies",
    "national": "nationally (HMPPS or the Ministry of Justice)",
}
TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+"
MIN_PART = 3  # shorter parts ("Al", "Jo") are too likely to be ordinary words


def _people(review: Review) -> dict[str, str]:
    phrases: dict[str, str] = {}
    for participant in review.participants:
        phrases[participant.user.name] = ROLE_PHRASES.get(
            participant.role_in_case, "a member of staff"
        )
    for person, phrase in (
        (review.reviewer, "the reviewer"),
        (review.created_by, "the reviewer"),
        (review.countersigner, "the countersigning manager"),
        (review.approved_by, "the countersigning manager"),
    ):
        if person is not None:
            phrases.setdefault(person.name, phrase)
    for statement in review.statements:
        phrases.setdefault(statement.author.name, "a member of staff")
    for finding in review.findings:
        for reply in finding.responses:
            phrases.setdefault(reply.author.name, "a member of staff")
    for name, phrase in _from_the_audit_trail(review):
        phrases.setdefault(name, phrase)
    return {" ".join(name.split()): phrase for name, phrase in phrases.items() if name.strip()}


PARTICIPANT_EVENTS = ("participant.added", "participant.removed")


def _from_the_audit_trail(review: Review) -> list[tuple[str, str]]:
    """Former participants (with their role where the trail says it) and every member of
    staff who acted on the review."""
    found: list[tuple[str, str]] = []
    actors = select(User.name).join(AuditEvent, AuditEvent.user_id == User.id)
    for name in db.session.scalars(actors.where(AuditEvent.review_id == review.id).distinct()):
        found.append((name, "a member of staff"))
    events = db.session.execute(
        select(AuditEvent.summary, AuditEvent.detail).where(
            AuditEvent.review_id == review.id, AuditEvent.action.in_(PARTICIPANT_EVENTS)
        )
    )
    ids: dict[int, str] = {}
    for summary, detail in events:
        if isinstance(detail, dict) and isinstance(detail.get("user_id"), int):
            ids[detail["user_id"]] = ROLE_PHRASES.get(detail.get("role_in_case", ""), "")
        else:  # written before the trail kept the user's id: its fixed wording
            found.extend(_named_in(summary))
    if ids:
        for user in db.session.scalars(select(User).where(User.id.in_(ids))):
            found.insert(0, (user.name, ids[user.id] or "a member of staff"))
    return found


def _named_in(summary: str) -> list[tuple[str, str]]:
    """The participant an audit summary names: "Added <name> as <role>" or
    "Removed <name> from the review" (services/reviews.py)."""
    if summary.startswith("Removed ") and summary.endswith(" from the review"):
        return [(summary[len("Removed ") : -len(" from the review")], "a member of staff")]
    if summary.startswith("Added "):
        for key, label in vocab.PARTICIPANT_ROLES:
            if summary.endswith(f" as {label}"):
                return [(summary[len("Added ") : -len(f" as {label}")], ROLE_PHRASES[key])]
    return []


def _pattern(alternatives: list[str], prefix: str = "", flags: int = 0) -> re.Pattern[str]:
    words = "|".join(
        re.escape(a).replace(r"\ ", r"\s+") for a in sorted(alternatives, key=len)[::-1]
    )
    return re.compile(rf"(?<!\w){prefix}({words})(?!\w)", flags)


def _sentence_case(match: re.Match[str], phrase: str) -> str:
    before = match.string[: match.start()].rstrip()
    if not before or before[-1] in ".!?:":
        return phrase[0].upper() + phrase[1:]
    return phrase


def redactor(review: Review) -> Callable[[str | None], str]:
    """A function that replaces every name of the people on `review` with their role."""
    people = _people(review)
    if not people:
        return lambda text: text or ""
    full = {name.casefold(): phrase for name, phrase in people.items()}
    parts: dict[str, str] = {}
    for name, phrase in people.items():
        for part in name.split():
            if len(part) >= MIN_PART:
                parts.setdefault(part, phrase)
    whole = _pattern(list(people), flags=re.IGNORECASE)
    piece = _pattern(list(parts), prefix=f"(?:{TITLES})?")

    def replace_whole(match: re.Match[str]) -> str:
        key = " ".join(match.group(0).split()).casefold()
        return _sentence_case(match, full.get(key, "a member of staff"))

    def replace_piece(match: re.Match[str]) -> str:
        return _sentence_case(match, parts.get(match.group(1), "a member of staff"))

    def redact(text: str | None) -> str:
        if not text:
            return ""
        return piece.sub(replace_piece, whole.sub(replace_whole, text))

    return redact
