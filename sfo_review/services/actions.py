"""Use cases for the learning and action plan."""

from __future__ import annotations

from typing import Any

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import Action, Review, User
from sfo_review.models._base import utcnow
from sfo_review.services import validation as v
from sfo_review.services._common import (
    apply,
    audit,
    check_version,
    require_permission,
    review_edit,
)
from sfo_review.services.errors import Conflict, Forbidden

ACTION_RULES: dict[str, v.Rule] = {
    "description": v.long("description of the action"),
    "owner": v.short("owner"),
    "level": v.enum("level", vocab.keys(vocab.ACTION_LEVELS)),
    "due_date": v.a_date("due date", earliest=v.NOTIFICATIONS_BEGIN, latest_days=v.TEN_YEARS_AHEAD),
    "finding_ids": v.ids("findings"),
}
ACTION_EDIT_RULES: dict[str, v.Rule] = {
    **ACTION_RULES,
    "status": v.enum("status", vocab.keys(vocab.ACTION_STATUSES)),
    "completion_note": v.long("completion note", required=False),
}


def _window(actor: User, review: Review) -> None:
    """Reviewer until approval, leadership after; nothing changes once closed."""
    require_permission(perm.can_manage_actions(actor, review))
    if actor.role == "leadership":
        if not lifecycle.actions_with_leadership(review):
            raise Conflict("Leadership manage actions once the review is approved.")
    elif not lifecycle.is_editable(review):
        raise Conflict(
            "Actions can be changed by the reviewer while the review is in review "
            "or at factual accuracy."
        )


def window_open(actor: User, review: Review) -> bool:
    """Whether `actor` may change actions now (pages use it to show or hide the buttons)."""
    try:
        _window(actor, review)
    except (Conflict, Forbidden):
        return False
    return True


def _findings(review: Review, ids: list[int]) -> list[Any]:
    own = {f.id: f for f in review.findings}
    missing = [i for i in ids if i not in own]
    if missing:
        v.require(
            {
                "finding_ids": [
                    "These ids are not findings of this review: " + ", ".join(map(str, missing))
                ]
            }
        )
    return [own[i] for i in ids]


@review_edit
def add_action(actor: User, review: Review, data: dict[str, Any]) -> Action:
    _window(actor, review)
    values = v.clean(data, ACTION_RULES)
    findings = _findings(review, values.pop("finding_ids"))
    action = Action(review=review, status="open", findings=findings, **values)
    db.session.add(action)
    db.session.flush()
    audit(review, actor, "action.added", f"Added action for {action.owner}", {"id": action.id})
    return action


@review_edit
def update_action(actor: User, review: Review, action: Action, data: dict[str, Any]) -> Action:
    _window(actor, review)
    data = dict(data)
    check_version(action, data)
    values = v.clean(data, ACTION_EDIT_RULES, partial=True)
    if "finding_ids" in values:
        action.findings = _findings(review, values.pop("finding_ids"))
        action.updated_at = utcnow()
    status = values.get("status", action.status)
    note = values.get("completion_note", action.completion_note)
    if status == lifecycle.DONE and not (note and note.strip()):
        v.require({"completion_note": ["Enter a completion note saying what was done"]})
    if "status" in values and values["status"] != action.status:
        action.completed_at = utcnow() if values["status"] == lifecycle.DONE else None
    changed = apply(action, values)
    if changed:
        audit(
            review,
            actor,
            "action.updated",
            f"Updated action for {action.owner} ({action.status.replace('_', ' ')})",
            {"id": action.id, "fields": changed},
        )
    return action
