"""The action plan progress report (api-v1.1 B): the review's actions as they are now.

Live, never frozen: produced for an approved or closed review whenever someone asks (the
cache keeps a render only while no action of the review changed: services/reports/cache.py),
dated on every page. It tells the plan agreed at approval from the actions added afterwards,
and shows for each its status, owner (name and title), evidence, verification, the reason it
was last sent back and the later reviews where its factor came back (recurrences).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sfo_review import lifecycle, vocab
from sfo_review.clock import LONDON
from sfo_review.models import Action, Review

# The order the summary counts statuses in, and the words it uses.
_STATUS_WORDS = (
    (lifecycle.VERIFIED, "verified"),
    (lifecycle.DONE, "done and awaiting verification"),
    (lifecycle.IN_PROGRESS, "in progress"),
    (lifecycle.OPEN, "open"),
)


def produced_at() -> datetime:
    """When this copy is produced (UK time), printed on every page."""
    return datetime.now(LONDON)


def produced_words(when: datetime) -> str:
    """'6 December 2026 at 14:05' (UK time)."""
    return f"{when.day} {when:%B %Y} at {when:%H:%M}"


def _status_label(action: Action) -> str:
    if lifecycle.awaits_verification(action):
        return "Done, awaiting verification"
    return vocab.label(vocab.ACTION_STATUSES, action.status)


def _summary(actions: list[Action]) -> str:
    counts = Counter(a.status for a in actions)
    total = len(actions)
    parts = [f"{counts[key]} {words}" for key, words in _STATUS_WORDS if counts[key]]
    sentence = f"{total} action{'s' if total != 1 else ''}"
    return sentence + (": " + ", ".join(parts) if parts else "")


def content(review: Review) -> dict[str, Any]:
    """The template context of the action plan progress report for `review` (loaded)."""
    when = produced_at()
    actions = sorted(review.actions, key=lambda a: (a.due_date, a.id))
    agreed = [a for a in actions if lifecycle.in_agreed_plan(a)]
    added = [a for a in actions if not lifecycle.in_agreed_plan(a)]
    findings = list(review.findings)
    return {
        "produced": produced_words(when),
        "report_date": when,
        "agreed": agreed,
        "added": added,
        "summary": _summary(actions),
        "agreed_ids": {a.id for a in agreed},
        "overdue_ids": {
            a.id for a in actions if not lifecycle.is_done(a) and a.due_date < when.date()
        },
        "status_label": vocab.label(vocab.STATUSES, review.status),
        "action_status": _status_label,
        "finding_numbers": {f.id: n for n, f in enumerate(findings, start=1)},
        "category_labels": {c.key: c.label for c in vocab.SYSTEMIC_FACTOR_CATEGORIES},
    }
