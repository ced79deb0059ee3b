"""The balance indicator of the finding editor: the rule is lifecycle.finding_is_balanced
(api-v1.1 A, rule 2 to quality assurance).

It concerns individual shortfall findings only (judged insufficient and attributed to an
individual); a good practice or sufficient finding attributed to an individual is praise or a
neutral judgement, never blame. The indicator shows the state of the finding as it stands in
the form (the saved finding on opening the page, what was typed after a rejected save);
static/js/balance.js updates it as the reviewer edits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask import url_for

from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.models import Finding, Participant, Review, User

NOT_INDIVIDUAL = "not-individual"
PRAISE_OR_NEUTRAL = "praise-or-neutral"
WEIGHED = "weighed"
MISSING = "missing"
# The form field naming whom the finding is about (the findings service adds it, api-v1.1 A).
SUBJECTS_FIELD = "subject_participant_ids"


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
    # For balance.js: each participant's caseload context ids, and the subjects as saved
    # (used while the form has no subjects field).
    subject_contexts: str = "{}"
    saved_subjects: str = "[]"


def _ids(values: Any) -> list[int]:
    ids = []
    for value in values or []:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids


def _subjects(form: Any, review: Review | None, editing: Finding | None) -> list[Participant]:
    """The subjects as the form holds them, or as saved while the form has no such field."""
    field = getattr(form, SUBJECTS_FIELD, None)
    if field is None:
        return list(editing.subjects) if editing is not None else []
    wanted = set(_ids(field.data))
    return [p for p in (review.participants if review else []) if p.id in wanted]


def form_state(form: Any, review: Review | None = None, editing: Finding | None = None) -> str:
    """The balance state of the finding as the form holds it."""
    as_typed = SimpleNamespace(
        judgement=form.judgement.data,
        attribution=list(form.attribution.data or []),
        systemic_factors=_ids(form.systemic_factor_ids.data),
        caseload_contexts=_ids(form.caseload_context_ids.data),
        context_note=form.context_note.data or "",
        subjects=_subjects(form, review, editing),
    )
    if "individual" not in as_typed.attribution:
        return NOT_INDIVIDUAL
    # Praise or neutral once chosen; until a judgement is chosen the rule is shown as it
    # would apply to a shortfall.
    if as_typed.judgement and as_typed.judgement != lifecycle.SHORTFALL_JUDGEMENT:
        return PRAISE_OR_NEUTRAL
    return WEIGHED if lifecycle.finding_context_weighed(as_typed) else MISSING


def review_unbalanced(user: User, review: Review, editing: Finding | None) -> list[Unbalanced]:
    """The review's individual shortfall findings still lacking weighed context (as saved)."""
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
    contexts = {str(p.id): [c.id for c in p.caseload_contexts] for p in review.participants}
    saved = [s.id for s in editing.subjects] if editing is not None else []
    return Balance(
        form_state(form, review, editing),
        len(note),
        lifecycle.BALANCE_NOTE_MIN,
        review_unbalanced(user, review, editing),
        json.dumps(contexts),
        json.dumps(saved),
    )


def saved_message(finding: Finding) -> str | None:
    """After a save: what the reviewer still has to do for the balance rule, if anything."""
    if lifecycle.finding_is_balanced(finding):
        return None
    missing = lifecycle.subjects_missing_context(finding)
    contexts = (
        f"the caseload context of {', '.join(s.user.name for s in missing)} and " if missing else ""
    )
    return (
        f"“{finding.title}” finds an individual's practice insufficient without weighing "
        f"their context: link {contexts}at least one systemic factor, or explain in at least "
        f"{lifecycle.BALANCE_NOTE_MIN} characters why no wider factor applied. The review "
        "cannot go to quality assurance until you do."
    )
