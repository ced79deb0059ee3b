"""Names out of the family summary: every person involved becomes a description of their role.

The family summary never prints a name from the records; this also catches a name the
reviewer typed into free text (a chronology summary, a factor description, an action):
the full name in any case, a title with the surname ("Ms Quillfeather"), and the surname,
first name or either half of a double-barrelled surname on its own when written with a
capital ("Niamh", "NIAMH"). Case, accents ("Zoe Bronte" for Zoë Brontë), the kind of
apostrophe ("O’Connor", "OConnor") and of dash do not matter: names and text are compared
folded (`fold`), and the replacement is made in the text as typed. Redacting a word too
many is the safe way to be wrong in a letter to a bereaved family.

"Everyone involved" is everyone the review's records name, not only its current
participants: an officer added and later removed (their name can still be in the
chronology someone typed), and every member of staff who did anything on the review
(its audit trail).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

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
    for name in _action_people(review):  # the family summary prints owners' titles only
        phrases.setdefault(name, "a senior manager")
    for finding in review.findings:
        for reply in finding.responses:
            phrases.setdefault(reply.author.name, "a member of staff")
    for name, phrase in _from_the_audit_trail(review):
        phrases.setdefault(name, phrase)
    return {" ".join(name.split()): phrase for name, phrase in phrases.items() if name.strip()}


def _action_people(review: Review) -> list[str]:
    """The names of the actions' owners and verifiers (their accounts, api-v1.1 B)."""
    people = [p for a in review.actions for p in (a.owner_user, a.verified_by)]
    return [p.name for p in people if p is not None]


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


# Spellings that differ only in these are the same name: curly and straight apostrophes,
# every dash, any case, letters with or without their accents.
APOSTROPHES = "'\u2018\u2019\u02bc\u2032\u0060\u00b4\uff07"
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
_FOLDED_TITLES = r"(?:(?:mr|mrs|ms|miss|mx|dr)\.?\s+)"


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in APOSTROPHES:
        return "'"
    if char in DASHES:
        return "-"
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).casefold()


def fold(text: str) -> tuple[str, list[int]]:
    """`text` without case, accents or kinds of apostrophe and dash, and for each character
    of the result the position in `text` it came from."""
    folded: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text):
        for out in _fold_char(char):
            folded.append(out)
            origin.append(position)
    return "".join(folded), origin


def _key(folded: str) -> str:
    """One spelling for every way of writing a (folded) name: no spaces, dashes, apostrophes."""
    return re.sub(r"[\s\-']+", "", folded)


def _spelling(folded: str) -> str:
    """A regular expression for a folded name: any space between words, a dash or a space
    (or none around the dash) between the halves of a double-barrelled name, and its
    apostrophe optional."""
    out = []
    for char in folded:
        if char.isspace():
            out.append(r"\s+")
        elif char == "-":
            out.append(r"(?:\s*-\s*|\s+)")
        elif char == "'":
            out.append("'?")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _alternatives(names: list[str]) -> str:
    unique = sorted(set(names), key=lambda n: (-len(n), n))  # the longest spelling first
    return "|".join(_spelling(n) for n in unique) or "(?!)"  # none: matches nothing


def _parts(name: str) -> list[str]:
    """The words of a name that can stand alone, and each half of a double-barrelled one."""
    found = []
    for word in name.split():
        for part in dict.fromkeys([word, *re.split(f"[{DASHES}]+", word)]):
            if len(_key(fold(part)[0])) >= MIN_PART:
                found.append(part)
    return found


def _sentence_case(before: str, phrase: str) -> str:
    before = before.rstrip()
    if not before or before[-1] in ".!?:":
        return phrase[0].upper() + phrase[1:]
    return phrase


class _Names:
    """The names of the people on a review as one pattern over folded text.

    A full name matches however it is written. A part alone (a first name, a surname, each
    half of a double-barrelled surname) matches when written with a capital, as the
    person's own name writes it ("Niamh", "NIAMH", "O’CONNOR"), or after a title ("Ms
    wright"), so that a name which is also an ordinary word ("Rose", "Young", "Will")
    leaves the word alone in lower case.
    """

    def __init__(self, people: dict[str, str]) -> None:
        self.whole: dict[str, str] = {}
        self.parts: dict[str, str] = {}
        self.capital: dict[str, bool] = {}  # part -> only when written with a capital
        part_spellings = []
        for name, phrase in people.items():
            self.whole.setdefault(_key(fold(name)[0]), phrase)
            for part in _parts(name):
                folded = fold(part)[0]
                key = _key(folded)
                part_spellings.append(folded)
                self.parts.setdefault(key, phrase)
                self.capital[key] = self.capital.get(key, True) and part[:1].isupper()
        whole = _alternatives([fold(name)[0] for name in people])
        parts = _alternatives(part_spellings)
        self.pattern = re.compile(
            rf"(?<!\w)(?:(?P<whole>{whole})|{_FOLDED_TITLES}?(?P<part>{parts}))(?!\w)"
        )

    def phrase_for(self, match: re.Match[str], text: str, origin: list[int]) -> str | None:
        """The role phrase for a match, or None when a part is not written with a capital."""
        if match.group("whole") is not None:
            return self.whole.get(_key(match.group("whole")), "a member of staff")
        key = _key(match.group("part"))
        titled = match.start() < match.start("part")  # "Ms wright" is a name in any case
        capital = text[origin[match.start("part")]].isupper()
        if self.capital.get(key, True) and not (capital or titled):
            return None
        return self.parts.get(key, "a member of staff")


def redactor(review: Review) -> Callable[[str | None], str]:
    """A function that replaces every name of the people on `review` with their role."""
    people = _people(review)
    if not people:
        return lambda text: text or ""
    names = _Names(people)

    def redact(text: str | None) -> str:
        if not text:
            return ""
        folded, origin = fold(text)
        out: list[str] = []
        done = 0
        for match in names.pattern.finditer(folded):
            phrase = names.phrase_for(match, text, origin)
            if phrase is None:
                continue
            start = origin[match.start()]
            # to the next character that folds to something: a match takes its accents along
            end = origin[match.end()] if match.end() < len(folded) else len(text)
            out.append(text[done:start])
            out.append(_sentence_case(text[:start], phrase))
            done = end
        out.append(text[done:])
        return "".join(out)

    return redact


def names_in(review: Review, text: str) -> list[str]:
    """The names of the people on `review` written in `text`, as typed, in order (the family
    summary's check: services/family_summary.py)."""
    people = _people(review)
    if not people or not text:
        return []
    names = _Names(people)
    folded, origin = fold(text)
    found = []
    for match in names.pattern.finditer(folded):
        if names.phrase_for(match, text, origin) is None:
            continue
        end = origin[match.end() - 1] + 1
        found.append(text[origin[match.start()] : end])
    return found
