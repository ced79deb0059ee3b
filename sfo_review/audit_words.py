"""The audit trail in plain words, for the History page and the PDF's audit table.

An event's title names the person and what they did ("Sam Manager read the findings");
a run of the same person reading the same page becomes one item ("… 14 times"). The raw
action codes never reach a reader; the PDF's audit table counts changes by `label()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sfo_review.models import AuditEvent

VIEWED = "review.viewed"
EXPORTED = "report.exported"
READS = (VIEWED, EXPORTED)

# The filter "Show": everything, changes only, or views and exports only.
KINDS = (
    ("all", "Everything"),
    ("changes", "Changes only"),
    ("reads", "Views and exports only"),
)
KIND_KEYS = tuple(k for k, _ in KINDS)

# What the PDF's audit table calls each kind of change (the rest: `_derived_label`).
LABELS = {
    "review.created": "Review opened",
    "review.updated": "Review details or judgement changed",
    "review.transitioned": "Moves between stages",
    "participant.added": "Participants added",
    "participant.removed": "Participants removed",
    "chronology.added": "Chronology entries added",
    "chronology.updated": "Chronology entries changed",
    "chronology.deleted": "Chronology entries removed",
    "chronology.imported": "Chronology imports from a spreadsheet",
    "caseload_context.added": "Caseload contexts recorded",
    "caseload_context.updated": "Caseload contexts changed",
    "caseload_context.deleted": "Caseload contexts removed",
    "systemic_factor.added": "Systemic factors recorded",
    "systemic_factor.updated": "Systemic factors changed",
    "systemic_factor.deleted": "Systemic factors removed",
    "finding.added": "Findings added",
    "finding.updated": "Findings changed",
    "finding.deleted": "Findings removed",
    "finding.response_added": "Replies to findings",
    "statement.drafted": "Statement drafts saved",
    "statement.edited": "Statement drafts changed",
    "statement.submitted": "Statements submitted",
    "statement.declined": "Statements declined",
    "statement.decline_withdrawn": "Declines withdrawn",
    "statement.addendum_added": "Addenda to statements",
    "statement.inclusion_set": "Choices of how a statement is printed",
    "action.added": "Actions added",
    "action.updated": "Actions changed",
    "extension.requested": "Deadline extensions asked for",
    "extension.agreed": "Deadline extensions agreed",
    "extension.refused": "Deadline extensions refused",
    "extension.withdrawn": "Deadline extension requests withdrawn",
}


def label(action: str) -> str:
    """A kind of change in plain words, for a count ("Findings added 3")."""
    return LABELS.get(action) or _derived_label(action)


def _derived_label(action: str) -> str:
    thing, _, verb = action.partition(".")
    words = f"{thing.replace('_', ' ')} {verb.replace('_', ' ')}".strip()
    return words[:1].upper() + words[1:]


def _lower_first(sentence: str) -> str:
    """'Added finding “X”' → 'added finding “X”' (a sentence continued after a name)."""
    first, _, rest = sentence.partition(" ")
    if first[:1].isupper() and first[1:].islower():
        return f"{first.lower()} {rest}".strip()
    return sentence


def title(event: AuditEvent) -> str:
    """What happened, with who did it: "Sam Manager read the findings"."""
    who = event.user.name if event.user else "The system"
    if event.action == VIEWED:
        what = event.summary.removeprefix("Viewed ").removeprefix("the ")
        the = "" if what.startswith(("their ", "his ", "her ")) else "the "
        opened = any(w in what for w in ("form", "for editing", "before deleting", "before "))
        return f"{who} {'opened' if opened else 'read'} {the}{what}"
    return f"{who} {_lower_first(event.summary)}"


@dataclass(frozen=True)
class Item:
    """One line of the History page: one event, or a run of one person's same read."""

    title: str
    who: str | None
    role: str | None
    kind: str  # "change", "view" or "export"
    newest: datetime
    oldest: datetime
    count: int


def _kind(event: AuditEvent) -> str:
    return {VIEWED: "view", EXPORTED: "export"}.get(event.action, "change")


def items(events: Iterable[AuditEvent]) -> list[Item]:
    """The events (newest first) as History items, consecutive repeated reads grouped."""
    out: list[Item] = []
    last_key: tuple[object, ...] | None = None
    for event in events:
        key = (event.user_id, event.action, event.summary) if event.action in READS else None
        if key is not None and key == last_key:
            prev = out[-1]
            out[-1] = Item(
                prev.title,
                prev.who,
                prev.role,
                prev.kind,
                prev.newest,
                event.created_at,
                prev.count + 1,
            )
            continue
        out.append(
            Item(
                title(event),
                event.user.name if event.user else None,
                event.user.role_label if event.user else None,
                _kind(event),
                event.created_at,
                event.created_at,
                1,
            )
        )
        last_key = key
    return out
