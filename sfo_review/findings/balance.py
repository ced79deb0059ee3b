"""The balance indicator of the finding editor: the rule is lifecycle.finding_is_balanced.

The indicator shows the state of the finding as it stands in the form (the saved finding
on opening the page, what was typed after a rejected save); static/js/balance.js updates it
as the reviewer edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask import url_for

from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.models import Finding, Review, User

NOT_INDIVIDUAL = "not-individual"
WEIGHED = "weighed"
MISSING = "missing"


@dataclass(frozen=True)
class Unbalanced:
    title: str
    href: str
    current: bool  # the finding being edited


@dataclass(frozen=True)
class Balance:
    state: str
    note_length: int
    note_min: int
    review_unbalanced: list[Unbalanced]


def form_state(form: Any) -> str:
    """The balance state of the finding as the form holds it."""
    as_typed = SimpleNamespace(
        attribution=list(form.attribution.data or []),
        systemic_factors=list(form.systemic_factor_ids.data or []),
        caseload_contexts=list(form.caseload_context_ids.data or []),
        context_note=form.context_note.data or "",
    )
    if "individual" not in as_typed.attribution:
        return NOT_INDIVIDUAL
    return WEIGHED if lifecycle.finding_is_balanced(as_typed) else MISSING


def review_unbalanced(user: User, review: Review, editing: Finding | None) -> list[Unbalanced]:
    """The review's individual-attributed findings still lacking weighed context (as saved)."""
    endpoint = "findings.edit_finding" if perm.can_edit_review(user, review) else "findings.finding"
    return [
        Unbalanced(
            f.title,
            url_for(endpoint, review_id=review.id, finding_id=f.id),
            editing is not None and f.id == editing.id,
        )
        for f in review.findings
        if not lifecycle.finding_is_balanced(f)
    ]


def balance(user: User, review: Review, form: Any, editing: Finding | None) -> Balance:
    note = (form.context_note.data or "").strip()
    return Balance(
        form_state(form),
        len(note),
        lifecycle.BALANCE_NOTE_MIN,
        review_unbalanced(user, review, editing),
    )


def saved_message(finding: Finding) -> str | None:
    """After a save: what the reviewer still has to do for the balance rule, if anything."""
    if lifecycle.finding_is_balanced(finding):
        return None
    return (
        f"“{finding.title}” attributes a shortfall to an individual without weighing their "
        "context: link a systemic factor or caseload context, or explain in at least "
        f"{lifecycle.BALANCE_NOTE_MIN} characters why no wider factor applied. The review "
        "cannot go to quality assurance until you do."
    )
